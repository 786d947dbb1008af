"""What the session remembers about a log-in: when it began, when it was last used, whether a second factor is due."""

import time

from django.conf import settings

LOGIN_AT = "zl_login_at"
LAST_SEEN = "zl_last_seen"
SECOND_FACTOR = "zl_second_factor"  # "verify" (has a device), "enrol" (must set one up), absent when done
# Writing the session on every request would cost a query per page; a minute's precision is enough for idling.
LAST_SEEN_GRANULARITY = 60


def start(session, *, second_factor):
    now = time.time()
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now
    if second_factor:
        session[SECOND_FACTOR] = second_factor


def expiry_reason(session, now=None):
    """ "idle" or "lifetime" when the session must end, else None (sessions without a start are ended too)."""
    now = time.time() if now is None else now
    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if login_at is None or last_seen is None:
        return "lifetime"
    if now - login_at > settings.ZONELEDGER_SESSION_MAX_HOURS * 3600:
        return "lifetime"
    if now - last_seen > settings.ZONELEDGER_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def touch(session, now=None):
    now = time.time() if now is None else now
    if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_GRANULARITY:
        session[LAST_SEEN] = now


def second_factor_due(session):
    return session.get(SECOND_FACTOR)


def second_factor_done(session):
    session.pop(SECOND_FACTOR, None)
