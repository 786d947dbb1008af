from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications (the bell): what a user must act on, written by the worker after the change commits."""

    name = "zoneledger.notifications"
    label = "notifications"
