from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .actions import Action

NATIONAL = ""
"""The chain of records that belong to no province (failed log-ins of unknown names, nation-level work)."""


class AuditRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The records the user may read in the auditor's pages: the auditor's (三员分立) of their scope; no one else's.

        A province's auditor reads their province's chain, the nation's auditor every chain. Audit asks the user
        (`reads_audit_trail`, `audit_scope`, supplied by accounts) instead of knowing roles and scopes itself.
        """
        if not getattr(user, "reads_audit_trail", False):
            return self.none()
        province = user.audit_scope
        return self.all() if province is None else self.filter(province=province)

    def of_actor_since(self, user, action, since):
        """The user's records of `action` from `since` on (e.g. their refused requests of the last minutes)."""
        return self.filter(actor=user, action=action, at__gte=since)

    def update(self, **kwargs):
        raise AuditIsAppendOnly

    def delete(self):
        raise AuditIsAppendOnly


class AuditIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AuditRecord(models.Model):
    """One entry of the append-only audit trail: a data change or a security event.

    Records form one hash chain per province (`province`, a GB/T 2260 province code; `NATIONAL` for
    none): each stores its position in its chain (`sequence`) and the hash of the record before it,
    so any edit, removal or insertion breaks the chain and `zoneledger audit_verify` finds where.
    `object_*` name the thing changed; `related_*` the thing whose history must show the change (a
    project, for its stage events and monthly reports); `batch` ties together the rows of one import.
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
    related_type = models.CharField(_("related object type"), max_length=60, blank=True)
    related_id = models.CharField(_("related object id"), max_length=40, blank=True)
    province = models.CharField(_("province"), max_length=6, blank=True, default=NATIONAL)
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    sequence = models.PositiveBigIntegerField(_("position in the chain"))
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["related_type", "related_id"], name="audit_related_idx"),
            models.Index(fields=["province", "id"], name="audit_province_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["province", "sequence"], name="audit_one_record_per_chain_position"),
            models.UniqueConstraint(fields=["province", "record_hash"], name="audit_one_record_per_hash"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditIsAppendOnly

    @property
    def action_label(self):
        """What happened, in words (the registry's label for the stored action)."""
        return Action.label_of(self.action)


class AuditChainHead(models.Model):
    """One row per province's chain holding its newest record's position and hash.

    Writers lock their chain's row, so records of one province are appended one after the other
    while other provinces write at the same time.
    """

    province = models.CharField(max_length=6, unique=True, default=NATIONAL)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.province or 'national'} #{self.sequence} {self.last_hash}"
