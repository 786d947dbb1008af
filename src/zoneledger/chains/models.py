from django.db import models
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import ProvinceQuerySet


class Chain(models.Model):
    """An industry chain (产业链) run under the 链长制: a chain leader and chain-master enterprises.

    A chain belongs to its province (its 链长 is a province's official); two provinces may both run a 氢能 chain.
    """

    province = models.ForeignKey(
        "zones.Division",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="chains",
        limit_choices_to={"level": "province"},
    )
    name = models.CharField(_("name"), max_length=50)
    leader = models.CharField(_("chain leader"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    masters = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name=_("chain-master enterprises"),
        blank=True,
        related_name="chains_led",
    )

    objects = ProvinceQuerySet.as_manager()  # visible_to(user): the user's province's chains

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="chain_unique_province_name")]

    def __str__(self):
        return self.name

    @property
    def audit_province(self):
        """The province whose audit chain holds records about this chain (audit's protocol)."""
        return self.province_id


class ChainLink(models.Model):
    """A link of a chain (链环节), ordered from upstream (1) to downstream."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["chain", "position"]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="chainlink_unique_position"),
            models.UniqueConstraint(fields=["chain", "name"], name="chainlink_unique_name"),
        ]

    def __str__(self):
        return f"{self.chain.name} · {self.name}"
