"""Telling users what they must act on: `notify` in a service's transaction, delivered by the worker after it commits.

A service that assigns a problem, escalates it or returns a report calls `notify` with `Notice`s (who, what, where):
nothing is written then. When the transaction commits, one task of the worker (`tasks.notifications_deliver`)
writes the notifications — the in-app inbox, the bell's count — and e-mails them where the setting
`ZONELEDGER_NOTIFY_EMAIL` is on (off by default: the product needs no mail server). A change rolled back tells
no one; the request never waits for the telling.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import BUSINESS_RANK
from zoneledger.accounts.models import User
from zoneledger.core.errors import NotFound

from .choices import Kind
from .messages import text
from .models import Notification

if TYPE_CHECKING:
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One matter to tell: to `users` (ids) and every business user of `orgs` (org unit ids), except `exclude`.

    `params` are the facts its words need (plain JSON: text and numbers); `key` names the matter, so that a user
    is told of it once however often it is noticed.
    """

    kind: str
    key: str
    url: str
    params: dict[str, Any]
    province: str = ""
    users: Sequence[int] = field(default_factory=tuple)
    orgs: Sequence[int] = field(default_factory=tuple)
    exclude: Sequence[int] = field(default_factory=tuple)


def notify(notices: Iterable[Notice]) -> None:
    """Have the worker tell `notices` once the caller's transaction commits (nothing, if it rolls back)."""
    payload = [asdict(notice) | {"kind": str(notice.kind)} for notice in notices]
    for notice in payload:
        Kind(notice["kind"])  # ValueError for a kind that has no words
        notice.update(users=list(notice["users"]), orgs=list(notice["orgs"]), exclude=list(notice["exclude"]))
    if payload:
        transaction.on_commit(lambda: _enqueue(payload))


def _enqueue(payload: list[dict[str, Any]]) -> None:
    from .tasks import notifications_deliver

    try:
        notifications_deliver.enqueue(payload)
    except Exception:  # the change is committed: a lost notice is logged, never the user's error
        logger.exception("could not enqueue %d notices", len(payload))


@transaction.atomic
def notifications_deliver(*, notices: Sequence[Notice], now: datetime | None = None) -> int:
    """Write each notice's notification for each of its users not told of its matter yet, and e-mail them when the
    setting is on; how many were written. Users are active business users (the administrators are told nothing)."""
    now = now or timezone.now()
    org_ids = {org for notice in notices for org in notice.orgs}
    members: dict[int, list[int]] = {}
    for pk, org_id in _business_users().filter(org_id__in=org_ids).values_list("pk", "org_id"):
        members.setdefault(org_id, []).append(pk)
    direct = set(_business_users().filter(pk__in={pk for n in notices for pk in n.users}).values_list("pk", flat=True))
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        recipients = {pk for pk in notice.users if pk in direct}
        recipients |= {pk for org in notice.orgs for pk in members.get(org, [])}
        for user_id in recipients - set(notice.exclude):
            wanted.setdefault((user_id, notice.key), notice)
    if not wanted:
        return 0
    told = set(
        Notification.objects.filter(user_id__in={user for user, _key in wanted}, key__in={key for _user, key in wanted})
        .values_list("user_id", "key")
        .order_by()
    )
    rows = [
        Notification(
            user_id=user_id,
            key=key,
            kind=notice.kind,
            params=notice.params,
            url=notice.url,
            province=notice.province,
            created_at=now,
        )
        for (user_id, key), notice in wanted.items()
        if (user_id, key) not in told
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if settings.ZONELEDGER_NOTIFY_EMAIL and rows:
        _email(rows)
    return len(rows)


def _business_users() -> "QuerySet[User]":
    return User.objects.filter(is_active=True, role__in=list(BUSINESS_RANK), org__isnull=False)


def _email(rows: list[Notification]) -> None:
    """One e-mail per notification to users with an address, in the product's language, after the rows commit."""
    addresses = dict(
        User.objects.filter(pk__in={row.user_id for row in rows}).exclude(email="").values_list("pk", "email")
    )
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            (
                _("zoneledger: %(kind)s") % {"kind": Kind(row.kind).label},
                f"{text(row.kind, row.params)}\n\n{settings.ZONELEDGER_SITE_URL.rstrip('/')}{row.url}",
                None,
                [addresses[row.user_id]],
            )
            for row in rows
            if row.user_id in addresses
        ]
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _send(messages: list[tuple[str, str, None, list[str]]]) -> None:
    """Send after the notifications are committed; a mail server that is down loses the mail, not the notification."""
    try:
        send_mass_mail(messages)
    except OSError:
        logger.exception("could not e-mail %d notifications", len(messages))


@transaction.atomic
def notifications_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications `ids` read (all unread ones when None); how many changed.

    An id that is not one of the user's own is `NotFound`, and nothing is marked. (Reading one's own inbox changes
    no business data: it is not audited.)
    """
    mine = Notification.objects.filter(user_id=user.pk)
    if ids is not None:
        wanted = set(ids)
        if len(wanted) != mine.filter(pk__in=wanted).count():
            raise NotFound
        mine = mine.filter(pk__in=wanted)
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())
