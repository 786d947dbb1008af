from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditIsAppendOnly

    def delete(self):
        raise AuditIsAppendOnly


class AuditIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AuditRecord(models.Model):
    """One entry of the append-only audit trail: a data change or a security event.

    Each record stores the hash of the one before it, so any edit to the table breaks the
    chain and `zoneledger audit_verify` finds where.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    org_name = models.CharField(_("organisation"), max_length=100, blank=True)
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    success = models.BooleanField(_("success"), default=True)
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditIsAppendOnly


class AuditChainHead(models.Model):
    """A single row holding the newest record's hash; locking it serialises writers of the chain."""

    last_hash = models.CharField(max_length=64)

    def __str__(self):
        return self.last_hash
