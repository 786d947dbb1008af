from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "zoneledger.ingest"
    label = "ingest"
