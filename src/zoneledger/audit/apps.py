from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneledger.audit"
    label = "audit"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production check of the anchor key)
