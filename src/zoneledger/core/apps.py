from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zoneledger.core"
    label = "core"
