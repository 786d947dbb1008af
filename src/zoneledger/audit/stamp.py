"""The ledger's change stamp, and answers computed once per stamp (Django's cache).

Every domain write appends audit records in its own transaction (services.py: single and bulk services, an import's
carry-over moving the heads with the rows it writes), and appending moves a chain's head (`AuditChainHead`: its
position and its newest record's hash). The heads together therefore change exactly when a write commits, and they
are one small table: reading them is one query whatever the ledger's size. A figure computed from the database
is the same for as long as the heads are; `cached` keeps it under a key made of the heads and of everything else
the answer depends on.

The stamp is every chain's head, not one province's: a write is recorded in the chain of its object's province
(projects.models.Project.audit_province: its zone's, after the change), so a project moved to another province is
recorded in the new province's chain only, while the old province's figures change too; and a record whose object
names no province goes to its actor's. A write anywhere makes every cached answer miss once: the price of a stamp
that never leaves a stale answer.

Rows written without a service (a data fix in a shell, the test suite's factories) leave no record: they are not
seen until the next audited write, or until the cache is cleared.
"""

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache

from .models import AuditChainHead

KEY_PREFIX = "zoneledger-stamped"


def change_stamp() -> str:
    """The heads of all audit chains as one text: it changes whenever any write commits; one query."""
    heads = AuditChainHead.objects.order_by("province").values_list("province", "sequence", "last_hash")
    # The hashes too, not only the positions: a database built again reaches the same positions with other rows.
    return ";".join(f"{province}:{sequence}:{last_hash}" for province, sequence, last_hash in heads)


def cached[T](kind: str, parts: tuple[Hashable, ...], compute: Callable[[], T], *, stamp: str | None = None) -> T:
    """`compute()`, or what it returned before for the same `kind`, `parts` and change stamp.

    `parts` must hold everything the answer depends on besides the database: whose scope, which period, the days
    and moments asked (resolved: never "today"), the language of any label in it. `stamp`: the change stamp read
    once for several answers of one request (read before any of them computes, as below).
    """
    # The stamp is read before `compute` reads the database, never after. Under read committed (PostgreSQL) each
    # statement sees what had committed when it started; a write committing between the two reads makes the answer
    # newer than its stamp, which any later reader sees moved, so it only serves the newer answer to readers who
    # read the old stamp before that write committed. Read after, an answer from before a write could be kept
    # under the stamp of after it, and served until the next write.
    stamp = stamp if stamp is not None else change_stamp()
    key = f"{KEY_PREFIX}:{kind}:" + hashlib.sha256(repr((stamp, parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found)
    return found
