"""Accounts: creating users in an org unit with a role, passwords, second factors."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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


@transaction.atomic
def password_change(*, user, password):
    """Give the user a new password they chose themselves; it must pass the policy (history included)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    user.set_password(password)
    user.must_change_password = False
    user.save()
    audit.record(actor=user, action="password.change", obj=user)
    return user


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def second_factor_enrol(*, user, key, token):
    """Confirm a TOTP authenticator by one code from it; returns fresh single-use recovery codes.

    `key` is the secret shown to the user as a QR code; nothing is stored until a code from it is right.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=False)
    if not device.verify_token(token):
        transaction.set_rollback(True)
        raise ValidationError({"token": _("That code is not right. Check the clock of your phone and try again.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    audit.record(actor=user, action="second_factor.enrol", obj=user)
    return codes


def second_factor_verify(*, user, token):
    """The device (authenticator or recovery code) that accepts `token`, or None; both outcomes are audited."""
    device = match_token(user, (token or "").strip().lower())
    audit.record(actor=user, action="login.second_factor", obj=user, success=device is not None)
    return device
