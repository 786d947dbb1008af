"""Writing and verifying the audit trail.

Every service records what it changed with `record` (one object) or `record_bulk` (many objects of one
action, e.g. an import), in the caller's transaction, so a record exists exactly when its change does.

Which chain and which history a record belongs to
--------------------------------------------------
A record carries its province (the hash chain it is appended to, and the auditors who may read it)
and a related object (whose history page shows it besides the object's own). Both may be given to
`record`/`record_bulk`; when they are not, they are asked of the objects, which answer through two
optional properties (the protocol `Audited` below):

- `audit_related`: the model instance whose history must show changes to this one, or None. A stage
  event or a monthly report answers its project; a project answers None (it is its own history).
- `audit_province`: the GB/T 2260 code of the province whose chain holds records about it ("140000"),
  or None when it belongs to none.

The province is taken from, in order: the `province` argument, `obj.audit_province`,
`related.audit_province`, then the actor's (`actor.audit_province`, through the user's organisation),
and otherwise the national chain (`NATIONAL`). These properties must not query when called in bulk:
`select_related` what they read, or pass `related`/`province` explicitly.
"""

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import batched
from json.encoder import encode_basestring  # json.dumps' encoder of text, with ensure_ascii=False
from operator import attrgetter, call, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from zoneledger.core import bulk
from zoneledger.core.db import STAGED

from . import anchors as anchoring
from .actions import Action
from .anchors import Checkpoint
from .context import request_context
from .models import NATIONAL, AuditChainHead, AuditRecord

if TYPE_CHECKING:  # users are settings.AUTH_USER_MODEL at run time (docs/ARCHITECTURE.md)
    from django.contrib.auth.models import AnonymousUser

    from zoneledger.accounts.models import User

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "org_name",
    "source_address",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
    "success",
    "previous_hash",
)
# Added after records existed: they enter the hash only when they hold a value, so older records still verify.
LATER_HASHED_FIELDS = ("province", "related_type", "related_id", "batch")


@runtime_checkable
class Audited(Protocol):
    """What a model may tell the audit trail about itself (both properties are optional; see the module doc)."""

    @property
    def audit_related(self) -> models.Model | None: ...

    @property
    def audit_province(self) -> str | None: ...


class Ref(NamedTuple):
    """An object named by its model, primary key and text, for bulk writers that hold rows, not model instances:
    an `Entry`'s `obj` (give the entry its `related` and `province` then, which a Ref cannot answer).

    A named tuple, as `Entry`: a bulk write builds one per changed object, and a frozen dataclass costs several
    times as much to build."""

    model: type[models.Model]
    pk: int
    text: str

    def __str__(self) -> str:
        return self.text


class Entry(NamedTuple):
    """One changed object of a bulk write, for `record_bulk` (the fields mean what `record`'s arguments do)."""

    obj: models.Model | Ref | None = None
    related: models.Model | None = None
    province: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    message: str = ""
    success: bool = True


def new_batch() -> uuid.UUID:
    """A fresh batch id, to tie the records of one import (its bulk rows and its summary) together."""
    return uuid.uuid4()


def _as_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe, canonical form of a snapshot (Decimals and dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)) if value is not None else None


def _canonical(value: Any) -> str:
    """A snapshot as the canonical JSON text its record is hashed with (keys sorted; Decimals and dates strings)."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)


def _payload(values: dict[str, Any]) -> str:
    """What a record's hash is the SHA-256 of: its content (`values`, by field name) and the hash of the record
    before it, as canonical JSON."""
    content = {name: values[name] for name in HASHED_FIELDS}
    content["at"] = values["at"].isoformat(timespec="microseconds")
    for name in LATER_HASHED_FIELDS:
        value = values[name]
        if value:
            content[name] = str(value)
    return _canonical(content)


def _hashed_values(record: AuditRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in (*HASHED_FIELDS, *LATER_HASHED_FIELDS)}


def compute_hash(record: AuditRecord) -> str:
    """The SHA-256 of a record's content and the hash of the record before it in its chain."""
    return hashlib.sha256(_payload(_hashed_values(record)).encode()).hexdigest()


def hash_parts(record: AuditRecord) -> tuple[bytes, bytes]:
    """The record's hashed payload on either side of the previous hash: `sha256(head + previous + tail)` is the
    record's hash when it follows a record of hash `previous` (for moving records to another place in a chain)."""
    marker = uuid.uuid4().hex * 2  # 64 characters, as a hash: found once, and only where the previous hash goes
    head, tail = _payload(_hashed_values(record) | {"previous_hash": marker}).encode().split(marker.encode())
    return head, tail


def _province_of(thing: object) -> str | None:
    return getattr(thing, "audit_province", None) if thing is not None else None


@cache
def _label(model: type[models.Model]) -> str:
    """A model's "app.model" (Django builds the text at each ask; a bulk write asks twice a record)."""
    return model._meta.label_lower


def _pointer(obj: models.Model | Ref | None) -> tuple[str, str]:
    if obj is None:
        return ("", "")
    return (_label(obj.model if isinstance(obj, Ref) else obj.__class__), str(obj.pk))


def _signed_in(actor: "User | AnonymousUser | None") -> "User | None":
    """The actor when a signed-in user, else None (the operator, a task, an anonymous visitor)."""
    if actor is not None and actor.is_authenticated:
        return actor
    return None


# A payload with a format field for each of a row's values, what picks them out of the row, their encoders
# (`_Writer._template`).
_Template = tuple[str, Callable[[list[Any]], tuple[Any, ...]], list[Callable[[Any], str]]]


class _Writer:
    """What the records of one call share: the actor, the request, the time, the action and the batch."""

    def __init__(
        self, *, actor: "User | AnonymousUser | None", action: Action, batch: uuid.UUID | None, actor_name: str = ""
    ) -> None:
        context = request_context()
        user = _signed_in(actor)
        self.actor = user
        self.actor_name = (user.get_username() if user is not None else actor_name)[:150]
        self.org_name = str(user.org) if user is not None and user.org_id else ""
        self.actor_province = _province_of(user) if user is not None else None
        self.context = context
        self.action = Action(action).value  # ValueError for an action not in the registry
        self.batch = batch
        self.at = timezone.now()
        # Snapshots the entries of a bulk call share (one dict object for many records) are converted once: by the
        # object's id, kept alive beside its form so that the id cannot be taken by another meanwhile.
        self._converted: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self._texts: dict[int, tuple[dict[str, Any], str]] = {}
        # For `place`: the shared values as `_payload` reads them, and the payload's text around a row's values.
        self._hashed = self.shared() | {"actor_id": self.actor.pk if self.actor is not None else None}
        self._templates: dict[tuple[bool, ...], _Template] = {}

    def as_json(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        known = self._converted.get(id(value))
        if known is None or known[0] is not value:
            known = self._converted[id(value)] = (value, _as_json(value))
        return known[1]

    def where(
        self, obj: models.Model | Ref | None, related: models.Model | None, province: str | None
    ) -> tuple[str, str, str, str, str, str]:
        """The record's object, related object and province (asked of the objects when not given): the values of
        WHERE_FIELDS."""
        if related is None:
            related = getattr(obj, "audit_related", None)
        if province is None:
            province = _province_of(obj) or _province_of(related) or self.actor_province or NATIONAL
        object_type, object_id = _pointer(obj)
        related_type, related_id = _pointer(related)
        object_repr = str(obj)[:200] if obj is not None else ""
        return (object_type, object_id, object_repr, related_type, related_id, province)

    def build(
        self,
        *,
        obj: models.Model | None,
        related: models.Model | None,
        province: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        message: str,
        success: bool,
    ) -> AuditRecord:
        return AuditRecord(
            at=self.at,
            actor=self.actor,
            actor_name=self.actor_name,
            org_name=self.org_name,
            source_address=self.context.source_address,
            request_id=self.context.request_id,
            action=self.action,
            batch=self.batch,
            before=self.as_json(before),
            after=self.as_json(after),
            message=str(message)[:500],
            success=success,
            **dict(zip(WHERE_FIELDS, self.where(obj, related, province), strict=True)),
        )

    # -- many records as rows: no model instances, each snapshot encoded once -----------------------------------
    def shared(self) -> dict[str, Any]:
        """The field values every record of the call shares, by field name (the actor by id)."""
        return {
            "at": self.at,
            "actor": self.actor.pk if self.actor is not None else None,
            "actor_name": self.actor_name,
            "org_name": self.org_name,
            "source_address": self.context.source_address,
            "request_id": self.context.request_id,
            "action": self.action,
            "batch": self.batch,
        }

    def row(self, entry: Entry) -> list[Any]:
        """An entry's record as the values of ROW_FIELDS, its snapshots as their canonical JSON text (`_canonical`);
        its place in the chain is left to `place`."""
        return [
            *self.where(entry.obj, entry.related, entry.province),
            self.text(entry.before),
            self.text(entry.after),
            str(entry.message)[:500],
            entry.success,
            None,  # sequence, previous_hash, record_hash: `place`
            None,
            None,
        ]

    def text(self, value: dict[str, Any] | None) -> str | None:
        """A snapshot's canonical JSON text, which is also what is stored: once per snapshot object of the call.

        Keys that are not text become text when stored; a snapshot with any is converted first, so that the text
        hashed is the text of what is read back."""
        if value is None:
            return None
        known = self._texts.get(id(value))
        if known is None or known[0] is not value:
            keyed = value if all(key.__class__ is str for key in value) else _as_json(value)
            known = self._texts[id(value)] = (value, _canonical(keyed))
        return known[1]

    def place(self, row: list[Any], sequence: int, previous_hash: str) -> str:
        """Put the row (`row`'s values) at `sequence` after a record of hash `previous_hash`; its hash, as
        `compute_hash` gives it for the record read back.

        The payload is `_payload`'s text: the call's template for rows of the same shape (`_template`) with the
        row's values put in, each encoded as `_canonical` encodes it (the snapshots' text goes in as it is)."""
        row[SEQUENCE], row[PREVIOUS_HASH] = sequence, previous_hash
        shape = (bool(row[PROVINCE]), bool(row[RELATED_TYPE]), bool(row[RELATED_ID]))
        text, values, encoders = self._templates.get(shape) or self._template(shape)
        payload = text.format(*map(call, encoders, values(row)))
        row[RECORD_HASH] = hashlib.sha256(payload.encode()).hexdigest()
        return row[RECORD_HASH]

    def _template(self, shape: tuple[bool, ...]) -> "_Template":
        """The payload of this call's rows of `shape` (which of the fields hashed only when set are set) as a format
        string with a field for each value that differs from row to row; what picks those values out of a row, in the
        payload's order; and each one's encoder. Found by encoding a payload once with a marker for each value."""
        markers = {name: uuid.uuid4().hex for name in _ROW_HASHED}
        values = self._hashed | markers
        for name, present in zip(_LATER_ROW_HASHED, shape, strict=True):
            if not present:
                values[name] = ""
        payload = _payload(values)
        found = sorted(
            (payload.index(f'"{marker}"'), name) for name, marker in markers.items() if f'"{marker}"' in payload
        )
        parts, start = [], 0
        for at, name in found:
            parts.append(payload[start:at].replace("{", "{{").replace("}", "}}"))
            start = at + len(markers[name]) + 2
        parts.append(payload[start:].replace("{", "{{").replace("}", "}}"))
        names = [name for _at, name in found]
        template = (
            "{}".join(parts),
            itemgetter(*map(ROW_FIELDS.index, names)),
            [_ROW_ENCODERS.get(name, encode_basestring) for name in names],
        )
        self._templates[shape] = template
        return template


# The fields of a record that differ from row to row, in a bulk write (`_Writer.shared` gives the others).
WHERE_FIELDS = ["object_type", "object_id", "object_repr", "related_type", "related_id", "province"]
ROW_FIELDS = [*WHERE_FIELDS, "before", "after", "message", "success", "sequence", "previous_hash", "record_hash"]
PROVINCE, RELATED_TYPE, RELATED_ID, SEQUENCE, PREVIOUS_HASH, RECORD_HASH = map(
    ROW_FIELDS.index, ("province", "related_type", "related_id", "sequence", "previous_hash", "record_hash")
)
# A row's hashed values (`_payload`), those hashed only when set last, and how each goes into the payload's JSON
# where it is not text: the snapshots as their canonical text already, `success` as JSON's true or false.
_LATER_ROW_HASHED = ("province", "related_type", "related_id")
_ROW_HASHED = (*(name for name in HASHED_FIELDS if name in ROW_FIELDS), *_LATER_ROW_HASHED)
_ROW_ENCODERS: dict[str, Callable[[Any], str]] = {
    "before": lambda text: text or "null",
    "after": lambda text: text or "null",
    "success": lambda success: "true" if success else "false",
}


def _chain(items: list[Any], province_of: Callable[[Any], str], place: Callable[[Any, int, str], str]) -> None:
    """Put `items` (records or rows) at the ends of their provinces' chains, in the order given:
    `place(item, sequence, previous_hash)` gives each its position and returns its hash.

    Each province's head row is locked until the caller's transaction ends, in code order so that two
    writers touching the same provinces cannot deadlock; other provinces' writers are not held up.
    """
    by_province = defaultdict(list)
    for item in items:
        by_province[province_of(item)].append(item)
    for province in sorted(by_province):
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            province=province, defaults={"last_hash": GENESIS_HASH}
        )
        sequence, last_hash = head.sequence, head.last_hash
        for item in by_province[province]:
            sequence += 1
            last_hash = place(item, sequence, last_hash)
        AuditChainHead.objects.filter(pk=head.pk).update(sequence=sequence, last_hash=last_hash)


def _place_record(record: AuditRecord, sequence: int, previous_hash: str) -> str:
    record.sequence, record.previous_hash = sequence, previous_hash
    record.record_hash = compute_hash(record)
    return record.record_hash


@transaction.atomic
def record(
    *,
    actor: "User | AnonymousUser | None",
    action: Action,
    obj: models.Model | None = None,
    related: models.Model | None = None,
    province: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
    success: bool = True,
    batch: uuid.UUID | None = None,
    actor_name: str = "",
) -> AuditRecord:
    """Append one record to the audit trail, in the caller's transaction.

    `action` is a member of `Action`; `obj` the model instance concerned (or None); `related` the object
    whose history must show the record and `province` the chain it goes to (both found from the objects
    when not given: see the module doc); `before`/`after` JSON-able snapshots of what changed; `batch` the
    import it belongs to. `actor_name` names an actor who is not a signed-in user (a failed log-in's name).
    """
    writer = _Writer(actor=actor, action=action, batch=batch, actor_name=actor_name)
    entry = writer.build(
        obj=obj, related=related, province=province, before=before, after=after, message=message, success=success
    )
    _chain([entry], attrgetter("province"), _place_record)
    entry.save()
    return entry


@transaction.atomic
def record_bulk(
    *,
    actor: "User | AnonymousUser | None",
    action: Action,
    entries: Iterable[Entry],
    batch: uuid.UUID,
    actor_name: str = "",
) -> list[int]:
    """Append one record per entry (one changed object each), all of `action` and `batch`, in one bulk insert;
    their ids, in the entries' order.

    For the bulk services (an import): call it once per action with the same `batch` (from `new_batch()`)
    after the rows are written, e.g.

        batch = audit.new_batch()
        audit.record_bulk(actor=actor, action=Action.PROJECT_UPDATE, batch=batch,
                          entries=[audit.Entry(obj=project, before=old, after=new) for ...])
        audit.record(actor=actor, action=Action.INGEST_IMPORT, batch=batch, after={...})  # the file's summary

    `entries` give only objects that changed. Records share one time and request; each goes to its
    province's chain (locked for the rest of the transaction). Writing N records costs a few queries,
    not N: pass `related`/`province` or `select_related` what `audit_related`/`audit_province` read.
    The records are written as rows (no model instances), each snapshot object encoded once, hashed exactly as
    `record` hashes one record (`_Writer.place`).
    """
    writer = _Writer(actor=actor, action=action, batch=batch, actor_name=actor_name)
    rows = [writer.row(entry) for entry in entries]
    if not rows:
        return []
    _chain(rows, itemgetter(PROVINCE), writer.place)
    ids = bulk.allocate_ids(AuditRecord, len(rows))
    for pk, row in zip(ids, rows, strict=True):
        row.append(pk)
    bulk.insert_rows(
        AuditRecord,
        [*ROW_FIELDS, "id"],
        rows,
        ready=[*ROW_FIELDS, "id"],  # text, whole numbers and booleans: as every backend takes them
        **writer.shared(),
    )
    return ids


class StagedChains:
    """The audit records that work on a copy of the database added (`core.db.staged_writes`, an import's apply),
    put at the ends of the database's chains when the copy's writes are carried over (`carry_over`'s hooks).

    The copy's records run on from the heads its chains had when it was taken. Where the database's head is still
    there, they stay as they are; where others wrote records meanwhile (a log-in), the copy's follow theirs,
    renumbered and hashed again. For that each record's payload is encoded before the write lock is taken
    (`prepare`: `hash_parts`, for the chains others wrote to by then), so that under the lock chaining is one
    SHA-256 per record.
    """

    PARTS = "temp.zl_audit_parts"
    SHIFT = 1 << 62  # moves the copy's positions out of the way while they are renumbered (unique per chain)

    def __init__(self, *, first_id: int) -> None:
        self.first_id = first_id
        self.tables = {AuditChainHead._meta.db_table}  # what `append` writes itself; the records are copied as rows
        quote = connection.ops.quote_name
        self.records = f"{STAGED}.{quote(AuditRecord._meta.db_table)}"
        self.heads = f"main.{quote(AuditChainHead._meta.db_table)}"
        self.starts: dict[str, tuple[int, str, int, str]] = {}
        self.encoded: set[str] = set()

    def prepare(self, cursor: Any) -> None:
        """Outside the lock: where each chain of the copy's records starts and ends; their payloads encoded for the
        chains whose head in the database has moved since the copy was taken."""
        # SQLite takes the bare columns of the row holding the minimum (maximum): a chain's first (last) record.
        cursor.execute(
            f"SELECT province, MIN(sequence), previous_hash FROM {self.records} WHERE id >= %s GROUP BY province",
            [self.first_id],
        )
        first = {province: (sequence, previous) for province, sequence, previous in cursor.fetchall()}
        cursor.execute(
            f"SELECT province, MAX(sequence), record_hash FROM {self.records} WHERE id >= %s GROUP BY province",
            [self.first_id],
        )
        self.starts = {province: (*first[province], sequence, last) for province, sequence, last in cursor.fetchall()}
        cursor.execute(f"DROP TABLE IF EXISTS {self.PARTS}")
        cursor.execute(f"CREATE TABLE {self.PARTS} (id INTEGER PRIMARY KEY, province, sequence INTEGER, head, tail)")
        cursor.execute(f"CREATE INDEX {self.PARTS}_chain ON zl_audit_parts (province, sequence)")
        for province in self._moved(cursor):
            self._encode(cursor, province)

    def close(self, cursor: Any) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.PARTS}")

    def _moved(self, cursor: Any) -> dict[str, tuple[int, str]]:
        """The database's head of each chain the copy added to whose head is no longer the copy's start."""
        cursor.execute(f"SELECT province, sequence, last_hash FROM {self.heads}")
        database = {province: (sequence, last_hash) for province, sequence, last_hash in cursor.fetchall()}
        moved = {}
        for province, (first, previous, _last, _hash) in self.starts.items():
            head = database.get(province, (0, GENESIS_HASH))
            if head != (first - 1, previous):
                moved[province] = head
        return moved

    def _encode(self, cursor: Any, province: str) -> None:
        records = AuditRecord.objects.raw(
            f"SELECT * FROM {self.records} WHERE province = %s AND id >= %s ORDER BY sequence",
            [province, self.first_id],
        )
        for chunk in batched(records.iterator(), 2000):
            cursor.executemany(
                f"INSERT INTO {self.PARTS} VALUES (%s, %s, %s, %s, %s)",
                [(record.pk, province, record.sequence, *hash_parts(record)) for record in chunk],
            )
        self.encoded.add(province)

    def append(self, cursor: Any) -> None:
        """In the carry-over's transaction: put the copy's records after the database's heads, and move the heads."""
        moved = self._moved(cursor)
        for province, (_first, _previous, last, last_hash) in self.starts.items():
            if province in moved:
                if province not in self.encoded:  # others wrote to the chain since `prepare`
                    self._encode(cursor, province)
                last, last_hash = self._renumber(cursor, province, *moved[province])
            cursor.execute(
                f"UPDATE {self.heads} SET sequence = %s, last_hash = %s WHERE province = %s",
                [last, last_hash, province],
            )
            if not cursor.rowcount:
                cursor.execute(
                    f"INSERT INTO {self.heads} (province, sequence, last_hash) VALUES (%s, %s, %s)",
                    [province, last, last_hash],
                )

    def _renumber(self, cursor: Any, province: str, sequence: int, last_hash: str) -> tuple[int, str]:
        cursor.execute(
            f"UPDATE {self.records} SET sequence = sequence + %s WHERE province = %s AND id >= %s",
            [self.SHIFT, province, self.first_id],
        )
        with connection.cursor() as reading:
            reading.execute(
                f"SELECT id, head, tail FROM {self.PARTS} WHERE province = %s ORDER BY sequence", [province]
            )
            while rows := reading.fetchmany(5000):
                moved = []
                for pk, head, tail in rows:
                    sequence += 1
                    previous, last_hash = last_hash, hashlib.sha256(head + last_hash.encode() + tail).hexdigest()
                    moved.append((sequence, previous, last_hash, pk))
                cursor.executemany(
                    f"UPDATE {self.records} SET sequence = %s, previous_hash = %s, record_hash = %s WHERE id = %s",
                    moved,
                )
        return sequence, last_hash


@dataclass
class ChainReport:
    """The outcome of walking one province's chain (and checking it against its checkpoints)."""

    province: str
    checked: int = 0
    broken_at: int | None = None  # id of the first record whose hash, link or position does not match
    tail_missing: bool = False  # the head names a newer record than the chain ends with
    rebuilt: Checkpoint | None = None  # a checkpoint whose position now holds another record
    cut_short: Checkpoint | None = None  # a checkpoint of a position past the chain's end
    last_hash: str = GENESIS_HASH  # the hash of the last record walked

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.tail_missing and self.rebuilt is None and self.cut_short is None

    @property
    def name(self) -> str:
        """The chain's name as people read it: its province's code, or "national"."""
        return self.province or gettext("national")

    def describe(self) -> str:
        """One sentence saying what walking the chain found (the most telling finding when there are several)."""
        if self.broken_at is not None:
            return gettext(
                "Chain %(chain)s is broken at record %(id)d: it, or the record before it, "
                "was changed, removed or inserted."
            ) % {"chain": self.name, "id": self.broken_at}
        if self.rebuilt is not None:
            return gettext(
                "Chain %(chain)s was rebuilt: its record at position %(position)d is not the one anchored at "
                "%(at)s (line %(line)d of the anchor file); records were changed and the hashes recomputed."
            ) % {
                "chain": self.name,
                "position": self.rebuilt.sequence,
                "at": self.rebuilt.at,
                "line": self.rebuilt.line,
            }
        if self.cut_short is not None:
            return gettext(
                "Chain %(chain)s was cut short: it ends at position %(count)d, but position %(position)d was "
                "anchored at %(at)s (line %(line)d of the anchor file); its newest records were removed."
            ) % {
                "chain": self.name,
                "count": self.checked,
                "position": self.cut_short.sequence,
                "at": self.cut_short.at,
                "line": self.cut_short.line,
            }
        if self.tail_missing:
            return gettext(
                "Chain %(chain)s is broken: its %(count)d records are intact, "
                "but its newest records were removed or its head rewritten."
            ) % {"chain": self.name, "count": self.checked}
        return ngettext(
            "Chain %(chain)s is intact: %(count)d record checked.",
            "Chain %(chain)s is intact: %(count)d records checked.",
            self.checked,
        ) % {"chain": self.name, "count": self.checked}


@dataclass
class TrailReport:
    """The outcome of walking every chain and checking it against the anchor file: intact when each chain is,
    no checkpoint is forged and the checkpoints could be read (when a key is configured)."""

    chains: list[ChainReport] = field(default_factory=list)
    anchors: anchoring.AnchorFile | None = None  # None: not anchored (no key), or unreadable (`anchor_error`)
    anchor_error: str = ""

    @property
    def intact(self) -> bool:
        forged = self.anchors is not None and self.anchors.forged
        return all(chain.intact for chain in self.chains) and not forged and not self.anchor_error

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains)

    @property
    def broken(self) -> list[ChainReport]:
        return [chain for chain in self.chains if not chain.intact]

    def forgeries(self) -> list[str]:
        """One sentence per line of the anchor file that is not a checkpoint signed with the key."""
        if self.anchors is None:
            return []
        return [
            gettext(
                "The checkpoint on line %(line)d of %(path)s is forged or damaged: "
                "its signature does not match the key."
            )
            % {"line": line, "path": self.anchors.path}
            for line in self.anchors.forged
        ]

    def describe_anchoring(self) -> str:
        """What the chains were checked against: the checkpoints (how many), or why not."""
        if self.anchor_error:
            return self.anchor_error
        if self.anchors is None:
            return gettext(
                "The chains are not anchored: no key is configured (ZONELEDGER_AUDIT_ANCHOR_KEY), so a chain "
                "rebuilt or cut short by someone with access to the database would not be found."
            )
        count = len(self.anchors.checkpoints)
        if not count:
            return gettext("No checkpoint has been written to %(path)s yet.") % {"path": self.anchors.path}
        return ngettext(
            "The chains were checked against %(count)d signed checkpoint in %(path)s.",
            "The chains were checked against %(count)d signed checkpoints in %(path)s.",
            count,
        ) % {"count": count, "path": self.anchors.path}

    def problems(self) -> list[str]:
        """Every finding that makes the trail not intact, one sentence each."""
        found = [chain.describe() for chain in self.broken] + self.forgeries()
        return [*found, self.anchor_error] if self.anchor_error else found


def _walk(
    province: str,
    *,
    after: tuple[int, str] = (0, GENESIS_HASH),
    through: int | None = None,
    anchored: Iterable[Checkpoint] = (),
) -> ChainReport:
    """Walk `province`'s chain from the record after `after` (a position and its hash; the start by default)
    through position `through` (the end by default), checking each record's position, link and hash, and each
    checkpoint of `anchored` against the record at its position. Stops at the first broken record."""
    report = ChainReport(province=province)
    start, expected_previous = after
    pending: dict[int, list[Checkpoint]] = defaultdict(list)
    for anchor in anchored:
        pending[anchor.sequence].append(anchor)
    records = AuditRecord.objects.filter(province=province, sequence__gt=start)
    if through is not None:
        records = records.filter(sequence__lte=through)
    for entry in records.order_by("sequence").iterator(chunk_size=2000):
        if (
            entry.sequence != start + report.checked + 1
            or entry.previous_hash != expected_previous
            or compute_hash(entry) != entry.record_hash
        ):
            report.broken_at = entry.id
            return report
        for anchor in pending.pop(entry.sequence, ()):
            if anchor.hash != entry.record_hash and report.rebuilt is None:
                report.rebuilt = anchor
        expected_previous = entry.record_hash
        report.checked += 1
    report.last_hash = expected_previous
    beyond = [anchor for anchors in pending.values() for anchor in anchors if anchor.sequence > start + report.checked]
    if beyond:
        report.cut_short = max(beyond, key=lambda anchor: anchor.sequence)
    return report


def _verify_one(province: str, head: AuditChainHead | None, anchored: Iterable[Checkpoint] = ()) -> ChainReport:
    report = _walk(province, anchored=anchored)
    if report.broken_at is not None:
        return report
    if head is None:
        report.tail_missing = report.checked > 0  # records without a head: the head row was removed
    elif head.sequence != report.checked or head.last_hash != report.last_hash:
        report.tail_missing = True
    return report


def _read_anchors() -> tuple[anchoring.AnchorFile | None, str]:
    """The anchor file checked against the key (None without a key), or None and why it cannot be read."""
    try:
        key = anchoring.anchor_key()
        return (anchoring.read(key) if key is not None else None), ""
    except anchoring.AnchorUnavailable as error:
        return None, str(error)


def verify_chain() -> TrailReport:
    """Walk every province's chain in order and report, per chain, the first record altered, removed or inserted,
    and a checkpoint it no longer matches (rebuilt) or reaches (cut short); and every forged checkpoint.

    The anchor file is read first: every checkpoint in it names records that were written before it."""
    anchors, anchor_error = _read_anchors()
    by_chain: dict[str, list[Checkpoint]] = defaultdict(list)
    for anchor in anchors.checkpoints if anchors is not None else ():
        by_chain[anchor.chain].append(anchor)
    heads = {head.province: head for head in AuditChainHead.objects.all()}
    provinces = set(heads) | set(AuditRecord.objects.values_list("province", flat=True).distinct()) | set(by_chain)
    chains = [_verify_one(province, heads.get(province), by_chain[province]) for province in sorted(provinces)]
    return TrailReport(chains=chains, anchors=anchors, anchor_error=anchor_error)


@dataclass
class AnchorRun:
    """What `write_checkpoints` did: the checkpoints written, and the chains it refused to anchor."""

    written: list[Checkpoint] = field(default_factory=list)
    refused: list[ChainReport] = field(default_factory=list)


def write_checkpoints() -> AnchorRun:
    """Append a signed checkpoint of each chain whose head moved since its last checkpoint (`anchors.py`).

    A chain is anchored only when the records since its last checkpoint follow on from it, hash by hash: a chain
    changed, rebuilt or cut short since then is refused (and reported by `audit_verify`), so a tampered chain is
    never signed over. Raises AnchorUnavailable without a key (which only development allows), or when the key
    or the file cannot be read."""
    key = anchoring.anchor_key()
    if key is None:
        raise anchoring.AnchorUnavailable(
            gettext("No anchor key is configured: set ZONELEDGER_AUDIT_ANCHOR_KEY or ZONELEDGER_AUDIT_ANCHOR_KEY_FILE.")
        )
    anchors = anchoring.read(key)
    latest = anchors.latest()
    run = AnchorRun()
    for head in AuditChainHead.objects.order_by("province"):
        last = latest.get(head.province)
        after = (last.sequence, last.hash) if last is not None else (0, GENESIS_HASH)
        if (head.sequence, head.last_hash) == after:
            continue  # nothing new since the last checkpoint
        segment = _walk(head.province, after=after, through=head.sequence)
        if (
            head.sequence > after[0]
            and segment.broken_at is None
            and after[0] + segment.checked == head.sequence
            and segment.last_hash == head.last_hash
        ):
            run.written.append(anchoring.checkpoint(chain=head.province, sequence=head.sequence, hash=head.last_hash))
        else:
            mine = [anchor for anchor in anchors.checkpoints if anchor.chain == head.province]
            run.refused.append(_verify_one(head.province, head, mine))
    anchoring.append(run.written, key)
    return run


def record_export(
    *, actor: "User | AnonymousUser | None", what: str, count: int, filters: dict[str, Any] | None = None
) -> AuditRecord:
    """Audit a download of data: `what` names it ("ledger", "bulletin 2024-2", …), `count` the rows in the file."""
    return record(actor=actor, action=Action.EXPORT, after={"what": what, "rows": count, "filters": filters or {}})


def record_import(
    *, actor: "User | AnonymousUser | None", what: str, count: int, success: bool = True, message: str = ""
) -> AuditRecord:
    """Audit an import (applied or refused): `what` names the file, `count` the rows written (0 when refused)."""
    return record(
        actor=actor, action=Action.IMPORT, after={"what": what, "rows": count}, success=success, message=message
    )
