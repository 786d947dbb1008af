"""System checks of the audit trail: production does not start without a key to sign the chains' checkpoints."""

from django.conf import settings
from django.core import checks

from zoneledger.core.server import secret_key_bits

from .anchors import AnchorUnavailable, anchor_key

KEY_MIN_LENGTH = 32
KEY_MIN_BITS = 128
HINT = (
    "Set ZONELEDGER_AUDIT_ANCHOR_KEY to a random key of its own, e.g. the output of "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(32))', or name a file holding one in "
    "ZONELEDGER_AUDIT_ANCHOR_KEY_FILE, readable by the product's user only. Keep a copy away from the database "
    "and its backups: whoever holds both can rewrite the trail unseen (docs/SECURITY.md)."
)


def key_problem() -> str | None:
    """Why the configured key cannot sign checkpoints (missing, unreadable, short, regular, the SECRET_KEY), or None."""
    try:
        key = anchor_key()
    except AnchorUnavailable as error:
        return str(error).rstrip(".")
    if key is None:
        return "neither ZONELEDGER_AUDIT_ANCHOR_KEY nor ZONELEDGER_AUDIT_ANCHOR_KEY_FILE is set"
    if len(key) < KEY_MIN_LENGTH:
        return f"the anchor key is shorter than {KEY_MIN_LENGTH} characters"
    if secret_key_bits(key.decode("latin-1")) < KEY_MIN_BITS:
        return "the anchor key is too regular to be random"
    if key == settings.SECRET_KEY.encode():
        return "the anchor key is the SECRET_KEY; it must be a key of its own"
    return None


@checks.register()
def anchor_key_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """In production, a key that cannot sign the audit chains' checkpoints is an error (E010): nothing starts."""
    if not settings.PRODUCTION:
        return []
    problem = key_problem()
    if problem is None:
        return []
    return [checks.Error(f"The audit chains cannot be anchored: {problem}.", hint=HINT, id="zoneledger.E010")]
