"""Notifications: one row per user and matter, read or not; the words are made when shown, in the reader's language.

Every table holding zone data carries its province (DESIGN.md, scale path): `province` is that of what the
notification is about.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Kind


class Notification(models.Model):
    """A message for one user: what happened (`kind` with its `params`), where to act (`url`), and when they read it.

    `key` names the matter (e.g. `problem:12:due:solve:2025-10-16`): a user is told of a matter once, so a task
    that runs again (hourly reminders, a retried job) adds nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    province = models.CharField(_("province"), max_length=6, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("details"), default=dict)
    url = models.CharField(_("address"), max_length=300)
    key = models.CharField(_("matter"), max_length=150)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_matter")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread", condition=Q(read_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"

    @property
    def text(self) -> str:
        from .messages import text

        return text(self.kind, self.params)
