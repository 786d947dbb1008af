from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "zoneledger.progress"
    label = "progress"
