from django.db import models
from django.utils.translation import gettext_lazy as _

from zoneledger.core.codes import validate_uscc


class Enterprise(models.Model):
    """A company that builds projects (建设单位) or leads a chain (链主), identified by its USCC when known.

    Enterprises are public registry facts and not zone data: every business user may see them. A project keeps the
    name its own zone typed (`Project.enterprise_name`); this row holds the name the enterprise was first entered by.
    """

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_uscc],
    )
    division = models.ForeignKey(
        "zones.Division", verbose_name=_("division"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        # The table kept its name when the model left `projects` for an app of its own (migration enterprises 0001).
        db_table = "projects_enterprise"
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name
