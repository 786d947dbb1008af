"""Personal API tokens: made by a user for themselves (a page, or `zoneledger token create`), shown once, kept
hashed, listed and revoked; checked on every API request.

A token reads `zl_` + 43 URL-safe characters (32 random bytes). Its first characters (`prefix`) find its row;
the SHA-256 of the whole token must equal the row's `digest`. A token acts as its user — their scope and role as
they are at the time of the request, so a user demoted or disabled is so through their tokens too.

A failed use (unknown, revoked or expired token, disabled user) is audited (`api_token.failed`) from the client's
address; past ZONELEDGER_API_TOKEN_FAILURES of them within ZONELEDGER_API_TOKEN_FAILURE_MINUTES, the address is
refused (429) before any token is looked at, and nothing more is recorded until the window has passed.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.core.addresses import client_address
from zoneledger.core.errors import DomainError, NotAllowed, NotFound

from .models import ApiToken, User

SCHEME = "zl_"
PREFIX_LENGTH = 8
LAST_USED_GRANULARITY = timedelta(minutes=1)  # a write per request would cost more than the minute is worth


class TokenRefused(DomainError):
    """The token is unknown, revoked or expired, or its user is disabled (the API answers 401)."""

    default_message = _("The API token is not valid (unknown, revoked or expired).")


class TooManyFailures(DomainError):
    """Too many failed token uses from this address lately (the API answers 429 with `retry_after` seconds)."""

    def __init__(self, retry_after):
        super().__init__(_("Too many refused API tokens from your address; try again later."))
        self.retry_after = retry_after


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, user, name, expires_days=None, read_only=False):
    """A new token of `user` (made by `actor`: themselves, or None at the console); (token, secret) — the secret
    is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name (what it is for)."))
    if expires_days is not None and expires_days < 1:
        raise DomainError(_("A token lasts at least one day."))
    secret = SCHEME + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[len(SCHEME) : len(SCHEME) + PREFIX_LENGTH],
        digest=_digest(secret),
        read_only=read_only,
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    audit.record(
        actor=actor,
        action=Action.API_TOKEN_CREATE,
        obj=token,
        after={"user": user.username, "name": token.name, "read_only": read_only, "expires_at": token.expires_at},
        actor_name="" if actor else "console",
    )
    return token, secret


def token_list(*, user):
    """The user's own tokens, newest first, revoked ones too."""
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def token_revoke(*, actor, pk):
    """Revoke the actor's own token `pk` (NotFound for anyone else's); revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().filter(user=actor, pk=pk).first()
    if token is None:
        raise NotFound
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=Action.API_TOKEN_REVOKE, obj=token, after={"name": token.name})
    return token


def _recent_failures(address):
    since = timezone.now() - timedelta(minutes=settings.ZONELEDGER_API_TOKEN_FAILURE_MINUTES)
    return AuditRecord.objects.filter(action=Action.API_TOKEN_FAILED, source_address=address, at__gte=since)


def token_authenticate(request, secret):
    """The token `secret` names, if usable, with its user; TokenRefused (audited) or TooManyFailures otherwise."""
    address = client_address(request)
    failures = _recent_failures(address)
    if failures.count() >= settings.ZONELEDGER_API_TOKEN_FAILURES:
        oldest = failures.order_by("at").values_list("at", flat=True).first()
        window = timedelta(minutes=settings.ZONELEDGER_API_TOKEN_FAILURE_MINUTES)
        raise TooManyFailures(max(1, int((oldest + window - timezone.now()).total_seconds())))
    token = _find(secret)
    now = timezone.now()
    reason = None
    if token is None:
        reason = "unknown"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        reason = "expired"
    elif not token.user.is_active:
        reason = "user disabled"
    if reason is not None:
        audit.record(
            actor=token.user if token else None,
            action=Action.API_TOKEN_FAILED,
            obj=token,
            success=False,
            message=reason,
            actor_name="" if token else _shown(secret),
        )
        raise TokenRefused
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _find(secret):
    if not secret.startswith(SCHEME) or len(secret) > 100:
        return None
    prefix = secret[len(SCHEME) : len(SCHEME) + PREFIX_LENGTH]
    digest = _digest(secret)
    for token in ApiToken.objects.select_related("user__org").filter(prefix=prefix):
        if hmac.compare_digest(token.digest, digest):
            return token
    return None


def _shown(secret):
    """How the audit names an unknown token: a token's first characters, never the whole of it; nothing of another
    text (it may be a password sent by mistake)."""
    shown = len(SCHEME) + PREFIX_LENGTH
    return secret[:shown] + "…" if secret.startswith(SCHEME) and len(secret) > shown else "?"


def require_writable_token(token, method):
    """A read-only token may only read (GET, HEAD, OPTIONS)."""
    if token.read_only and method not in ("GET", "HEAD", "OPTIONS"):
        raise NotAllowed(_("This API token is read-only: it cannot write."))


def user_for(username):
    """The user `username` (for the command line); NotFound when there is none."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("There is no user “%(value)s”.") % {"value": username})
    return user
