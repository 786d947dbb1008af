from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    """The province's page and services for the working-day calendar whose rules and rows live in core."""

    name = "zoneledger.workdays"
    label = "workdays"

    def ready(self):
        from . import checks  # noqa: F401  (registers the unknown-year checks)
