"""Signed checkpoints of the chains' heads outside the database: each attack by someone who can write the database
(an edited record, a tail cut off and the head rewritten, a chain rebuilt after an edit, a forged checkpoint) is
found by `audit_verify` and the auditor's check, though the bare hash chain would call the last three whole."""

import io
import json
import logging
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.anchors import Checkpoint
from zoneledger.audit.checks import anchor_key_in_production, key_problem
from zoneledger.audit.models import AuditChainHead, AuditRecord
from zoneledger.audit.tasks import audit_anchor
from zoneledger.jobs import schedule

pytestmark = pytest.mark.django_db
CHAIN = "990000"  # a province of the tests' own, so that nothing else writes to its chain


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = secrets.token_urlsafe(32)
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = ""
    settings.ZONELEDGER_AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit-anchors.jsonl"
    return settings.ZONELEDGER_AUDIT_ANCHOR_FILE


def write(count, *, start=0):
    return [
        audit.record(actor=None, actor_name=f"user{start + n}", action=Action.ADMIN_CHANGE, province=CHAIN)
        for n in range(count)
    ]


def anchor():
    out = io.StringIO()
    call_command("audit_anchor", stdout=out)
    return out.getvalue()


def verify():
    """audit_verify's output, and its error when it fails (None when it passes)."""
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def chain_report():
    return next(chain for chain in audit.verify_chain().chains if chain.province == CHAIN)


def bare_chain_report(settings):
    """What walking the chain alone says, as before anchoring: the checkpoints are not read without a key."""
    key, settings.ZONELEDGER_AUDIT_ANCHOR_KEY = settings.ZONELEDGER_AUDIT_ANCHOR_KEY, ""
    try:
        return chain_report()
    finally:
        settings.ZONELEDGER_AUDIT_ANCHOR_KEY = key


def records_of_chain():
    return list(AuditRecord.objects.filter(province=CHAIN).order_by("sequence"))


def set_head(sequence, last_hash):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditchainhead SET sequence = %s, last_hash = %s WHERE province = %s",
            [sequence, last_hash, CHAIN],
        )


def edit_record(entry, message):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET message = %s WHERE id = %s", [message, entry.pk])


def rebuild_after_editing(position, message):
    """What someone with the database does: edit the record at `position`, recompute the hashes after it, the head."""
    records = records_of_chain()
    previous = records[position - 2].record_hash if position > 1 else audit.GENESIS_HASH
    with connection.cursor() as cursor:
        for entry in records[position - 1 :]:
            if entry.sequence == position:
                entry.message = message
            entry.previous_hash = previous
            entry.record_hash = previous = audit.compute_hash(entry)
            cursor.execute(
                "UPDATE audit_auditrecord SET message = %s, previous_hash = %s, record_hash = %s WHERE id = %s",
                [entry.message, entry.previous_hash, entry.record_hash, entry.pk],
            )
    set_head(records[-1].sequence, previous)


def cut_tail(count):
    """Remove the chain's newest `count` records and rewrite its head to the record before them."""
    records = records_of_chain()
    with connection.cursor() as cursor:
        for entry in records[-count:]:
            cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [entry.pk])
    kept = records[:-count]
    set_head(len(kept), kept[-1].record_hash if kept else audit.GENESIS_HASH)


def test_a_checkpoint_of_each_moved_chain_is_signed_appended_and_logged(anchor_file, caplog):
    write(3)
    caplog.set_level(logging.INFO, logger="zoneledger.audit.anchors")

    assert f"{CHAIN}" in anchor()
    first = anchor_file.read_text()
    lines = [json.loads(line) for line in first.splitlines()]
    mine = next(line for line in lines if line["chain"] == CHAIN)
    head = AuditChainHead.objects.get(province=CHAIN)
    assert (mine["sequence"], mine["hash"]) == (3, head.last_hash)
    assert len(mine["mac"]) == 64
    assert any(CHAIN in message and mine["mac"] in message for message in caplog.messages)

    assert "没有" in anchor()  # nothing moved: nothing written
    assert anchor_file.read_text() == first

    write(2, start=3)
    anchor()
    grown = anchor_file.read_text()
    assert grown.startswith(first)  # appended, never rewritten
    assert json.loads(grown.splitlines()[-1])["sequence"] == 5


def test_an_anchored_intact_trail_verifies_and_says_what_it_was_checked_against(anchor_file):
    write(3)
    anchor()
    write(1, start=3)  # records after the last checkpoint are fine

    out, error = verify()

    assert error is None
    assert "签名检查点" in out


def test_an_edited_record_is_found(anchor_file):
    entries = write(3)
    anchor()
    edit_record(entries[1], "篡改")

    _out, error = verify()

    assert str(entries[1].pk) in error
    assert chain_report().broken_at == entries[1].pk


@pytest.fixture
def anchored_five(anchor_file):
    entries = write(5)
    anchor()
    return entries


def test_a_chain_cut_short_is_found(anchored_five, settings):
    cut_tail(2)
    assert bare_chain_report(settings).intact  # the chain alone cannot tell

    report = chain_report()
    _out, error = verify()

    assert (report.checked, report.cut_short.sequence) == (3, 5)
    assert "截短" in error


def test_a_whole_chain_removed_is_found(anchored_five):
    cut_tail(5)
    AuditChainHead.objects.filter(province=CHAIN).delete()

    assert chain_report().cut_short.sequence == 5
    assert verify()[1]


def test_a_chain_rebuilt_after_an_edit_is_found(anchored_five, settings):
    rebuild_after_editing(2, "篡改")
    assert bare_chain_report(settings).intact  # the chain alone cannot tell

    report = chain_report()
    _out, error = verify()

    assert report.broken_at is None
    assert report.rebuilt.sequence == 5
    assert "重建" in error


def test_a_forged_checkpoint_is_found(anchored_five, anchor_file):
    rebuild_after_editing(2, "篡改")
    head = AuditChainHead.objects.get(province=CHAIN)
    forged = Checkpoint(chain=CHAIN, sequence=head.sequence, hash=head.last_hash, at="2030-01-01T00:00:00+08:00")
    lines_before = len(anchor_file.read_text().splitlines())
    with anchor_file.open("a") as handle:
        handle.write(forged.as_line(b"a key the attacker made up, not the anchor key") + "\n")

    report = audit.verify_chain()
    _out, error = verify()

    assert report.anchors.forged == [lines_before + 1]
    assert f"第 {lines_before + 1} 行" in error
    assert "重建" in error  # the forgery hides nothing: the real checkpoints still disagree


def test_a_checkpoint_edited_in_the_file_is_forged(anchored_five, anchor_file):
    lines = anchor_file.read_text().splitlines()
    edited = [line.replace('"sequence":5', '"sequence":4') if CHAIN in line else line for line in lines]
    anchor_file.write_text("\n".join(edited) + "\n")

    report = audit.verify_chain()

    assert len(report.anchors.forged) == 1
    assert not report.intact


def test_a_tampered_chain_is_never_anchored_over(anchored_five, anchor_file):
    rebuild_after_editing(4, "篡改")
    write(1, start=5)  # the rebuilt chain moves on, as if nothing happened
    before = anchor_file.read_text()

    with pytest.raises(CommandError, match="重建"):
        anchor()

    assert anchor_file.read_text() == before
    assert not audit.verify_chain().intact


def test_the_worker_anchors_the_chains_on_a_schedule(anchor_file):
    write(2)

    assert audit_anchor.module_path in schedule.registered()
    assert audit_anchor.call() >= 1
    assert CHAIN in anchor_file.read_text()


def test_without_a_key_nothing_is_anchored_and_verify_says_so(settings):
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = ""
    write(1)

    assert audit_anchor.call() == 0
    with pytest.raises(CommandError, match="ZONELEDGER_AUDIT_ANCHOR_KEY"):
        anchor()
    out, error = verify()
    assert error is None
    assert "未锚定" in out


def test_the_key_may_come_from_a_file(anchor_file, settings, tmp_path):
    key_file = tmp_path / "anchor.key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY, settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = "", str(key_file)
    write(2)
    anchor()

    assert audit.verify_chain().intact
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = str(tmp_path / "missing.key")
    report = audit.verify_chain()
    assert not report.intact
    assert "missing.key" in report.anchor_error


def test_the_auditor_s_check_shows_a_rebuilt_chain(client, anchored_five):
    rebuild_after_editing(3, "篡改")
    log_in(client, User.objects.get(username="auditor"))

    response = client.post(reverse("audit:chain_verify"))

    assert response.context["report"].broken[0].rebuilt is not None
    assert "重建" in response.content.decode()
    assert AuditRecord.objects.filter(action="audit.verify", success=False).exists()


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "neither"),
        ("short-9Qx!", "shorter than 32"),
        ("ab" * 32, "too regular"),
    ],
)
def test_production_refuses_a_missing_or_weak_anchor_key(settings, key, reason):
    settings.PRODUCTION = True
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY, settings.ZONELEDGER_AUDIT_ANCHOR_KEY_FILE = key, ""

    assert reason in key_problem()
    assert [error.id for error in anchor_key_in_production()] == ["zoneledger.E010"]


def test_production_refuses_the_secret_key_as_anchor_key(settings):
    settings.PRODUCTION = True
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = settings.SECRET_KEY = secrets.token_urlsafe(50)

    assert "SECRET_KEY" in key_problem()


def test_production_accepts_a_random_anchor_key_and_development_needs_none(settings):
    settings.PRODUCTION = True
    settings.ZONELEDGER_AUDIT_ANCHOR_KEY = secrets.token_urlsafe(32)
    assert anchor_key_in_production() == []
    settings.PRODUCTION, settings.ZONELEDGER_AUDIT_ANCHOR_KEY = False, ""
    assert anchor_key_in_production() == []
