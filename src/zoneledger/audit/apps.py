from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zoneledger.audit"
    label = "audit"
