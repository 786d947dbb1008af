from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zoneledger.core"
    label = "core"

    def ready(self):
        from . import middleware  # noqa: F401 - connects the receiver that marks requests met by a busy database
