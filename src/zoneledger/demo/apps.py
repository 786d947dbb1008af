from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zoneledger.demo"
    label = "demo"
