"""The API's answers kept under the ledger's change stamp (audit/stamp.py): the figures (reports/cached.py) and the
ledger's pages (projects/api.py). A repeat between two writes is not computed again, and no write — by a person, a
reviewer, an import, a void — leaves an answer it changed in the cache; no two orgs share an answer."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.ingest.conftest import project_row, write_workbook
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope_in
from zoneledger.audit.models import AuditChainHead
from zoneledger.audit.stamp import change_stamp
from zoneledger.campaigns.models import Round
from zoneledger.ingest.importer import import_workbook
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.services import progress_approve
from zoneledger.projects import services
from zoneledger.projects.models import Project, StageEvent
from zoneledger.reports import figures
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

WENSHUI = "文水经济开发区"


@pytest.fixture
def computed(monkeypatch):
    """The figures documents actually computed (not answered from the cache), as (scope's name, as_of, known_at)."""
    calls = []
    compute = figures.figures_document

    def counting(**arguments):
        calls.append((arguments["scope"].name, arguments["as_of"], arguments["known_at"]))
        return compute(**arguments)

    monkeypatch.setattr(figures, "figures_document", counting)
    return calls


def ask(client, scope, year, **options):
    response = client.get("/api/v1/figures/", {"scope": scope, "year": year, **options})
    assert response.status_code == 200, response.content
    return response.json()


def fresh(username, scope, year):
    """The document as the SQL gives it now, without the cache."""
    user = User.objects.get(username=username)
    period = figures.Period.for_year(year)
    return figures.figures_document(user=user, scope=user_scope_in(user, scope), period=period)


def test_a_repeat_is_answered_from_the_cache_until_a_write(session_client, computed):
    client = session_client("province-viewer")
    first = ask(client, WENSHUI, 2024)
    again = ask(client, WENSHUI, 2024)

    assert again == first
    assert len(computed) == 1


def test_a_stage_recorded_between_two_requests_is_in_the_second(session_client, wenshui_editor):
    client = session_client("province-viewer")
    before = ask(client, WENSHUI, 2024)
    project = services.project_create(
        actor=wenshui_editor, zone=Zone.objects.get(name=WENSHUI), name="缓存测试项目", total_investment=1000
    )
    round_ = Round.objects.filter(province_id="140000", year=2024).order_by("sequence").first()
    signed = {"stage": "signed", "happened_on": date(2024, 5, 6), "round": round_}
    services.record_stage(actor=wenshui_editor, project=project, **signed)

    after = ask(client, WENSHUI, 2024)

    assert after["signed"]["count"] == before["signed"]["count"] + 1
    assert after == fresh("province-viewer", WENSHUI, 2024)


def test_an_event_voided_between_two_requests_is_gone_from_the_second(session_client, wenshui_editor):
    event = (
        StageEvent.objects.live()
        .filter(project__zone__name=WENSHUI, stage="signed", round__isnull=False)
        .exclude(project__events__stage__in=["started", "commissioned", "at_capacity"])
        .select_related("project__zone", "round")
        .first()
    )
    year = event.round.year
    client = session_client("province-viewer")
    before = ask(client, WENSHUI, year)

    services.void_event(actor=wenshui_editor, event=event, reason="录入错误")
    after = ask(client, WENSHUI, year)

    assert after["signed"]["count"] == before["signed"]["count"] - 1
    assert after == fresh("province-viewer", WENSHUI, year)


def test_a_monthly_report_approved_between_two_requests_counts_in_the_second(session_client):
    version = (
        ReportVersion.objects.filter(
            state=ReportState.SUBMITTED,
            amount__gt=0,
            project__zone__province_id="140000",
            project__events__stage="started",
            project__events__voided=False,
            project__events__round__isnull=False,
        )
        .select_related("project__zone")
        .first()
    )
    project = version.project
    year = project.events.get(stage="started", voided=False).round.year
    client = session_client("province-viewer")
    before = ask(client, project.zone.name, year)

    progress_approve(actor=User.objects.get(username="province-reviewer"), version=version)
    after = ask(client, project.zone.name, year)

    assert after["started"]["completed_wan"] != before["started"]["completed_wan"]
    assert after == fresh("province-viewer", project.zone.name, year)


def test_an_import_applied_between_two_requests_is_in_the_second(session_client, wenshui_editor, tmp_path):
    client = session_client("province-viewer")
    before = ask(client, WENSHUI, 2024)
    path = write_workbook(
        tmp_path / "new.xlsx",
        [project_row("缓存导入测试项目", 建设单位="山西缓存有限公司", 签约日期=date(2024, 3, 28), 签约批次="2024-1")],
    )

    assert import_workbook(file=path, user=wenshui_editor).errors == []
    after = ask(client, WENSHUI, 2024)

    assert after["signed"]["count"] == before["signed"]["count"] + 1
    assert after == fresh("province-viewer", WENSHUI, 2024)


def test_users_of_different_scopes_never_share_an_answer(session_client, computed):
    # Logged in first: a log-in is recorded, and would move the stamp between the requests.
    clients = [session_client(username) for username in ("province-viewer", "lvliang-viewer", "wenshui-viewer")]
    answers = [ask(client, WENSHUI, 2024) for client in clients]

    assert len(computed) == 3
    assert answers[0] == answers[1] == answers[2]


def test_another_day_or_moment_is_computed_again(session_client, computed):
    client = session_client("province-viewer")
    today = timezone.localdate().isoformat()
    asked = [
        {},
        {"as_of": today},  # the default day, given: the same question
        {"as_of": "2024-06-30"},
        {"known_at": "2025-01-31T12:00:00+08:00"},
        {"known_at": "2025-01-31T12:00:01+08:00"},
        {"known_at": "2025-01-31T12:00:01+08:00", "as_of": "2024-06-30"},
    ]
    for options in asked * 2:
        ask(client, WENSHUI, 2024, **options)

    assert len(computed) == len(asked) - 1


def test_the_change_stamp_is_one_query_however_many_chains_and_records(django_assert_num_queries):
    with django_assert_num_queries(1):
        before = change_stamp()
    AuditChainHead.objects.bulk_create(
        AuditChainHead(province=code, sequence=1000, last_hash="f" * 64) for code in ("150000", "210000", "220000")
    )
    with django_assert_num_queries(1):
        after = change_stamp()

    assert after != before


def test_a_repeat_reads_the_stamp_and_never_the_ledger(session_client):
    client = session_client("province-viewer")
    ask(client, WENSHUI, 2024)
    with CaptureQueriesContext(connection) as repeat:
        ask(client, WENSHUI, 2024)

    tables = " ".join(query["sql"] for query in repeat.captured_queries)
    assert "audit_auditchainhead" in tables
    assert StageEvent._meta.db_table not in tables
    assert Project._meta.db_table not in tables


# -- the ledger's pages -------------------------------------------------------------------------------------------
LEDGER = "/api/v1/projects/?page_size=100"


def test_a_repeat_of_a_ledger_page_reads_the_stamp_and_never_the_ledger(session_client):
    client = session_client("province-viewer")
    first = client.get(LEDGER)
    with CaptureQueriesContext(connection) as repeat:
        again = client.get(LEDGER)

    assert again.content == first.content
    tables = " ".join(query["sql"] for query in repeat.captured_queries)
    assert "audit_auditchainhead" in tables
    assert Project._meta.db_table not in tables


def test_a_project_changed_or_staged_between_two_ledger_requests_is_in_the_second(session_client, wenshui_editor):
    client = session_client("wenshui-viewer")
    client.get(LEDGER)
    project = Project.objects.filter(zone__name=WENSHUI, stage="").first() or services.project_create(
        actor=wenshui_editor, zone=Zone.objects.get(name=WENSHUI), name="缓存台账测试项目", total_investment=1000
    )
    before = next(
        item for item in client.get(LEDGER + "&q=" + project.name).json()["items"] if item["id"] == project.pk
    )

    services.project_update(
        actor=wenshui_editor, project=project, expected_version=project.version, leader_in_charge="张三"
    )
    services.record_stage(actor=wenshui_editor, project=project, stage="signed", happened_on=date(2024, 5, 6))
    after = next(item for item in client.get(LEDGER + "&q=" + project.name).json()["items"] if item["id"] == project.pk)

    assert (before["leader_in_charge"], before["stage"]) != ("张三", "signed")
    assert (after["leader_in_charge"], after["stage"], after["version"]) == ("张三", "signed", before["version"] + 1)


def test_ledger_pages_are_never_shared_between_orgs_nor_with_who_reads_no_business_data(session_client):
    # Logged in first: a log-in is recorded, and would move the stamp between the requests.
    clients = {
        username: session_client(username)
        for username in ("province-viewer", "sysadmin", "lvliang-viewer", "wenshui-viewer")
    }
    pages = {username: client.get(LEDGER).json()["count"] for username, client in clients.items()}

    assert pages["province-viewer"] > pages["lvliang-viewer"] > pages["wenshui-viewer"] > 0
    assert pages["sysadmin"] == 0  # the province's system administrator, of the province viewer's org
