"""Checkpoints of the audit chains outside the database: each chain's head, signed, appended to a file and logged.

The hash chain shows an edited record, but whoever can write the database can also recompute every hash after
an edit, or cut the newest records off and rewrite the head, and the chain is whole again. A checkpoint says
"chain C had record H at position N at time T", signed with a key that is not in the database, in a file that
is only ever appended to. `audit_verify` then finds a chain that no longer holds H at N (rebuilt) or no longer
reaches N (cut short), and a checkpoint whose signature does not match (forged).

The signature is HMAC-SHA256 (Python's standard library: no new dependency, and a 商用密码 deployment can swap in
HMAC-SM3 here alone). A signature by a key pair (Ed25519) would let the verifier hold only the public key; here
the web process, the worker and the commands run with one environment, so it would add a dependency and protect
nothing more. What really pins the past is the file being append-only: even the key's holder cannot change a
checkpoint already written, only add new ones.

One checkpoint is one JSON line: {"at", "chain", "hash", "mac", "sequence", "v"}; `mac` signs the others.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT = 1


class AnchorUnavailable(Exception):
    """The anchor key or file is configured but cannot be read: checkpoints can be neither written nor checked."""


def anchor_key() -> bytes | None:
    """The key from ZONELEDGER_AUDIT_ANCHOR_KEY_FILE (its bytes, without the line's end) or, when no file is named,
    ZONELEDGER_AUDIT_ANCHOR_KEY; None when neither is set (development). AnchorUnavailable for a file unread."""
    if settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE:
        path = Path(settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE)
        try:
            return path.read_bytes().strip() or None
        except OSError as error:
            raise AnchorUnavailable(
                _("The anchor key file %(path)s cannot be read: %(reason)s.") % {"path": path, "reason": error.strerror}
            ) from error
    return settings.ZONELEDGER_AUDIT_ANCHOR_KEY.encode() or None


@dataclass(frozen=True)
class Checkpoint:
    """Chain `chain` (a province's code, "" for the national one) held the record `hash` at position `sequence`
    at time `at` (ISO 8601). `line` is its line in the file, once read."""

    chain: str
    sequence: int
    hash: str
    at: str
    line: int = 0

    def payload(self) -> bytes:
        content = {"v": FORMAT, "at": self.at, "chain": self.chain, "sequence": self.sequence, "hash": self.hash}
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()

    def signature(self, key: bytes) -> str:
        return hmac.new(key, self.payload(), hashlib.sha256).hexdigest()

    def as_line(self, key: bytes) -> str:
        signed = {**json.loads(self.payload()), "mac": self.signature(key)}
        return json.dumps(signed, sort_keys=True, separators=(",", ":"))


def checkpoint(*, chain: str, sequence: int, hash: str) -> Checkpoint:
    """A checkpoint of a chain's head, taken now."""
    return Checkpoint(chain=chain, sequence=sequence, hash=hash, at=timezone.localtime().isoformat(timespec="seconds"))


@dataclass
class AnchorFile:
    """What the anchor file holds: the checkpoints signed with the key, in the order written, and the lines that
    are not (forged, damaged, or signed with another key), by line number."""

    path: Path
    checkpoints: list[Checkpoint] = field(default_factory=list)
    forged: list[int] = field(default_factory=list)

    def latest(self) -> dict[str, Checkpoint]:
        """Each chain's most recent checkpoint."""
        return {checkpoint.chain: checkpoint for checkpoint in self.checkpoints}


def _parse(text: str, line: int, key: bytes) -> Checkpoint | None:
    try:
        signed = json.loads(text)
        found = Checkpoint(
            chain=str(signed["chain"]),
            sequence=int(signed["sequence"]),
            hash=str(signed["hash"]),
            at=str(signed["at"]),
            line=line,
        )
        mac = str(signed["mac"])
    except (ValueError, TypeError, KeyError):
        return None
    if signed.get("v") != FORMAT or not hmac.compare_digest(found.signature(key), mac):
        return None
    return found


def read(key: bytes) -> AnchorFile:
    """Every line of the anchor file, checked against `key`. A file not yet written holds no checkpoints; one that
    cannot be read raises AnchorUnavailable."""
    path = Path(settings.ZONELEDGER_AUDIT_ANCHOR_FILE)
    found = AnchorFile(path=path)
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                parsed = _parse(text, number, key)
                if parsed is None:
                    found.forged.append(number)
                else:
                    found.checkpoints.append(parsed)
    except FileNotFoundError:
        return found
    except OSError as error:
        raise AnchorUnavailable(
            _("The anchor file %(path)s cannot be read: %(reason)s.") % {"path": path, "reason": error.strerror}
        ) from error
    return found


def append(checkpoints: list[Checkpoint], key: bytes) -> None:
    """Append the checkpoints to the anchor file (opened O_APPEND: nothing already written is touched, whatever
    else has the file open) in one write, flushed to disk; and log each one."""
    if not checkpoints:
        return
    lines = [checkpoint.as_line(key) for checkpoint in checkpoints]
    path = Path(settings.ZONELEDGER_AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, "".join(line + "\n" for line in lines).encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    for line in lines:
        logger.info("audit checkpoint %s", line)
