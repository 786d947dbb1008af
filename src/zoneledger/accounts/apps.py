from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zoneledger.accounts"
    label = "accounts"
