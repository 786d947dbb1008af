import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import ProvinceQuerySet

ROUND_LABEL_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


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
