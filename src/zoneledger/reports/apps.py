from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zoneledger.reports"
    label = "reports"
