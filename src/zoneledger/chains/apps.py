from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "zoneledger.chains"
    label = "chains"
