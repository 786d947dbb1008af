"""Reads of a user's notifications: their own, and only theirs."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zoneledger.accounts.models import User


def notification_list(*, user: "User | AnonymousUser") -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("read_at", "-created_at", "-id")


def unread_count(*, user: "User | AnonymousUser") -> int:
    """How many of the user's notifications are unread (the bell's count): one query on a partial index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
