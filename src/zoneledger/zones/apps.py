from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "zoneledger.zones"
    label = "zones"
