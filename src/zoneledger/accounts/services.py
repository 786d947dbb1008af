"""Accounts: creating users in an org unit with a role, passwords, second factors."""

import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from axes import utils as lockout
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.errors import NotFound

from .choices import ADMINISTRATOR_ROLES, BUSINESS_RANK, OrgKind, Role
from .models import LoginSession, OrgUnit, User
from .scope import ScopeKind, ScopeNotFound, org_scope, parse_scope

if TYPE_CHECKING:
    from zoneledger.zones.models import Zone


def org_by_reference(reference: str | None) -> OrgUnit:
    """The org unit named by its own name or by a scope reference the scope door reads (nation, province, a
    province's or city's code, a zone's name)."""
    reference = (reference or "").strip()
    org = OrgUnit.objects.filter(name=reference).first() if reference else None
    if org is None:
        try:
            wanted = parse_scope(reference)
        except ScopeNotFound:
            wanted = None
        if wanted is not None and wanted.kind == ScopeKind.NATION:
            org = OrgUnit.objects.filter(kind=OrgKind.NATION).first()
        elif wanted is not None and wanted.zone_id is not None:
            org = OrgUnit.objects.filter(zone_id=wanted.zone_id).first()
        elif wanted is not None:
            org = OrgUnit.objects.filter(kind=wanted.kind, division_id=wanted.code).first()
    if org is None:
        raise ValidationError(
            {
                "org": _(
                    "No organisation “%(value)s”: give nation, province, a province's or city's division code, "
                    "a zone's name or the organisation's name."
                )
                % {"value": reference}
            }
        )
    return org


@transaction.atomic
def org_unit_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    division: str | None = None,
    zone: "Zone | None" = None,
    parent: OrgUnit | None = None,
) -> OrgUnit:
    """Add an organisation: a province's commerce department or a city's bureau (`division`: its GB/T 2260 code),
    or a zone's administration (`zone`), under `parent`.

    Organisations are reference data: added by the operator at the command line (no actor) or by a user the admin
    site lets add them (its `accounts.add_orgunit` permission), audited either way. Refused with nothing written:
    PermissionDenied for anyone else; ValidationError for a blank or taken name, an unknown kind, or a division or
    zone that does not fit the kind (the model's constraint).
    """
    if actor is not None and not actor.has_perm("accounts.add_orgunit"):
        raise PermissionDenied(_("You may not add organisations."))
    org = OrgUnit(kind=kind, name=name.strip(), division_id=division, zone=zone, parent=parent)
    org.full_clean()
    org.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.ORG_UNIT_CREATE,
        obj=org,
        after={"kind": org.kind, "name": org.name, "division": org.division_id, "zone": str(org.zone or "")},
    )
    return org


def set_new_password(user: User, password: str, *, chosen_by_owner: bool, field: str = "password") -> None:
    """Set `password` if it passes the policy (else name `field`); a password chosen by someone else must be changed."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    user.set_password(password)
    user.must_change_password = not chosen_by_owner


def check_user_manager(actor: User, *, user: User | None = None, role: str | None = None) -> None:
    """Only the system administrator manages accounts, and only business accounts of others (三员分立).

    The three administrator roles are given by the operator on the command line (`adduser`), so no
    administrator can create, promote, demote or lock out another one — or themself — through the pages.
    """
    if actor.role != Role.SYSADMIN or not actor.is_active:
        raise PermissionDenied(_("Only the system administrator manages accounts."))
    if user is not None and (user.pk == actor.pk or user.is_administrator):
        raise PermissionDenied(_("Administrator accounts are managed on the command line only."))
    if role in ADMINISTRATOR_ROLES:
        raise ValidationError({"role": _("Administrator roles are given on the command line only.")})


INITIAL_PASSWORD_VALIDITY = timedelta(hours=24)
INITIAL_PASSWORD_LENGTH = 14


def initial_password() -> str:
    """A random password passing the policy (lower and upper case, digits and a symbol), for its owner alone."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(INITIAL_PASSWORD_LENGTH))
        classes = (str.islower, str.isupper, str.isdigit, lambda character: not character.isalnum())
        if all(any(test(character) for character in password) for test in classes):
            return password


def give_initial_password(user: User) -> str:
    """Give the account a generated password, valid for a day and to be changed at its first use; returns it
    (to be shown once, never stored in clear)."""
    password = initial_password()
    set_new_password(user, password, chosen_by_owner=False)
    user.initial_password_expires_at = timezone.now() + INITIAL_PASSWORD_VALIDITY
    return password


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    org: OrgUnit,
    role: str,
    password: str | None = None,
    display_name: str = "",
) -> User:
    """Create a personal account with one role in one org unit.

    `actor` is None on the command line (the operator), who types a password passing the policy. In the pages the
    system administrator types none: the account gets a generated initial password (returned as
    `user.initial_password`, to be shown once), valid for a day and changed at first log-in, and it cannot log in
    until a business administrator of its scope confirms it (三员分立: the system administrator alone cannot make
    an account and use it).
    """
    if actor is not None:
        check_user_manager(actor, role=role)
    if role not in Role.values:
        raise ValidationError({"role": _("“%(value)s” is not a role.") % {"value": role}})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name “%(value)s” is taken.") % {"value": username}})
    user = User(username=username, org=org, role=role, display_name=display_name, confirmed=actor is None)
    user.full_clean(exclude=["password"])
    if actor is None:
        set_new_password(user, password or "", chosen_by_owner=True)
    else:
        user.initial_password = give_initial_password(user)
    user.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.USER_CREATE,
        obj=user,
        after={"username": username, "org": str(org), "role": role},
    )
    return user


def demo_account_ensure(
    *, username: str, org: OrgUnit, role: str, display_name: str, password: str | None = None
) -> User:
    """The demo's account `username` in `org` with `role`, created or put back so (and, given `password`, with it).

    For the demo ledger and the tests alone: `zoneledger demo` resets the same accounts every time it starts, to the
    password it prints, so there is no operator to act, no initial password to change, no confirmation and no
    password policy or history to keep; nor an audit record of each start. People's accounts go through
    `user_create`, `user_update` and `password_reset`.
    """
    user, _created = User.objects.update_or_create(
        username=username, defaults={"org": org, "role": role, "display_name": display_name}
    )
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """Give the user a new password they chose themselves; it must pass the policy (history included)."""
    set_new_password(user, password, chosen_by_owner=True, field="new_password1")
    user.initial_password_expires_at = None
    user.save()
    audit.record(actor=user, action=Action.PASSWORD_CHANGE, obj=user)
    return user


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def second_factor_enrol(*, user: User, key: str, token: str) -> list[str]:
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
    audit.record(actor=user, action=Action.SECOND_FACTOR_ENROL, obj=user)
    return codes


def second_factor_verify(*, user: User, token: str | None) -> Device | None:
    """The device (authenticator or recovery code) that accepts `token`, or None; both outcomes are audited."""
    device = match_token(user, (token or "").strip().lower())
    audit.record(actor=user, action=Action.LOGIN_SECOND_FACTOR, obj=user, success=device is not None)
    return device


def permissions_of(user: User) -> dict[str, Any]:
    return {
        "org": str(user.org) if user.org_id else "",
        "role": user.role,
        "pending_role": user.pending_role,
        "active": user.is_active,
        "confirmed": user.confirmed,
    }


def may_confirm(actor: User, user: User) -> bool:
    """Whether `actor` is a business administrator whose scope covers the account's org unit."""
    return (
        actor.is_active
        and actor.role == Role.ADMIN
        and actor.org is not None
        and user.org is not None
        and not user.is_administrator
        and org_scope(actor.org).covers(org_scope(user.org))
    )


def awaiting_confirmation(actor: User) -> list[User]:
    """The accounts and raised roles in `actor`'s scope that wait for their confirmation, oldest first."""
    waiting = User.objects.filter(is_active=True).exclude(confirmed=True, pending_role="").select_related("org")
    return [user for user in waiting.order_by("date_joined") if may_confirm(actor, user)]


@transaction.atomic
def user_confirm(*, actor: User, user: User) -> User:
    """A business administrator of the account's scope confirms a new account or its raised role (audited)."""
    if not may_confirm(actor, user) or (user.confirmed and not user.pending_role):
        raise NotFound
    before = permissions_of(user)
    user.confirmed = True
    if user.pending_role:
        user.role, user.pending_role = user.pending_role, ""
    user.save(update_fields=["confirmed", "role", "pending_role"])
    audit.record(actor=actor, action=Action.USER_CONFIRM, obj=user, before=before, after=permissions_of(user))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, org: OrgUnit, role: str, is_active: bool, display_name: str) -> User:
    """Change a business account's org unit, role, name or whether it may log in (a permission change, audited)."""
    check_user_manager(actor, user=user, role=role)
    before = permissions_of(user)
    raised = BUSINESS_RANK.get(role, 0) > BUSINESS_RANK.get(user.role, 0)
    # A raised role waits for a business administrator's confirmation; a lower one applies at once.
    user.pending_role = role if raised else ""
    user.org, user.is_active, user.display_name = org, is_active, display_name
    if not raised:
        user.role = role
    user.full_clean(exclude=["password"])
    user.save()
    if not is_active:
        end_all_sessions(user)
    audit.record(actor=actor, action=Action.USER_UPDATE, obj=user, before=before, after=permissions_of(user))
    return user


@transaction.atomic
def password_reset(*, actor: User, user: User) -> str:
    """Give a business account a generated initial password (returned, to be shown once): valid for a day, its
    owner must change it at the next log-in."""
    check_user_manager(actor, user=user)
    password = give_initial_password(user)
    user.save()
    end_all_sessions(user)
    audit.record(actor=actor, action=Action.PASSWORD_RESET, obj=user)
    return password


def check_security_admin(actor: User, *, user: User | None = None) -> None:
    if actor.role != Role.SECADMIN or not actor.is_active:
        raise PermissionDenied(_("Only the security administrator does this."))
    if user is not None and user.pk == actor.pk:
        raise PermissionDenied(_("Nobody may lower the protection of their own account."))


@contextmanager
def renewed_session_key(session: SessionBase) -> Iterator[None]:
    """Around code that gives the session a new key: keep the security administrator's list pointing at it."""
    old_key = session.session_key
    yield
    LoginSession.objects.filter(session_key=old_key).update(session_key=session.session_key)


def end_all_sessions(user: User) -> None:
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()


@transaction.atomic
def session_end(*, actor: User, login_session: LoginSession) -> None:
    """End one signed-in session of a user at once (the security administrator's)."""
    check_security_admin(actor)
    Session.objects.filter(session_key=login_session.session_key).delete()
    login_session.delete()
    audit.record(
        actor=actor,
        action=Action.SESSION_END,
        obj=login_session.user,
        before={"started_at": login_session.started_at, "source_address": login_session.source_address},
    )


@transaction.atomic
def lockout_release(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """Lift a lockout of an account name or of an address before its 30 minutes are over."""
    check_security_admin(actor)
    if not username and not ip_address:
        raise ValidationError(_("Name the account or the address to unlock."))
    released = 0
    if username:
        released += lockout.reset(username=username)
    if ip_address:
        released += lockout.reset(ip=ip_address)
    audit.record(
        actor=actor,
        action=Action.LOCKOUT_RELEASE,
        after={"username": username, "ip_address": ip_address, "rows": released},
    )
    return released


@transaction.atomic
def own_failures_clear(*, username: str) -> int:
    """Clear the failed log-ins counted against the account `username` now that its owner has logged in (django-axes'
    reset on success), through axes' own reset; the number of attempt rows removed.

    Only the account's own: failures made from the same address against other accounts stay (issue 20). Audited as a
    lock-out release by the owner, when there was anything to clear; a blank or unknown name clears nothing.
    """
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return 0
    released = lockout.reset(username=username)
    if released:
        audit.record(
            actor=user,
            action=Action.LOCKOUT_RELEASE,
            obj=user,
            after={"username": username, "ip_address": "", "rows": released},
        )
    return released


# Whose account each administrator unlocks from their page: a locked-out administrator cannot log in to do it.
# Keyed by the stored value: a user's role is plain text.
UNLOCKS: dict[str, str] = {Role.SYSADMIN: Role.SECADMIN, Role.SECADMIN: Role.SYSADMIN}


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Lift the lockout of the other administrator's account: the system administrator's of the security
    administrator, and the reverse."""
    if not actor.is_active or UNLOCKS.get(actor.role) != user.role:
        raise PermissionDenied(_("The system and the security administrator unlock each other's account only."))
    released = lockout.reset(username=user.username)
    audit.record(
        actor=actor,
        action=Action.LOCKOUT_RELEASE,
        obj=user,
        after={"username": user.username, "ip_address": "", "rows": released},
    )
    return released


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> int:
    """Remove a user's authenticator and recovery codes (a lost phone); the next log-in sets up a new one."""
    check_security_admin(actor, user=user)
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    end_all_sessions(user)
    audit.record(actor=actor, action=Action.SECOND_FACTOR_RESET, obj=user, after={"removed": removed})
    return removed
