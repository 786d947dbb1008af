from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import cast

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import zone_filter
from zoneledger.core.codes import validate_industry_code, validate_project_code
from zoneledger.core.money import WanField
from zoneledger.core.text import validate_fits_a_cell
from zoneledger.enterprises.models import Enterprise

from .choices import KeyLevel, ProgressStatus, Stage

NOT_NEGATIVE = [MinValueValidator(0)]


def province_column() -> models.ForeignKey:
    """The province a row of zone data lies in: the column a sharded database distributes rows by (docs/SCALING.md).

    Copied from the row's project (or problem) by the model's save and by every bulk service; never edited. It has no
    index of its own: it leads the unique constraints instead, and 31 values make a poor index alone.
    """
    return models.ForeignKey(
        "zones.Division",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )


CODE_TAKEN = _(
    "This project code is already registered for another project. If it is this project's code, ask the"
    " province's business administrator."
)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects in the zones the user's org covers; none for anyone else."""
        return self.filter(zone_filter(user, prefix="zone__", province="province_id"))


class Project(models.Model):
    """One investment project in a zone's ledger (台账). Its stage comes from its events.

    Caches of its live events, kept by the services that record and void events (`projects.services`, the one
    place they are written): `stage`, the stage of the latest live event, so the ledger filters on a column; and
    `started_on`, `commissioned_on`, `at_capacity_on`, the day each stage was first reached (its own event's or a
    later stage's, DOMAIN §5), which the figures read for the live ledger so that no figure runs a subquery per
    event. Figures as the ledger stood at a past moment (`known_at`) read the events themselves.
    """

    code = models.CharField(
        _("project code"),
        max_length=24,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_project_code],
        # One answer wherever the code is held, naming nothing: the form, the services and the import give it
        # alike, so a code held in another zone cannot be told from one held in one's own (issue 20, C1).
        error_messages={"unique": CODE_TAKEN},
    )
    name = models.CharField(_("project name"), max_length=200)
    zone = models.ForeignKey("zones.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="projects")
    province = province_column()
    # The 建设单位 as this project's own user entered it: the page, the ledger and the export show it, never the name
    # another zone entered for the same USCC (the shared Enterprise row's), which is not this zone's to read.
    enterprise_name = models.CharField(_("enterprise (建设单位)"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    industry_code = models.CharField(_("industry code"), max_length=5, blank=True, validators=[validate_industry_code])
    chain = models.ForeignKey(
        "chains.Chain", verbose_name=_("industry chain"), null=True, blank=True, on_delete=models.PROTECT
    )
    chain_link = models.ForeignKey(
        "chains.ChainLink", verbose_name=_("chain link"), null=True, blank=True, on_delete=models.PROTECT
    )
    total_investment = WanField(_("total investment (万元)"), validators=NOT_NEGATIVE)
    land_mu = models.DecimalField(
        _("land (亩)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    expected_output = WanField(_("expected annual output (万元)"), null=True, blank=True, validators=NOT_NEGATIVE)
    expected_tax = WanField(_("expected annual tax (万元)"), null=True, blank=True, validators=NOT_NEGATIVE)
    actual_output = WanField(_("actual annual output (万元)"), null=True, blank=True, validators=NOT_NEGATIVE)
    construction_content = models.TextField(_("construction content"), blank=True, validators=[validate_fits_a_cell])
    leader_in_charge = models.CharField(_("leader in charge (包联领导)"), max_length=50, blank=True)
    task_force = models.CharField(_("task force (专班)"), max_length=200, blank=True)
    key_level = models.CharField(_("key-project level"), max_length=10, choices=KeyLevel.choices, blank=True)
    stage = models.CharField(_("current stage"), max_length=15, choices=Stage.choices, blank=True, editable=False)
    started_on = models.DateField(_("started (reached) on"), null=True, blank=True, editable=False)
    commissioned_on = models.DateField(_("commissioned (reached) on"), null=True, blank=True, editable=False)
    at_capacity_on = models.DateField(_("at capacity (reached) on"), null=True, blank=True, editable=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Invented demo data, not a real project.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["zone", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["zone", "name", "province"], name="project_unique_name_in_zone_province"),
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_investment_not_negative"),
            models.CheckConstraint(
                condition=Q(land_mu__isnull=True) | Q(land_mu__gte=0), name="project_land_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expected_output__isnull=True) | Q(expected_output__gte=0),
                name="project_expected_output_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(expected_tax__isnull=True) | Q(expected_tax__gte=0),
                name="project_expected_tax_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual_output__isnull=True) | Q(actual_output__gte=0),
                name="project_actual_output_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(chain_link__isnull=True) | Q(chain__isnull=False), name="project_link_needs_chain"
            ),
        ]
        indexes = [models.Index(fields=["zone", "stage"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A project lies in its zone's province; a zone never changes province, so neither does its project.
        self.province_id = self.zone.province_id
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique checks, which include the province (a NULL one would match nothing).
        if self.zone_id is not None:
            self.province_id = self.zone.province_id

    @property
    def audit_province(self):
        """The province whose audit chain holds this project's records (audit's protocol)."""
        return self.zone.audit_province


class ProjectPart:
    """A part of a project (event, monthly report, milestone): its audit records show on the project's history.

    A mixin of concrete models, each of which declares `project` and `province`; the annotations say so to the type
    checker, which cannot see them from here."""

    project: "Project"
    province_id: str | None

    @property
    def audit_related(self):
        return self.project

    @property
    def audit_province(self):
        return self.project.audit_province

    def save(self, *args, **kwargs):
        if self.province_id is None:
            self.province_id = self.project.province_id  # the project's province, the row's shard
        cast(models.Model, super()).save(*args, **kwargs)


class ProjectPartQuerySet(models.QuerySet):
    """Rows that belong to a project (events, monthly progress, milestones) share their project's scope."""

    def visible_to(self, user):
        return self.filter(zone_filter(user, prefix="project__zone__", province="province_id"))


class StageEventQuerySet(ProjectPartQuerySet):
    def live(self):
        return self.filter(voided=False)

    def known_at(self, moment):
        """The events as the ledger stood at `moment`: recorded by then, and not yet voided then."""
        return self.filter(recorded_at__lte=moment).filter(Q(voided=False) | Q(voided_at__gt=moment))

    def exist_in(self, stages: Sequence[str]) -> Q:
        """A filter: whether these events (tied to the outer row by the caller, `project=OuterRef(…)`) hold one of
        `stages`.

        On PostgreSQL it is one EXISTS over `stage IN (…)`: one index probe a row, and half the SQL to build (a
        nation's year figures took a fifth less time than with one EXISTS a stage). SQLite gets one EXISTS a stage,
        ORed: SQLite 3.40 answers a correlated EXISTS over `stage IN (…)` wrongly once ANALYZE has run.
        """
        if connection.vendor == "postgresql":
            return Q(Exists(self.filter(stage__in=stages)))
        return reduce(or_, (Q(Exists(self.filter(stage=stage))) for stage in stages))


class StageEvent(ProjectPart, models.Model):
    """A project reached a stage on a date. Never edited or deleted: a wrong event is voided with a reason."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="events")
    province = province_column()
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    happened_on = models.DateField(_("date"))
    round = models.ForeignKey(
        "campaigns.Round",
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided = models.BooleanField(_("voided"), default=False)
    void_reason = models.CharField(_("void reason"), max_length=500, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = StageEventQuerySet.as_manager()

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "province"],
                condition=Q(voided=False),
                name="stageevent_one_live_per_stage_p",
            ),
            models.CheckConstraint(
                condition=Q(voided=False) | (~Q(void_reason="") & Q(voided_at__isnull=False)),
                name="stageevent_void_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "stage"]),
            models.Index(fields=["project", "stage", "happened_on"]),
            # A province's events of some stages by date, matched to projects in EXISTS (the weekly pack's late
            # reports, 签约未开工) and its week's events: one province's index entries, not every province's rows.
            models.Index(fields=["province", "stage", "happened_on"]),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()} · {self.happened_on}"


class MonthlyProgress(ProjectPart, models.Model):
    """A project's completed investment in one month (月报), reviewed by the city or province."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="progress")
    province = province_column()
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    completed_investment = WanField(_("completed investment (万元)"), validators=NOT_NEGATIVE)
    progress_note = models.TextField(_("physical progress"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgressStatus.choices, default=ProgressStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "province"], name="progress_unique_month_province"),
            models.CheckConstraint(condition=Q(completed_investment__gte=0), name="progress_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "month"])]

    def __str__(self):
        return f"{self.project} · {self.month:%Y-%m}"
