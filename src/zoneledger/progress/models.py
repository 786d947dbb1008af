"""Monthly reports and their review (月报, 填报 → 审核).

`projects.MonthlyProgress` stays where it is, one row per project and month: the amount that *counts* in 完成投资
(approved) or, before any approval, the latest submitted one. Every figure reads it, so it keeps its table, its
indexes and its meaning; only this app's services write it.

What this app adds is the life of the report: every submission is a `ReportVersion` (version 1 is the first
report, a later one a correction after approval) and every change of state a `ReportTransition` (who, when, from,
to, reason, amount). An approved version that a later approved correction replaced keeps its amount with
`counted_until`, so figures `known_at` a past moment count what counted then.
"""

from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zoneledger.core.attachments import Attachment
from zoneledger.core.money import WanField
from zoneledger.projects.models import NOT_NEGATIVE, ProjectPart, ProjectPartQuerySet, province_column

from .choices import OPEN_STATES, ReportState


@lru_cache(maxsize=1024)
def _month_label(month):
    """A month as "2024-03", formatted once per month: an import names tens of thousands of versions (`describe`)."""
    return f"{month:%Y-%m}"


class ReportVersion(ProjectPart, models.Model):
    """One submission of a project's monthly report: first report or a correction of an approved month."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="report_versions"
    )
    province = province_column()
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    amount = WanField(_("completed investment (万元)"), validators=NOT_NEGATIVE)
    physical_progress = models.TextField(_("physical progress"), blank=True, max_length=2000)
    note = models.CharField(_("note"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
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
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    # Set when a later version of the month was approved: this amount counted from reviewed_at until then.
    counted_until = models.DateTimeField(_("counted until"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month", "number"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month", "number", "province"], name="reportversion_unique_number_p"
            ),
            models.UniqueConstraint(
                fields=["project", "month", "province"],
                condition=Q(state__in=OPEN_STATES),
                name="reportversion_one_open_p",
            ),
            models.UniqueConstraint(
                fields=["project", "month", "province"],
                condition=Q(state=ReportState.APPROVED, counted_until__isnull=True),
                name="reportversion_one_counting_p",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="reportversion_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(state=ReportState.RETURNED) | ~Q(return_reason=""), name="reportversion_return_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "month"]),
            models.Index(fields=["project", "month", "state"]),
        ]

    def __str__(self):
        return self.describe(self.project, self.month, self.number)

    @staticmethod
    def describe(project, month, number):
        """How a version is named (its audit records' text too): the project, the month, the version's number."""
        return f"{project} · {_month_label(month)} · v{number}"


class ReportTransition(ProjectPart, models.Model):
    """One change of a report version's state: the history shown on the project page."""

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("monthly report"), on_delete=models.PROTECT, related_name="transitions"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="report_transitions"
    )
    province = province_column()
    from_state = models.CharField(_("from"), max_length=10, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=ReportState.choices)
    amount = WanField(_("completed investment (万元)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report history")
        verbose_name_plural = _("report history")
        indexes = [models.Index(fields=["project", "at"])]

    def __str__(self):
        return f"{self.version} · {self.from_state or '—'} → {self.to_state}"


class ReportPhoto(ProjectPart, Attachment):
    """A photo of a report version (形象进度 in pictures): added while the version is open, kept once approved.

    The rules of every attachment are `core.attachments`'; its project gives it its scope.
    """

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("monthly report"), on_delete=models.PROTECT, related_name="photos"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="report_photos"
    )
    province = province_column()

    objects = ProjectPartQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        indexes = [models.Index(fields=["version", "added_at"])]


class AnnualPlan(ProjectPart, models.Model):
    """A project's planned investment for a year (年度计划投资), spread over its months (evenly unless entered)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    province = province_column()
    year = models.PositiveSmallIntegerField(_("year"))
    amount = WanField(_("planned investment (万元)"), validators=NOT_NEGATIVE)
    # The twelve monthly amounts in hundredths of 万元 (exact), January first; they add up to `amount`.
    months = models.JSONField(_("monthly plan"), default=list)
    entered = models.BooleanField(_("months entered"), default=False, help_text=_("Off: spread evenly."))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "province"], name="annualplan_one_per_year_p"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="annualplan_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.project} · {self.year}"

    @property
    def monthly(self) -> list[Decimal]:
        """The twelve monthly amounts as Decimals of 万元."""
        return [Decimal(hundredths) / 100 for hundredths in self.months]
