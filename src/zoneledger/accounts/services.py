"""Accounts: creating users in an org unit with a role."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneledger.audit import services as audit

from .choices import OrgKind, Role
from .models import OrgUnit, User


def org_by_reference(reference):
    """The org unit named by `province`, a city's division code, or a zone's name (or the org's own name)."""
    reference = (reference or "").strip()
    if reference == "province":
        found = OrgUnit.objects.filter(kind=OrgKind.PROVINCE)
    elif reference.isdigit():
        found = OrgUnit.objects.filter(kind=OrgKind.CITY, division_id=reference)
    else:
        found = OrgUnit.objects.filter(zone__name=reference) | OrgUnit.objects.filter(name=reference)
    org = found.first()
    if org is None:
        raise ValidationError(
            {
                "org": _("No organisation “%(value)s”: give province, a city's division code or a zone's name.")
                % {"value": reference}
            }
        )
    return org


@transaction.atomic
def user_create(*, actor, username, org, role, password, display_name=""):
    """Create a personal account with one role in one org unit; the password must pass the policy."""
    if role not in Role.values:
        raise ValidationError({"role": _("“%(value)s” is not a role.") % {"value": role}})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name “%(value)s” is taken.") % {"value": username}})
    user = User(username=username, org=org, role=role, display_name=display_name)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action="user.create",
        obj=user,
        after={"username": username, "org": str(org), "role": role},
    )
    return user
