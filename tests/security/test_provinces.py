"""Two provinces, one database: nothing of Hebei's reaches a Shanxi user, nothing of Shanxi's a Hebei user.

The test database holds the demo's Shanxi and a second province, Hebei (tests/second_province.py), whose project
names all start with 冀, whose zone is 石家庄高新技术产业开发区, and whose round 2023-4 and 氢能 chain share their
names with Shanxi's. Each wall is tried through every door: pages (and their downloads), commands, figures,
exports and the audit log; the nation's users see both provinces.
"""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.second_province import HEBEI, HEBEI_PROJECTS, HEBEI_ZONE
from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.accounts.scope import ScopeNotFound, user_scope, user_scope_in
from zoneledger.audit import selectors as audit_selectors
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.chains.models import Chain
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
from zoneledger.projects.selectors import project_filter
from zoneledger.projects.services import record_stage
from zoneledger.reports.figures import Period, batch_figures, breakdown, signed_not_started
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db
SHANXI = "140000"
SHANXI_ZONE = "文水经济开发区"
# What shows a province's data on a page or in a file: its projects' names and its zones' names.
HEBEI_MARKS = [*HEBEI_PROJECTS, HEBEI_ZONE]
SHANXI_MARKS = [SHANXI_ZONE, "孝义经济开发区", "山西转型综合改革示范区"]
# Pages every business user reads, each within their scope.
PAGES = [
    "reports:dashboard",
    "reports:year_summary",
    "reports:warnings",
    "projects:project_list",
    "campaigns:round_list",
]
DOWNLOADS = ["ingest:ledger_export", "reports:warnings_export"]


def user(username):
    return User.objects.get(username=username)


def text_of_workbook(content):
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return "\n".join(
        str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for cell in row
    )


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def hebei_project():
    return Project.objects.get(name=HEBEI_PROJECTS[0])


def shanxi_project():
    return Project.objects.filter(zone__name=SHANXI_ZONE).first()


# -- the test database holds what the walls are tried on ------------------------------------------------------------


def test_hebei_holds_what_shanxi_holds_under_the_same_names():
    assert Round.objects.filter(year=2023, sequence=4).count() == 2
    assert Chain.objects.filter(name="氢能").count() == 2
    assert Zone.objects.get(name=HEBEI_ZONE).province_id == HEBEI
    assert StageEvent.objects.filter(project__zone__province_id=HEBEI, round__province_id=HEBEI).count() == 5
    assert MonthlyProgress.objects.filter(project__zone__province_id=HEBEI).count() == 2
    assert AuditRecord.objects.filter(province=HEBEI).count() >= 10


# -- pages --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "hidden"),
    [
        ("province-viewer", HEBEI_MARKS),
        ("lvliang-viewer", HEBEI_MARKS),
        ("hebei-viewer", SHANXI_MARKS),
        ("shijiazhuang-viewer", SHANXI_MARKS),
    ],
)
@pytest.mark.parametrize("name", PAGES + DOWNLOADS)
def test_no_page_or_download_shows_the_other_province(client, username, hidden, name):
    log_in(client, user(username))
    response = client.get(reverse(name), {"year": 2024} if name == "reports:year_summary" else {})
    assert response.status_code == 200
    text = text_of_workbook(body(response)) if name in DOWNLOADS else response.content.decode()
    assert [mark for mark in hidden if mark in text] == []


@pytest.mark.parametrize(("username", "hidden"), [("province-editor", HEBEI_MARKS), ("hebei-editor", SHANXI_MARKS)])
def test_the_import_template_offers_only_the_user_s_province(client, username, hidden):
    log_in(client, user(username))
    text = text_of_workbook(body(client.get(reverse("ingest:template"))))
    assert [mark for mark in hidden if mark in text] == []
    assert ("石家庄高新技术产业开发区" in text) == username.startswith("hebei")


def test_the_hebei_pages_show_hebei(client):
    log_in(client, user("hebei-viewer"))
    page = client.get(reverse("projects:project_list")).content.decode()
    assert all(name in page for name in HEBEI_PROJECTS)
    assert HEBEI_PROJECTS[0] in text_of_workbook(body(client.get(reverse("ingest:ledger_export"))))


def test_the_nation_s_pages_show_both_provinces(client):
    log_in(client, user("nation-viewer"))
    page = client.get(reverse("projects:project_list"), {"q": "冀"}).content.decode()
    assert HEBEI_PROJECTS[0] in page
    assert (
        SHANXI_ZONE in client.get(reverse("projects:project_list"), {"zone": shanxi_project().zone_id}).content.decode()
    )
    dashboard = client.get(reverse("reports:dashboard"), {"year": 2024}).content.decode()
    assert "河北省" in dashboard
    assert "山西省" in dashboard


@pytest.mark.parametrize(
    ("username", "project"), [("province-viewer", hebei_project), ("hebei-viewer", shanxi_project)]
)
def test_the_other_province_s_project_is_not_found(client, username, project):
    log_in(client, user(username))
    target = project()
    assert client.get(reverse("projects:project_detail", args=[target.pk])).status_code == 404


@pytest.mark.parametrize(
    ("username", "scope"),
    [("province-viewer", HEBEI), ("province-viewer", HEBEI_ZONE), ("hebei-viewer", SHANXI), ("hebei-viewer", "nation")],
)
def test_the_year_summary_of_the_other_province_is_not_found(client, username, scope):
    log_in(client, user(username))
    assert client.get(reverse("reports:year_summary"), {"scope": scope}).status_code == 404


def test_the_year_summary_offers_only_the_user_s_own_scopes(client):
    log_in(client, user("province-viewer"))
    page = client.get(reverse("reports:year_summary")).content.decode()
    assert HEBEI_ZONE not in page
    assert "石家庄市" not in page
    log_in(client, user("nation-viewer"))
    page = client.get(reverse("reports:year_summary")).content.decode()
    assert HEBEI_ZONE in page
    assert SHANXI_ZONE in page


# -- rounds and chains ---------------------------------------------------------------------------------------------


def test_each_province_reads_its_own_rounds_and_chains():
    for username, province in (("province-viewer", SHANXI), ("wenshui-viewer", SHANXI), ("hebei-viewer", HEBEI)):
        assert set(Round.objects.visible_to(user(username)).values_list("province_id", flat=True)) == {province}
        assert set(Chain.objects.visible_to(user(username)).values_list("province_id", flat=True)) == {province}
    assert set(Round.objects.visible_to(user("nation-viewer")).values_list("province_id", flat=True)) == {SHANXI, HEBEI}


def test_the_ledger_filter_offers_only_the_province_s_rounds_and_chains():
    ledger_filter = project_filter(user=user("province-viewer"), data={})
    assert {r.province_id for r in ledger_filter.form.fields["round"].queryset} == {SHANXI}
    assert {c.province_id for c in ledger_filter.form.fields["chain"].queryset} == {SHANXI}


def test_a_stage_is_never_recorded_at_another_province_s_round():
    project = shanxi_project()
    hebei_round = Round.objects.get(province_id=HEBEI, year=2024, sequence=1)
    events, records = StageEvent.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ValidationError, match="2024-1"):
        record_stage(
            actor=user("wenshui-editor"),
            project=project,
            stage=Stage.TERMINATED,
            happened_on=date(2024, 3, 15),
            round=hebei_round,
        )
    assert (StageEvent.objects.count(), AuditRecord.objects.count()) == (events, records)


# -- figures -------------------------------------------------------------------------------------------------------


def test_the_province_s_figures_are_its_own_and_the_nation_adds_them_up():
    period, as_of = Period.for_round("2023-4"), date(2024, 12, 31)
    shanxi_viewer, hebei_viewer, nation = user("province-viewer"), user("hebei-viewer"), user("nation-viewer")
    shanxi = batch_figures(user=shanxi_viewer, scope=user_scope(shanxi_viewer), period=period, as_of=as_of)
    hebei = batch_figures(user=hebei_viewer, scope=user_scope(hebei_viewer), period=period, as_of=as_of)
    both = batch_figures(user=nation, scope=user_scope(nation), period=period, as_of=as_of)
    assert shanxi.signed.count == 233  # the seed's published figure, untouched by Hebei
    assert (hebei.signed.count, hebei.signed.started) == (3, 2)
    assert both.signed.count == shanxi.signed.count + hebei.signed.count
    assert both.signed.investment == shanxi.signed.investment + hebei.signed.investment
    by_province = breakdown(user=nation, scope=user_scope(nation), period=period, by="province", as_of=as_of)
    assert [(row.key, row.signed.count) for row in by_province] == [(HEBEI, 3), (SHANXI, 233)]


def test_a_province_s_warnings_are_its_own():
    as_of = date(2024, 12, 31)
    hebei_viewer = user("hebei-viewer")
    names = {row.name for row in signed_not_started(user=hebei_viewer, scope=user_scope(hebei_viewer), as_of=as_of)}
    assert names == {HEBEI_PROJECTS[2]}
    shanxi_viewer = user("province-viewer")
    shanxi = signed_not_started(user=shanxi_viewer, scope=user_scope(shanxi_viewer), as_of=as_of)
    assert not {row.name for row in shanxi} & set(HEBEI_PROJECTS)


@pytest.mark.parametrize(
    ("username", "reference"),
    [
        ("province-viewer", HEBEI),
        ("province-viewer", "130100"),
        ("province-viewer", HEBEI_ZONE),
        ("hebei-viewer", SHANXI),
        ("hebei-viewer", "141100"),
        ("shijiazhuang-viewer", "province"),
    ],
)
def test_naming_the_other_province_s_scope_is_not_found(username, reference):
    with pytest.raises(ScopeNotFound):
        user_scope_in(user(username), reference)


def test_province_means_the_user_s_own_province():
    assert user_scope_in(user("hebei-viewer"), "province").code == HEBEI
    assert user_scope_in(user("province-viewer"), "province").code == SHANXI


# -- commands ------------------------------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_figures_command_reads_within_the_user_s_province():
    hebei = json.loads(
        run("figures", "--scope", "province", "--round", "2023-4", "--as-of", "2024-12-31", "--as", "hebei-viewer")
    )
    assert (hebei["scope"]["code"], hebei["signed"]["count"]) == (HEBEI, 3)
    shanxi = json.loads(run("figures", "--scope", "province", "--round", "2023-4", "--as-of", "2024-12-31"))
    assert (shanxi["scope"]["code"], shanxi["signed"]["count"]) == (SHANXI, 233)
    with pytest.raises(CommandError, match="--scope"):
        run("figures", "--scope", HEBEI, "--round", "2023-4", "--as", "province-viewer")
    with pytest.raises(CommandError, match="--scope"):
        run("figures", "--scope", "nation", "--year", "2024", "--as", "hebei-viewer")


def test_the_console_reads_any_province_and_the_nation():
    hebei = json.loads(run("figures", "--scope", HEBEI, "--round", "2023-4", "--as-of", "2024-12-31"))
    nation = json.loads(run("figures", "--scope", "nation", "--round", "2023-4", "--as-of", "2024-12-31"))
    assert (hebei["signed"]["count"], nation["signed"]["count"]) == (3, 236)


@pytest.mark.parametrize(("username", "hidden"), [("province-viewer", HEBEI_MARKS), ("hebei-viewer", SHANXI_MARKS)])
def test_the_export_command_writes_only_the_user_s_province(tmp_path, username, hidden):
    target = tmp_path / "out.xlsx"
    run("export", str(target), "--scope", "province", "--as", username)
    text = text_of_workbook(target.read_bytes())
    assert [mark for mark in hidden if mark in text] == []
    other = SHANXI if username.startswith("hebei") else HEBEI
    records = AuditRecord.objects.count()
    with pytest.raises(CommandError, match="--scope"):
        run("export", str(tmp_path / "other.xlsx"), "--scope", other, "--as", username)
    assert not (tmp_path / "other.xlsx").exists()
    assert AuditRecord.objects.count() == records


def test_an_export_is_audited_in_the_exported_province_s_chain(tmp_path):
    run("export", str(tmp_path / "out.xlsx"), "--scope", HEBEI)
    record = AuditRecord.objects.order_by("-id").first()
    assert (record.action, record.province, record.after["rows"]) == ("export.command", HEBEI, len(HEBEI_PROJECTS))
    assert not audit_selectors.record_list(user=user("auditor")).filter(pk=record.pk).exists()
    assert audit_selectors.record_get(user=user("hebei-auditor"), pk=record.pk) == record


# -- the audit log -------------------------------------------------------------------------------------------------


def test_each_province_s_auditor_reads_only_its_chain_and_the_nation_s_reads_all():
    shanxi = audit_selectors.record_list(user=user("auditor"))
    hebei = audit_selectors.record_list(user=user("hebei-auditor"))
    assert set(shanxi.values_list("province", flat=True)) == {SHANXI}
    assert set(hebei.values_list("province", flat=True)) == {HEBEI}
    assert not shanxi.filter(object_repr__in=HEBEI_PROJECTS).exists()
    assert hebei.filter(object_repr__in=HEBEI_PROJECTS).exists()
    everything = audit_selectors.record_list(user=user("nation-auditor"))
    assert everything.count() == AuditRecord.objects.count()


def test_another_province_s_record_is_not_found_by_its_id(client):
    from zoneledger.core.errors import NotFound

    hebei_record = AuditRecord.objects.filter(province=HEBEI).first()
    with pytest.raises(NotFound):
        audit_selectors.record_get(user=user("auditor"), pk=hebei_record.pk)
    log_in(client, user("auditor"))
    assert client.get(reverse("audit:record_detail", args=[hebei_record.pk])).status_code == 404
    page = client.get(reverse("audit:record_list"), {"q": "冀"}).content.decode()
    assert [name for name in HEBEI_PROJECTS if name in page] == []
