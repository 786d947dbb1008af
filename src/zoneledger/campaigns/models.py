import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import ProvinceQuerySet, division_filter, zone_filter
from zoneledger.core.money import WanField

ROUND_LABEL_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a target may be set for


class RoundQuerySet(ProvinceQuerySet):
    """Rounds; `visible_to(user)` keeps the user's province's (every province's for the nation)."""

    def get_by_label(self, label):
        """The round called e.g. '2023-4'; Round.DoesNotExist if there is none, ValidationError if malformed."""
        year, sequence = parse_round_label(label)
        return self.get(year=year, sequence=sequence)


def parse_round_label(label):
    """(2023, 4) from '2023-4'."""
    match = ROUND_LABEL_RE.match(str(label).strip())
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a round such as 2023-4."), code="invalid_round", params={"value": label}
        )
    return int(match[1]), int(match[2])


class Round(models.Model):
    """One province-wide "三个一批" event: a batch signed, a batch started and a batch commissioned.

    A round belongs to its province: two provinces may both hold a round 2024-1.
    """

    province = models.ForeignKey(
        "zones.Division",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="rounds",
        limit_choices_to={"level": "province"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    venues = models.CharField(_("venues"), max_length=300, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["province", "year", "sequence"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "sequence"], name="round_unique_province_year_sequence"
            ),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="round_sequence_positive"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.year}-{self.sequence}"

    @property
    def url_kwargs(self):
        """How a URL names the round: its province's code and its label (/rounds/140000/2023-4/)."""
        return {"province": self.province_id, "year": self.year, "sequence": self.sequence}

    @property
    def audit_province(self):
        """The province whose audit chain holds records about this round (audit's protocol)."""
        return self.province_id


class YearTargetQuerySet(models.QuerySet):
    """Year targets; `visible_to(user)` keeps those of the scopes the user's covers (the scope door)."""

    def visible_to(self, user):
        return self.filter(
            (Q(zone__isnull=True) & division_filter(user, prefix="division__"))
            | (Q(zone__isnull=False) & zone_filter(user, prefix="zone__"))
        )


PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class YearTarget(models.Model):
    """What a scope (a province, a city or a zone) is to reach in a year: projects signed and their investment, the
    signed batch's 开工率, and the year's completed investment (the approved monthly amounts). A blank figure has no
    target.

    Set by the level above (`services.target_set`: the province for itself and its cities, a city for its zones),
    never overwritten unseen: `version` grows with every change and a stale form is refused.
    """

    province = models.ForeignKey(
        "zones.Division",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="year_targets",
        limit_choices_to={"level": "province"},
    )
    # The scope: a province or a city (a division), or a zone; exactly one of the two.
    division = models.ForeignKey(
        "zones.Division", verbose_name=_("division"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    signed_count = models.PositiveIntegerField(_("projects signed"), null=True, blank=True)
    signed_investment = WanField(
        _("investment signed (万元)"), null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    start_rate = models.DecimalField(
        _("start rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    completed = WanField(
        _("completed investment (万元)"), null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.PROTECT
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    objects = YearTargetQuerySet.as_manager()

    class Meta:
        ordering = ["province", "year", "division", "zone"]
        verbose_name = _("year target")
        verbose_name_plural = _("year targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(division__isnull=False, zone__isnull=True) | Q(division__isnull=True, zone__isnull=False),
                name="year_target_one_scope",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "division"],
                condition=Q(zone__isnull=True),
                name="year_target_unique_division_year",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "zone"],
                condition=Q(division__isnull=True),
                name="year_target_unique_zone_year",
            ),
            models.CheckConstraint(
                condition=Q(start_rate__isnull=True) | Q(start_rate__gte=0, start_rate__lte=100),
                name="year_target_start_rate_percent",
            ),
            models.CheckConstraint(
                condition=Q(signed_investment__isnull=True) | Q(signed_investment__gte=0),
                name="year_target_signed_investment_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(completed__isnull=True) | Q(completed__gte=0), name="year_target_completed_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.zone_id or self.division_id}"

    @property
    def audit_province(self):
        """The province whose audit chain holds records about this target (audit's protocol)."""
        return self.province_id
