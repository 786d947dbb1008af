from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """The levels of org units, nation → province → city → zone; each covers the zones beneath it."""

    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    ZONE = "zone", _("Zone")


class Role(models.TextChoices):
    """Business roles are cumulative (viewer < editor < reviewer < admin) within an org unit's scope.

    The auditor and the two administrators stand apart (三员分立): the auditor reads the audit
    log; the system and security administrators keep accounts and settings, never business data.
    """

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Administrator (business)")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")


# Keyed by the stored value: a Role is a str, and a user's role holds plain text.
BUSINESS_RANK: dict[str, int] = {Role.VIEWER: 1, Role.EDITOR: 2, Role.REVIEWER: 3, Role.ADMIN: 4}

ADMINISTRATOR_ROLES = frozenset({Role.AUDITOR, Role.SYSADMIN, Role.SECADMIN})
"""The three administrator roles (三员): none touches business data, and each must use a second factor."""
