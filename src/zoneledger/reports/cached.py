"""The figures of `figures.py`, computed once per change of the ledger (`audit.stamp`).

The SQL of `figures.py` stays the source of truth: an answer kept here is what it returned for the same question
at the same change stamp, and any write moves the stamp. The key holds all the answer depends on besides the
database: the asker's org (whose scope `visible_to` reads; two orgs never share an answer, even of one scope), the
scope asked, the period, the as-of day and `known_at` (resolved, so a default "today" is the day it was), the
breakdown, and the language of the labels in it ("No chain").
"""

from datetime import date, datetime
from typing import Any

from django.utils.translation import get_language

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import Scope
from zoneledger.audit.stamp import cached

from . import figures


def figures_document(
    *,
    user: User,
    scope: Scope,
    period: figures.Period,
    as_of: date | None = None,
    known_at: datetime | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """`figures.figures_document` for the same arguments, from Django's cache while the ledger is unchanged."""
    as_of, known_at = figures.resolve_moments(as_of, known_at)
    moment = known_at.isoformat() if known_at else None
    parts = (user.org_id, scope, period, as_of.isoformat(), moment, by, get_language())
    return cached(
        "figures",
        parts,
        lambda: figures.figures_document(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at, by=by),
    )
