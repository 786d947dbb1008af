"""Who keeps a province's working days: the business administrators of that province, nobody else."""

from django.contrib.auth.models import AnonymousUser

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.models import User


def kept_province(user: User | AnonymousUser) -> str | None:
    """The division code of the province whose working days `user` may keep, or None.

    Only a province-level business administrator keeps them, for their own province: a city's or a zone's
    administrator, other roles and the three administrators (三员) do not.
    """
    if not (getattr(user, "is_authenticated", False) and user.can_administer and user.org is not None):
        return None
    return user.org.division_id if user.org.kind == OrgKind.PROVINCE else None
