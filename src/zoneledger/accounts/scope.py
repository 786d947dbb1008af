"""The one door for scope: which zones a user's org unit covers, as a filter any model can use.

Every model that holds zone data reaches its zone through a foreign key; its `visible_to(user)`
calls `zone_filter(user, prefix="zone__")` (or a longer path), so the rule lives here only.
"""

from django.db.models import Q

from .choices import OrgKind

NOTHING = Q(pk__in=[])


def zone_filter(user, *, prefix):
    """A Q selecting rows whose zone (reached by `prefix`, e.g. "project__zone__") the user may read."""
    if not getattr(user, "is_authenticated", False) or not user.reads_business_data:
        return NOTHING
    org = user.org
    if org.kind == OrgKind.PROVINCE:
        return Q()
    if org.kind == OrgKind.CITY:
        return Q(**{f"{prefix}city_id": org.division_id})
    return Q(**{f"{prefix}pk": org.zone_id})


def writable_zone_filter(user, *, prefix):
    """Like zone_filter, for the zones the user may write business data in (editors and above)."""
    if not getattr(user, "is_authenticated", False) or not user.can_edit:
        return NOTHING
    return zone_filter(user, prefix=prefix)


def zone_is_visible(user, zone):
    """Whether `zone` lies in the user's scope (without a query)."""
    if not getattr(user, "is_authenticated", False) or not user.reads_business_data:
        return False
    org = user.org
    if org.kind == OrgKind.PROVINCE:
        return True
    if org.kind == OrgKind.CITY:
        return zone.city_id == org.division_id
    return zone.pk == org.zone_id


def zone_is_writable(user, zone):
    """Whether the user may write business data in `zone`."""
    return user.can_edit and zone_is_visible(user, zone)
