from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zoneledger.campaigns"
    label = "campaigns"
