from django.db import models
from django.utils.translation import gettext_lazy as _

from zoneledger.core.codes import province_code, validate_division_code

from .choices import DivisionLevel, ZoneKind, ZoneLevel


class Division(models.Model):
    """An administrative division of GB/T 2260 (province, city or county), keyed by its six-digit code."""

    code = models.CharField(_("division code"), max_length=6, primary_key=True, validators=[validate_division_code])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self):
        return self.name

    @property
    def province_code(self):
        """The code of the province this division lies in (its own for a province)."""
        return province_code(self.code)

    @property
    def city(self):
        """The city this division belongs to (itself for a city); None for the province."""
        if self.level == DivisionLevel.CITY:
            return self
        if self.level == DivisionLevel.COUNTY:
            return self.parent
        return None


class ZoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The zones the user's org unit covers: one zone, a city's or a province's zones, or all of them.

        The rule is the scope door's (accounts/scope.py); zones, below accounts, asks the user object for it.
        """
        zone_filter = getattr(user, "zone_filter", None)
        return self.filter(zone_filter(prefix="")) if zone_filter else self.none()


class Zone(models.Model):
    """A development zone (开发区): the unit that keeps a ledger of projects."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ZoneKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=ZoneLevel.choices)
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="zones")
    city = models.ForeignKey(
        Division,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="city_zones",
        limit_choices_to={"level": DivisionLevel.CITY},
        editable=False,
    )
    province = models.ForeignKey(
        Division,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="province_zones",
        limit_choices_to={"level": DivisionLevel.PROVINCE},
        editable=False,
    )
    leading_industries = models.CharField(_("leading industries"), max_length=200, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Invented for the demo, not a real zone.")
    )
    stats_code = models.CharField(
        _("statistics code"),
        max_length=6,
        blank=True,
        help_text=_("The statistics bureau's own code for the zone; not a GB/T 2260 division code."),
    )

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["city_id", "name"]
        verbose_name = _("development zone")
        verbose_name_plural = _("development zones")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The city and province are derived, kept as columns so that scope and breakdowns filter on one index
        # (and the province is the column a sharded database distributes rows by).
        self.city = self.division.city
        self.province_id = self.division.province_code
        super().save(*args, **kwargs)

    @property
    def audit_province(self):
        """The province whose audit chain holds records about this zone's data (audit's protocol)."""
        return province_code(self.division_id)
