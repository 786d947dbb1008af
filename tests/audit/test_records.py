"""Records carry their province (their chain) and related object; actions come from the registry; bulk records chain."""

import ast
import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProjectFactory, ZoneFactory
from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.audit.models import NATIONAL, AuditChainHead, AuditRecord
from zoneledger.audit.selectors import object_history
from zoneledger.progress.services import progress_submit
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project
from zoneledger.projects.services import record_stage

pytestmark = pytest.mark.django_db
SOURCE = Path(__file__).resolve().parents[2] / "src" / "zoneledger"
SHANXI, HENAN = "140000", "410000"


@pytest.fixture
def zone_editor(make_user):
    zone = ZoneFactory()
    return make_user(zone, Role.EDITOR), ProjectFactory(zone=zone)


def test_an_action_outside_the_registry_is_refused_and_nothing_is_written():
    before = AuditRecord.objects.count()

    with pytest.raises(ValueError, match=r"project\.rename"):
        audit.record(actor=None, actor_name="x", action="project.rename")

    assert AuditRecord.objects.count() == before


AUDIT_CALLS = {"record", "record_bulk", "audit_record"}


def _from_the_registry(value, tables=frozenset()):
    """An `Action.MEMBER`, a choice between two of them, or a look-up in one of `tables` (module-level dicts whose
    every value is an `Action.MEMBER`); never a string, an f-string or another variable."""
    if isinstance(value, ast.IfExp):
        return _from_the_registry(value.body, tables) and _from_the_registry(value.orelse, tables)
    if isinstance(value, ast.Subscript):
        return isinstance(value.value, ast.Name) and value.value.id in tables
    return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "Action"


def _action_tables(module):
    """Names of the module's dicts of actions, e.g. `STEP_ACTIONS = {Step.PLAN: Action.PROBLEM_PLAN, ...}`."""
    return frozenset(
        target.id
        for node in module.body
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict) and node.value.values
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and all(_from_the_registry(value) for value in node.value.values)
    )


def free_actions(source):
    """`file:line` of every audit call under `source` whose action is not named from the registry."""
    free = []
    for path in source.rglob("*.py"):
        module = ast.parse(path.read_text(encoding="utf-8"))
        tables = _action_tables(module)
        for node in ast.walk(module):
            if not isinstance(node, ast.Call) or getattr(node.func, "attr", getattr(node.func, "id", "")) not in (
                AUDIT_CALLS
            ):
                continue
            action = next((keyword.value for keyword in node.keywords if keyword.arg == "action"), None)
            passed_on = isinstance(action, ast.Name) and action.id == "action" and path.parent.name == "audit"
            if not passed_on and not _from_the_registry(action, tables):
                free.append(f"{path.relative_to(source)}:{node.lineno}")
    return free


def test_every_audit_call_in_the_code_names_its_action_from_the_registry():
    assert free_actions(SOURCE) == []


def test_the_check_of_audit_calls_finds_a_free_string(tmp_path):
    (tmp_path / "services.py").write_text(
        "from zoneledger.audit.services import record\n"
        "def rename(actor, project, kind):\n"
        '    record(actor=actor, action="project.rename", obj=project)\n'
        '    record(actor=actor, action=f"project.{kind}", obj=project)\n'
        "    record(actor=actor, action=kind, obj=project)\n"
        "    record(actor=actor, action=Action.PROJECT_UPDATE if kind else Action.PROJECT_CREATE, obj=project)\n"
        "    record(actor=actor, action=ACTIONS[kind], obj=project)\n"
        "    record(actor=actor, action=NAMES[kind], obj=project)\n"
        "ACTIONS = {1: Action.PROJECT_UPDATE, 2: Action.PROJECT_CREATE}\n"
        'NAMES = {1: Action.PROJECT_UPDATE, 2: "project.rename"}\n',
        encoding="utf-8",
    )
    assert free_actions(tmp_path) == ["services.py:3", "services.py:4", "services.py:5", "services.py:8"]


def test_every_action_has_a_label_of_its_own():
    labels = [str(action.label) for action in Action]

    assert len(set(labels)) == len(labels)
    assert AuditRecord(action="login.failed").action_label == "登录失败"


def test_a_zones_record_goes_to_its_provinces_chain(zone_editor):
    editor, project = zone_editor

    record_stage(actor=editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 1, 1))

    entry = AuditRecord.objects.filter(object_id=str(project.pk), action=Action.STAGE_RECORD).get()
    assert entry.province == SHANXI
    head = AuditChainHead.objects.get(province=SHANXI)
    assert (head.sequence, head.last_hash) == (entry.sequence, entry.record_hash)


def test_a_monthly_report_is_related_to_its_project_and_shows_on_its_history(zone_editor, client):
    editor, project = zone_editor

    report = progress_submit(actor=editor, project=project, month=date(2024, 5, 1), amount=Decimal("120.50"))

    entry = AuditRecord.objects.get(action=Action.PROGRESS_SUBMIT, object_id=str(report.pk))
    assert (entry.related_type, entry.related_id, entry.province) == ("projects.project", str(project.pk), SHANXI)
    assert list(object_history(user=editor, obj=project)) == [entry]
    log_in(client, editor)
    history = client.get(reverse("projects:project_detail", args=[project.pk])).context["history"]
    assert [row.record for row in history] == [entry]
    assert history[0].action == "提交月度进度"
    assert history[0].subject == str(report)
    assert [(str(label), after) for label, _before, after in history[0].changes] == [
        ("完成投资（万元）", "120.50"),
        ("状态", "已报送"),
    ]


def test_a_record_without_a_province_goes_to_the_actors_then_the_national_chain(wenshui_editor):
    by_editor = audit.record_export(actor=wenshui_editor, what="ledger", count=1)
    by_nobody = audit.record(actor=None, actor_name="mallory", action=Action.LOGIN_FAILED, success=False)

    assert (by_editor.province, by_nobody.province) == (SHANXI, NATIONAL)


def test_a_failed_log_in_goes_to_the_chain_of_the_account_it_names(client):
    client.post(reverse("accounts:login"), {"username": "wenshui-viewer", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "nobody-at-all", "password": "wrong"})

    failed = AuditRecord.objects.filter(action=Action.LOGIN_FAILED).order_by("-id")[:2]
    assert {(entry.actor_name, entry.province) for entry in failed} == {
        ("wenshui-viewer", SHANXI),
        ("nobody-at-all", NATIONAL),
    }


def test_chains_of_two_provinces_are_counted_apart_and_both_verify():
    shanxi_before = AuditChainHead.objects.filter(province=SHANXI).values_list("sequence", flat=True).first() or 0

    first = audit.record(actor=None, actor_name="x", action=Action.ADMIN_ADD, province=HENAN)
    shanxi = audit.record(actor=None, actor_name="x", action=Action.ADMIN_ADD, province=SHANXI)
    second = audit.record(actor=None, actor_name="x", action=Action.ADMIN_CHANGE, province=HENAN)

    assert (first.sequence, second.sequence, second.previous_hash) == (1, 2, first.record_hash)
    assert shanxi.sequence == shanxi_before + 1
    report = audit.verify_chain()
    assert report.intact
    assert {chain.province for chain in report.chains} >= {SHANXI, HENAN}


def test_verify_names_the_broken_chain_only():
    audit.record(actor=None, actor_name="x", action=Action.ADMIN_ADD, province=HENAN)
    audit.record(actor=None, actor_name="x", action=Action.ADMIN_ADD, province=SHANXI)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET message = %s WHERE province = %s", ["篡改", HENAN])

    report = audit.verify_chain()

    assert [chain.province for chain in report.broken] == [HENAN]
    assert "410000" in report.broken[0].describe()


def test_bulk_records_share_a_batch_and_chain_in_order(zone_editor):
    editor, project = zone_editor
    projects = [project, *ProjectFactory.create_batch(29, zone=project.zone)]
    batch = audit.new_batch()

    written = audit.record_bulk(
        actor=editor,
        action=Action.PROJECT_UPDATE,
        batch=batch,
        entries=[audit.Entry(obj=item, after={"name": item.name}) for item in projects],
    )

    rows = list(AuditRecord.objects.filter(batch=batch).order_by("sequence"))
    assert [row.object_id for row in rows] == [str(item.pk) for item in projects]
    assert [row.pk for row in rows] == written
    assert {row.province for row in rows} == {SHANXI}
    assert all(later.previous_hash == earlier.record_hash for earlier, later in itertools.pairwise(rows))
    assert audit.verify_chain().intact


def test_bulk_records_are_the_records_the_single_path_writes_for_the_same_changes(zone_editor, monkeypatch):
    """Written as rows with each snapshot encoded once, a bulk write's records hold, position for position, the
    content and the hashes that `record` gives one change at a time, and the chain verifies."""
    editor, project = zone_editor
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    batch = audit.new_batch()
    shared = {"state": "submitted", "amount": Decimal("12.50")}
    entries = [
        audit.Entry(obj=project, before={"name": "旧名", "day": date(2024, 1, 2)}, after={"name": "新名 “引号”"}),
        audit.Entry(obj=project, after=shared, message="第二条"),
        audit.Entry(obj=project, after=shared, success=False),
        audit.Entry(obj=project, before={7: "a key that is a number"}, after={"photos": [{"name": "a.jpg"}]}),
        audit.Entry(obj=None, province=NATIONAL, after=None),
        # An object named by a Ref (a bulk writer's row), on the project's history, its text needing escapes.
        audit.Entry(
            obj=audit.Ref(Project, 12345, 'v1 “引号” \\ "quoted"\n'), related=project, province=SHANXI, after=shared
        ),
    ]
    fields = (
        *("province", "sequence", "previous_hash", "record_hash", "object_type", "object_id", "object_repr"),
        *("related_type", "related_id", "before", "after", "success"),
    )

    def written(ids):
        return list(AuditRecord.objects.filter(pk__in=ids).order_by("province", "sequence").values_list(*fields))

    with transaction.atomic():
        in_bulk = written(audit.record_bulk(actor=editor, action=Action.PROJECT_UPDATE, batch=batch, entries=entries))
        transaction.set_rollback(True)
    one_by_one = [
        audit.record(
            actor=editor,
            action=Action.PROJECT_UPDATE,
            batch=batch,
            obj=entry.obj,
            related=entry.related,
            province=entry.province,
            before=entry.before,
            after=entry.after,
            message=entry.message,
            success=entry.success,
        ).pk
        for entry in entries
    ]

    assert in_bulk == written(one_by_one)
    assert audit.verify_chain().intact


def test_a_bulk_write_costs_the_same_queries_for_three_rows_as_for_three_hundred(zone_editor):
    editor, project = zone_editor

    def queries_for(count):
        entries = [audit.Entry(obj=project, province=SHANXI, after={"n": n}) for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            audit.record_bulk(actor=editor, action=Action.PROJECT_UPDATE, batch=audit.new_batch(), entries=entries)
        return len(queries)

    queries_for(1)  # the chain's head exists from here on
    assert queries_for(3) == queries_for(300)


def test_a_bulk_write_of_nothing_writes_nothing():
    before = AuditRecord.objects.count()

    assert audit.record_bulk(actor=None, action=Action.PROJECT_UPDATE, entries=[], batch=audit.new_batch()) == []
    assert AuditRecord.objects.count() == before


def test_a_bulk_row_edited_in_the_table_is_found(zone_editor):
    editor, project = zone_editor
    batch = audit.new_batch()
    rows = audit.record_bulk(
        actor=editor,
        action=Action.PROJECT_UPDATE,
        batch=batch,
        entries=[audit.Entry(obj=project, after={"n": n}) for n in range(3)],
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET batch = NULL WHERE id = %s", [rows[1]])

    report = audit.verify_chain()

    assert [chain.broken_at for chain in report.broken] == [rows[1]]
