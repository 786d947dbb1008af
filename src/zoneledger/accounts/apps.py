from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zoneledger.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401  (connects the log-in audit receivers)
