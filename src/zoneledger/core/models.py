"""The province's own entries in the working-day calendar (core/calendar.py reads them; workdays/services.py
writes them). A province is named by its division code, so that core needs no other app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import validate_division_code


class ProvinceEntry(models.Model):
    """What a province entered into the calendar: which province (its division code), a note, who and when."""

    province_code = models.CharField(_("province"), max_length=6, validators=[validate_division_code])
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def audit_province(self) -> str:
        """The audit chain of the province's own records (audit/services.py)."""
        return self.province_code


class WorkdayOverride(ProvinceEntry):
    """A province's correction of one day: a working day or a rest day, whatever the State Council's notice (as
    the chinese-calendar package has it) or the week says. It takes precedence over both."""

    day = models.DateField(_("day"))
    working = models.BooleanField(_("working day"))

    class Meta:
        ordering = ["province_code", "day"]
        verbose_name = _("working-day correction")
        verbose_name_plural = _("working-day corrections")
        constraints = [
            models.UniqueConstraint(fields=["province_code", "day"], name="workday_override_one_per_day"),
        ]

    def __str__(self):
        return f"{self.province_code} {self.day:%Y-%m-%d} {'work' if self.working else 'rest'}"


class WorkdayYear(ProvinceEntry):
    """A year the package does not know, which the province has entered itself: its holidays and 调休 days as
    corrections, every other day by the week. Without it such a year is unknown (core/calendar.py)."""

    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["province_code", "year"]
        verbose_name = _("year entered by the province")
        verbose_name_plural = _("years entered by the province")
        constraints = [
            models.UniqueConstraint(fields=["province_code", "year"], name="workday_year_once_per_province"),
        ]

    def __str__(self):
        return f"{self.province_code} {self.year}"


class IdempotentRequest(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key`: a repeat of the key by the same user gets
    it again and writes nothing (core/api.py, `idempotent`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotentrequest_unique_user_key")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"
