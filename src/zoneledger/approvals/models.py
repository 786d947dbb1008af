from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.scope import NOTHING, zone_filter
from zoneledger.core.codes import validate_project_code

from .choices import ApprovalState, Matter


class ApprovalItemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "ApprovalItemQuerySet":
        """A matched item goes with its project; an unmatched one with the zone that brought it in, or, when no
        zone did, with the province its code's division lies in (its province and the nation read it)."""
        matched = Q(project__isnull=False) & zone_filter(user, prefix="project__zone__")
        of_zone = Q(project__isnull=True, zone__isnull=False) & zone_filter(user, prefix="zone__")
        return self.filter(matched | of_zone | _province_wide(user))

    def unmatched(self) -> "ApprovalItemQuerySet":
        return self.filter(project__isnull=True)

    def pending(self) -> "ApprovalItemQuerySet":
        """Items not yet 已办: a project with one is 手续未齐 (the ledger's filter reads it through the relation)."""
        return self.exclude(state=ApprovalState.DONE)


def _province_wide(user: Any) -> Q:
    """Unplaced items (no project, no zone) for the nation's and their province's province-level users; read from
    the org without a query."""
    if not getattr(user, "is_authenticated", False) or not user.reads_business_data:
        return NOTHING
    unplaced = Q(project__isnull=True, zone__isnull=True)
    if user.org.kind == OrgKind.NATION:
        return unplaced
    if user.org.kind == OrgKind.PROVINCE:
        return unplaced & Q(province_code=user.org.division_id)
    return NOTHING


class ApprovalItem(models.Model):
    """One approval matter of a project, keyed by the national project code (DOMAIN.md §8–9).

    It may arrive before the project is in the ledger: `project` stays empty (unmatched) until a project with the
    same code appears, and `services.approvals_match` links it then.
    """

    project_code = models.CharField(_("project code"), max_length=24, validators=[validate_project_code])
    province_code = models.CharField(_("province"), max_length=6, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_items",
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.CharField(_("matter"), max_length=20, choices=Matter.choices)
    authority = models.CharField(_("authority"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=15, choices=ApprovalState.choices, default=ApprovalState.NOT_STARTED
    )
    document_number = models.CharField(_("document number (批复文号)"), max_length=100, blank=True)
    decided_on = models.DateField(_("date decided"), null=True, blank=True)
    papers_due_on = models.DateField(_("papers due (承诺期限)"), null=True, blank=True)
    milestone = models.OneToOneField(
        "milestones.Milestone",
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_item",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApprovalItemQuerySet.as_manager()

    class Meta:
        ordering = ["project_code", "matter"]
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        constraints = [
            models.UniqueConstraint(
                fields=["project_code", "matter", "province_code"], name="approval_one_per_matter_p"
            ),
            models.CheckConstraint(
                condition=~Q(state=ApprovalState.DONE) | Q(decided_on__isnull=False), name="approval_done_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(state=ApprovalState.COMMITMENT) | Q(papers_due_on__isnull=False),
                name="approval_commitment_has_due_date",
            ),
        ]
        indexes = [models.Index(fields=["project_code"])]

    def __str__(self):
        return f"{self.project_code} · {self.get_matter_display()}"

    @property
    def audit_related(self):
        return self.project

    @property
    def audit_province(self):
        return self.province_code
