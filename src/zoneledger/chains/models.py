from django.db import models
from django.utils.translation import gettext_lazy as _


class Chain(models.Model):
    """An industry chain (产业链) run under the 链长制: a chain leader and chain-master enterprises."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    leader = models.CharField(_("chain leader"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    masters = models.ManyToManyField(
        "projects.Enterprise",
        verbose_name=_("chain-master enterprises"),
        blank=True,
        related_name="chains_led",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self):
        return self.name


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
