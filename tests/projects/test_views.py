"""The ledger and the project pages: scope, roles, bad input, htmx partials, export, pinned query counts."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.factories import EnterpriseFactory, ProjectFactory, valid_uscc
from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.chains.models import ChainLink
from zoneledger.enterprises.services import enterprise_resolve
from zoneledger.ingest.columns import LEDGER_SHEET
from zoneledger.projects import services
from zoneledger.projects.choices import Stage
from zoneledger.projects.models import Project, StageEvent
from zoneledger.zones.models import Zone

pytestmark = pytest.mark.django_db

LEDGER = reverse("projects:project_list")


@pytest.fixture
def wenshui():
    return Zone.objects.get(name="文水经济开发区")


@pytest.fixture
def xiaoyi():
    return Zone.objects.get(name="孝义经济开发区")


@pytest.fixture
def editor_client(client, wenshui_editor):
    client.force_login(wenshui_editor)
    return client


@pytest.fixture
def viewer_client(client):
    client.force_login(User.objects.get(username="wenshui-viewer"))
    return client


@pytest.fixture
def project(wenshui, wenshui_editor):
    """A fresh Wenshui project with no events, so stage rules don't depend on the demo's dates."""
    return services.project_create(
        actor=wenshui_editor, zone=wenshui, name="视图测试项目", total_investment=Decimal("8800.00")
    )


def listed(response):
    return {project.name for project in response.context["page"]}


def detail_url(project):
    return reverse("projects:project_detail", args=[project.pk])


# The ledger


def test_the_ledger_asks_for_a_log_in(client):
    response = client.get(LEDGER)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_zone_editor_sees_exactly_their_zones_projects(editor_client, wenshui):
    response = editor_client.get(LEDGER, {"page": 1})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == Project.objects.filter(zone=wenshui).count()
    assert {project.zone for project in response.context["page"]} == {wenshui}


def test_a_city_reviewer_sees_the_projects_of_the_citys_zones(client, lvliang_reviewer):
    client.force_login(lvliang_reviewer)

    response = client.get(LEDGER)

    assert response.context["page"].paginator.count == Project.objects.filter(zone__city_id="141100").count()
    assert set(response.context["filter"].form.fields["zone"].queryset) == set(Zone.objects.filter(city_id="141100"))


def test_a_viewer_reads_the_ledger_but_is_not_offered_to_add(viewer_client):
    response = viewer_client.get(LEDGER)

    assert response.context["page"].paginator.count > 0
    assert reverse("projects:project_create").encode() not in response.content


def test_the_text_search_finds_name_code_and_enterprise(editor_client, wenshui, wenshui_editor):
    named = ProjectFactory(zone=wenshui, name="搜索测试甲项目", code="ZL-SEARCH-1")
    enterprise = enterprise_resolve(actor=wenshui_editor, name="搜索测试乙有限公司")
    by_enterprise = ProjectFactory(zone=wenshui, name="另一个项目", enterprise=enterprise)

    assert listed(editor_client.get(LEDGER, {"q": "搜索测试甲"})) == {named.name}
    assert listed(editor_client.get(LEDGER, {"q": "search-1"})) == {named.name}
    assert listed(editor_client.get(LEDGER, {"q": "搜索测试乙"})) == {by_enterprise.name}


def test_the_stage_filter_keeps_only_that_stage(editor_client, wenshui):
    response = editor_client.get(LEDGER, {"stage": Stage.STARTED})

    expected = set(Project.objects.filter(zone=wenshui, stage=Stage.STARTED).values_list("name", flat=True))
    assert expected
    assert listed(response) == expected


def test_the_round_filter_keeps_projects_with_a_live_event_in_the_round(editor_client, wenshui):
    event = StageEvent.objects.live().filter(project__zone=wenshui, round__isnull=False).first()

    response = editor_client.get(LEDGER, {"round": event.round_id})

    expected = set(
        Project.objects.filter(zone=wenshui, events__round=event.round, events__voided=False).values_list(
            "name", flat=True
        )
    )
    assert listed(response) == expected


def test_a_zone_outside_the_scope_is_refused_as_a_filter_and_shows_nothing_of_it(editor_client, xiaoyi):
    response = editor_client.get(LEDGER, {"zone": xiaoyi.pk})

    assert "zone" in response.context["filter"].form.errors
    assert not any(project.zone == xiaoyi for project in response.context["page"])


def test_a_bad_filter_value_gets_an_error_naming_the_field(editor_client):
    response = editor_client.get(LEDGER, {"stage": "nonsense", "round": "x"})

    errors = response.context["filter"].form.errors
    assert set(errors) == {"stage", "round"}
    assert b'class="field-error"' in response.content


def test_sorting_by_investment_descending_then_ascending(editor_client, wenshui):
    amounts = sorted(Project.objects.filter(zone=wenshui).values_list("total_investment", flat=True))

    descending = editor_client.get(LEDGER, {"sort": "-investment"})
    ascending = editor_client.get(LEDGER, {"sort": "investment"})

    assert [project.total_investment for project in descending.context["page"]] == amounts[::-1]
    assert [project.total_investment for project in ascending.context["page"]] == amounts


def test_sorting_by_stage_follows_the_lifecycle(editor_client):
    response = editor_client.get(LEDGER, {"sort": "stage"})

    order = list(Stage)
    positions = [order.index(project.stage) for project in response.context["page"] if project.stage]
    assert positions == sorted(positions)


def test_pages_split_the_rows_without_losing_or_repeating_one(client, province_admin):
    client.force_login(province_admin)
    first = client.get(LEDGER, {"zone": Zone.objects.get(name="介休经济开发区").pk})
    second = client.get(LEDGER, {"zone": Zone.objects.get(name="介休经济开发区").pk, "page": 2})

    total = first.context["page"].paginator.count
    assert total > 50
    assert len(listed(first) | listed(second)) == total
    assert not listed(first) & listed(second)


def test_htmx_gets_only_the_table_and_the_page_gets_everything(editor_client):
    partial = editor_client.get(LEDGER, {"stage": Stage.SIGNED}, headers={"HX-Request": "true"})
    page = editor_client.get(LEDGER, {"stage": Stage.SIGNED})

    assert partial.content.lstrip().startswith(b'<section id="ledger"')
    assert b"<html" not in partial.content
    assert b"<html" in page.content
    assert b'id="ledger"' in page.content


def test_htmx_restoring_history_gets_the_whole_page(editor_client):
    response = editor_client.get(LEDGER, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert b"<html" in response.content


def test_the_export_link_carries_the_filter(editor_client):
    response = editor_client.get(LEDGER, {"stage": Stage.STARTED, "page": 1})

    assert b'href="/import/ledger.xlsx?stage=started"' in response.content


def ledger_names(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_name(LEDGER_SHEET).to_python()
    name_column = [header.strip(" *") for header in rows[0]].index("项目名称")
    return [row[name_column] for row in rows[1:]]


def test_the_export_holds_exactly_the_filtered_rows_in_the_ledgers_order(editor_client, wenshui):
    response = editor_client.get(reverse("ingest:ledger_export"), {"stage": Stage.STARTED, "sort": "-investment"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    expected = Project.objects.filter(zone=wenshui, stage=Stage.STARTED).order_by("-total_investment", "pk")
    assert ledger_names(response) == [project.name for project in expected]


def test_the_export_is_audited_with_its_filter_and_row_count(editor_client, wenshui, wenshui_editor):
    editor_client.get(reverse("ingest:ledger_export"), {"stage": Stage.SIGNED, "page": 3})

    record = AuditRecord.objects.filter(action="export").latest("id")
    assert record.actor == wenshui_editor
    assert record.after == {
        "what": "ledger",
        "rows": Project.objects.filter(zone=wenshui, stage=Stage.SIGNED).count(),
        "filters": {"stage": Stage.SIGNED},
    }


def test_an_export_too_large_for_a_sheet_goes_back_to_the_ledger_saying_why(editor_client, wenshui, monkeypatch):
    from zoneledger.ingest import writer

    monkeypatch.setattr(writer, "SHEET_ROWS", Project.objects.filter(zone=wenshui, stage=Stage.SIGNED).count())
    response = editor_client.get(reverse("ingest:ledger_export"), {"stage": Stage.SIGNED}, follow=True)

    assert response.redirect_chain == [(f"{reverse('projects:project_list')}?stage={Stage.SIGNED}", 302)]
    page = response.content.decode()
    rows = Project.objects.filter(zone=wenshui, stage=Stage.SIGNED).count()
    assert f"工作表 项目台账 将有 {rows:,} 行，超过一个工作表的上限（{rows - 1:,} 行）" in page
    assert not AuditRecord.objects.filter(action="export").exists()


def test_the_export_never_leaves_the_users_scope(editor_client, wenshui):
    response = editor_client.get(reverse("ingest:ledger_export"))

    assert sorted(ledger_names(response)) == sorted(Project.objects.filter(zone=wenshui).values_list("name", flat=True))


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


# Session, user with their org; the change stamp (the results and the filter's fields are kept under it:
# audit.stamp); the count, the zone, city, round and chain choices of the filters; the page's ids in the ledger's
# order, then its rows (core.paging.IdsFirst: the database sorts narrow rows).
LEDGER_QUERIES = 10
# Session, user with their org and (for a zone's user) its zone, whose province the scope door puts on the rows; the
# project, its history and the names of the zone, enterprise, chain and link it mentions, the events, the round
# choices of the form, the monthly rows; the milestone panel's milestones and plan templates
# (milestones/templatetags), the approvals checklist (approvals/templatetags).
PROJECT_PAGE_QUERIES = 15


def test_the_ledgers_query_count_does_not_grow_with_the_rows_shown(client, province_admin):
    client.force_login(province_admin)

    one_row = queries_for(client, LEDGER, {"q": "文水经开区2024年投产示例项目一"})
    full_page = queries_for(client, LEDGER)

    assert one_row == full_page == LEDGER_QUERIES


# The project page


def test_the_project_page_shows_facts_timeline_progress_and_history(editor_client, wenshui):
    project = Project.objects.filter(zone=wenshui, progress__isnull=False, events__isnull=False).distinct().first()

    response = editor_client.get(detail_url(project))

    assert response.status_code == 200
    assert project.name in response.content.decode()
    assert list(response.context["events"]) == list(project.events.all())
    assert list(response.context["progress"]) == list(project.progress.order_by("-month"))


def test_a_project_of_another_zone_is_not_found(editor_client, xiaoyi):
    other = Project.objects.filter(zone=xiaoyi).first()

    assert editor_client.get(detail_url(other)).status_code == 404
    assert editor_client.get(reverse("projects:project_edit", args=[other.pk])).status_code == 404


def test_a_project_that_does_not_exist_is_not_found(editor_client):
    assert editor_client.get(reverse("projects:project_detail", args=[10**9])).status_code == 404


def test_a_viewer_sees_no_write_forms(viewer_client, project):
    response = viewer_client.get(detail_url(project))

    assert response.context["stage_form"] is None
    assert reverse("projects:stage_record", args=[project.pk]).encode() not in response.content


def test_the_project_pages_query_count_does_not_grow_with_events_and_history(editor_client, wenshui, wenshui_editor):
    link = ChainLink.objects.select_related("chain").first()
    enterprise = enterprise_resolve(actor=wenshui_editor, name="查询计数测试有限公司")
    project = services.project_create(
        actor=wenshui_editor,
        zone=wenshui,
        name="查询计数测试项目",
        total_investment=Decimal(100),
        enterprise=enterprise,
        chain=link.chain,
        chain_link=link,
    )
    bare = queries_for(editor_client, detail_url(project))
    for stage, day in [(Stage.SIGNED, date(2024, 1, 5)), (Stage.STARTED, date(2024, 3, 5))]:
        services.record_stage(actor=wenshui_editor, project=project, stage=stage, happened_on=day)
    event = services.record_stage(
        actor=wenshui_editor, project=project, stage=Stage.COMMISSIONED, happened_on=date(2024, 6, 5)
    )
    services.void_event(actor=wenshui_editor, event=event, reason="日期有误")
    for version, leader in enumerate(["王某", "李某", "赵某"], start=1):
        services.project_update(
            actor=wenshui_editor, project=project, expected_version=version, leader_in_charge=leader
        )

    busy = queries_for(editor_client, detail_url(project))

    assert busy == bare == PROJECT_PAGE_QUERIES


# Recording and voiding stages


def stage_url(project):
    return reverse("projects:stage_record", args=[project.pk])


def test_an_editor_records_a_stage_and_is_sent_back_to_the_project(editor_client, project):
    round_ = Round.objects.filter(province_id="140000").order_by("-year", "-sequence").first()

    response = editor_client.post(
        stage_url(project),
        {"stage": Stage.SIGNED, "happened_on": "2024-05-06", "round": round_.pk, "note": "签约仪式"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(project)
    event = project.events.get()
    assert (event.stage, event.happened_on, event.round, event.note) == (
        Stage.SIGNED,
        date(2024, 5, 6),
        round_,
        "签约仪式",
    )
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stage": Stage.SIGNED, "happened_on": ""}, "happened_on"),
        ({"stage": Stage.SIGNED, "happened_on": "2024-13-40"}, "happened_on"),
        ({"stage": "sleeping", "happened_on": "2024-05-06"}, "stage"),
        ({"stage": Stage.SIGNED, "happened_on": (date.today() + timedelta(days=3)).isoformat()}, "happened_on"),
    ],
)
def test_bad_stage_input_is_refused_by_field_and_records_nothing(editor_client, project, data, field):
    response = editor_client.post(stage_url(project), data)

    assert response.status_code == 200
    assert field in response.context["stage_form"].errors
    assert not project.events.exists()


def test_a_stage_out_of_order_names_the_date_and_records_nothing(editor_client, project, wenshui_editor):
    services.record_stage(actor=wenshui_editor, project=project, stage=Stage.STARTED, happened_on=date(2024, 3, 1))

    response = editor_client.post(stage_url(project), {"stage": Stage.SIGNED, "happened_on": "2024-04-01"})

    assert "happened_on" in response.context["stage_form"].errors
    assert project.events.count() == 1


def test_a_viewer_may_not_record_a_stage(viewer_client, project):
    response = viewer_client.post(stage_url(project), {"stage": Stage.SIGNED, "happened_on": "2024-05-06"})

    assert response.status_code == 403
    assert not project.events.exists()


def test_an_editor_may_not_record_a_stage_in_another_zone(editor_client, xiaoyi):
    other = Project.objects.filter(zone=xiaoyi).first()
    before = other.events.count()

    response = editor_client.post(stage_url(other), {"stage": Stage.TERMINATED, "happened_on": "2024-05-06"})

    assert response.status_code == 404
    assert other.events.count() == before


@pytest.fixture
def signed(project, wenshui_editor):
    return services.record_stage(
        actor=wenshui_editor, project=project, stage=Stage.SIGNED, happened_on=date(2024, 2, 1)
    )


def void_url(event):
    return reverse("projects:event_void", args=[event.project_id, event.pk])


def test_an_editor_voids_an_event_with_a_reason_and_the_page_shows_it_struck_through(editor_client, signed):
    response = editor_client.post(void_url(signed), {"reason": "录入错误"}, follow=True)

    signed.refresh_from_db()
    assert signed.voided
    assert signed.void_reason == "录入错误"
    page = response.content.decode()
    assert "<del>" in page
    assert "录入错误" in page


def test_voiding_needs_a_reason(editor_client, signed):
    response = editor_client.post(void_url(signed), {"reason": "   "})

    assert "reason" in response.context["void_form"].errors
    assert response.context["void_event_pk"] == signed.pk
    signed.refresh_from_db()
    assert not signed.voided


def test_voiding_twice_is_refused_with_a_message(editor_client, signed, wenshui_editor):
    services.void_event(actor=wenshui_editor, event=signed, reason="第一次")

    response = editor_client.post(void_url(signed), {"reason": "第二次"})

    assert "reason" in response.context["void_form"].errors
    signed.refresh_from_db()
    assert signed.void_reason == "第一次"


def test_an_editor_may_not_void_an_event_of_another_zone(editor_client, xiaoyi):
    event = StageEvent.objects.live().filter(project__zone=xiaoyi).first()

    response = editor_client.post(void_url(event), {"reason": "不是我的"})

    assert response.status_code == 404
    event.refresh_from_db()
    assert not event.voided


def test_an_event_is_voided_only_through_its_own_project(editor_client, project, xiaoyi):
    elsewhere = StageEvent.objects.live().filter(project__zone=xiaoyi).first()

    response = editor_client.post(
        reverse("projects:event_void", args=[project.pk, elsewhere.pk]), {"reason": "借道作废"}
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.voided


def test_a_viewer_may_not_void(viewer_client, signed):
    response = viewer_client.post(void_url(signed), {"reason": "录入错误"})

    assert response.status_code == 403
    signed.refresh_from_db()
    assert not signed.voided


# Creating and editing projects

CREATE = reverse("projects:project_create")


def project_data(zone, **changes):
    return {"name": "新建视图项目", "zone": zone.pk, "total_investment": "12345.60", "key_level": ""} | changes


def test_an_editor_adds_a_project_with_its_enterprise(editor_client, wenshui):
    response = editor_client.post(
        CREATE, project_data(wenshui, enterprise_name="新建测试有限公司", industry_code="C3011")
    )

    project = Project.objects.get(name="新建视图项目")
    assert response["Location"] == detail_url(project)
    assert project.total_investment == Decimal("12345.60")
    assert project.enterprise.name == "新建测试有限公司"
    assert AuditRecord.objects.filter(action="project.create", object_id=str(project.pk)).exists()


def test_a_zone_editor_finds_their_zone_chosen_in_the_new_project_form(editor_client, wenshui):
    form = editor_client.get(CREATE).context["form"]

    assert form["zone"].value() == wenshui.pk
    assert list(form.fields["zone"].queryset) == [wenshui]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"total_investment": "-5"}, "total_investment"),
        ({"total_investment": "1.234"}, "total_investment"),
        ({"total_investment": "很多"}, "total_investment"),
        ({"enterprise_name": "某公司", "enterprise_uscc": "911400001234567890"}, "enterprise_uscc"),
        ({"enterprise_uscc": valid_uscc(424242)}, "enterprise_name"),
        ({"industry_code": "XYZ"}, "industry_code"),
        ({"construction_content": "建" * 32_768}, "construction_content"),
        ({"construction_content": "\U00020000" * 16_384}, "construction_content"),  # 32,768 UTF-16 units
        ({"name": "吕梁建龙优特钢基地(二期)项目"}, None),
    ],
)
def test_bad_project_input_is_refused_by_field_and_writes_nothing(editor_client, wenshui, changes, field):
    before = (Project.objects.count(), AuditRecord.objects.count())

    response = editor_client.post(CREATE, project_data(wenshui, **changes))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors if field else errors
    assert (Project.objects.count(), AuditRecord.objects.count()) == before


CODE_TAKEN = "该项目代码已登记在另一个项目下。如确是本项目的代码，请联系省级业务管理员。"


def test_a_code_held_out_of_scope_gets_the_answer_of_any_code_conflict_and_names_nothing(
    editor_client, wenshui, xiaoyi, project
):
    """Issue 20, C1: the answer does not tell a code held in another zone from one held in one's own, nor name it."""
    elsewhere = Project.objects.filter(zone=xiaoyi).first()
    Project.objects.filter(pk=elsewhere.pk).update(code="2024-141181-30-03-000777")
    Project.objects.filter(pk=project.pk).update(code="2024-141121-30-03-000777")
    before = (Project.objects.count(), AuditRecord.objects.count())

    out_of_scope = editor_client.post(CREATE, project_data(wenshui, code="2024-141181-30-03-000777"))
    in_scope = editor_client.post(CREATE, project_data(wenshui, code="2024-141121-30-03-000777"))

    assert out_of_scope.context["form"].errors == in_scope.context["form"].errors == {"code": [CODE_TAKEN]}
    page = out_of_scope.content.decode()
    assert elsewhere.name not in page
    assert "孝义" not in page
    assert (Project.objects.count(), AuditRecord.objects.count()) == before


def test_linking_an_enterprise_by_its_code_keeps_the_name_typed_not_another_zone_s(
    editor_client, wenshui, xiaoyi, xiaoyi_editor
):
    """Issue 20, C2: the enterprise is shared by its USCC, but the name shown is the one this zone entered."""
    theirs = enterprise_resolve(actor=xiaoyi_editor, name="孝义内部备注：对接中的某公司", uscc=valid_uscc(202020))
    services.project_create(
        actor=xiaoyi_editor,
        zone=xiaoyi,
        name="孝义的项目",
        total_investment=Decimal("1.00"),
        enterprise=theirs,
        enterprise_name=theirs.name,
    )

    response = editor_client.post(
        CREATE,
        project_data(wenshui, enterprise_name="文水录入的建设单位", enterprise_uscc=valid_uscc(202020)),
        follow=True,
    )

    project = Project.objects.get(name="新建视图项目")
    assert project.enterprise == theirs  # one enterprise per code
    page = response.content.decode()
    assert "文水录入的建设单位" in page
    assert "孝义内部备注" not in page
    for shown in (editor_client.get(LEDGER), editor_client.get(reverse("projects:project_edit", args=[project.pk]))):
        assert "文水录入的建设单位" in shown.content.decode()
        assert "孝义内部备注" not in shown.content.decode()


def test_an_editor_may_not_add_a_project_to_another_zone(editor_client, xiaoyi):
    response = editor_client.post(CREATE, project_data(xiaoyi))

    assert "zone" in response.context["form"].errors
    assert not Project.objects.filter(name="新建视图项目").exists()


def test_a_viewer_may_not_add_or_edit(viewer_client, wenshui, project):
    assert viewer_client.get(CREATE).status_code == 403
    assert viewer_client.post(CREATE, project_data(wenshui)).status_code == 403
    edit = reverse("projects:project_edit", args=[project.pk])
    assert viewer_client.post(edit, project_data(wenshui, name="改名", version=1)).status_code == 403
    project.refresh_from_db()
    assert project.name == "视图测试项目"


def test_an_edit_saves_the_facts(editor_client, wenshui, project):
    edit = reverse("projects:project_edit", args=[project.pk])

    response = editor_client.post(edit, project_data(wenshui, name="改名后的项目", version=project.version))

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.version) == ("改名后的项目", 2)


def test_an_edit_that_lost_a_race_shows_the_differences_and_keeps_the_input(
    editor_client, wenshui, project, wenshui_editor
):
    edit = reverse("projects:project_edit", args=[project.pk])
    loaded_version = project.version
    services.project_update(
        actor=wenshui_editor, project=project, expected_version=loaded_version, leader_in_charge="李四"
    )

    response = editor_client.post(
        edit, project_data(wenshui, name="我的改名", leader_in_charge="张三", version=loaded_version)
    )

    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.name, project.leader_in_charge) == ("视图测试项目", "李四")
    conflict = {str(label): (saved, yours) for label, saved, yours in response.context["conflict"]}
    assert conflict[str(Project._meta.get_field("leader_in_charge").verbose_name)] == ("李四", "张三")
    assert conflict[str(Project._meta.get_field("name").verbose_name)] == ("视图测试项目", "我的改名")
    form = response.context["form"]
    assert (form["name"].value(), form["leader_in_charge"].value()) == ("我的改名", "张三")
    assert int(form["version"].value()) == project.version

    resubmitted = editor_client.post(
        edit, project_data(wenshui, name="我的改名", leader_in_charge="张三", version=project.version)
    )

    assert resubmitted.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.leader_in_charge) == ("我的改名", "张三")


def test_the_header_search_finds_a_project_by_its_enterprise_s_uscc_within_the_user_s_scope(client, wenshui):
    enterprise = EnterpriseFactory()
    own = ProjectFactory(zone=wenshui, enterprise=enterprise)
    elsewhere = ProjectFactory(zone=Zone.objects.exclude(pk=wenshui.pk).first(), enterprise=enterprise)
    editor = log_in(client, User.objects.get(username="wenshui-editor"))

    page = editor.get(LEDGER, {"q": f" {enterprise.uscc} "})

    assert listed(page) == {own.name}
    assert elsewhere.name not in page.content.decode()
    header = editor.get(reverse("reports:warnings")).content.decode()
    assert 'data-testid="site-search"' in header
    assert f'action="{LEDGER}"' in header


def test_the_header_search_is_only_for_users_who_read_the_ledger(client, make_user):
    sysadmin = log_in(client, make_user("province", Role.SYSADMIN))

    assert 'data-testid="site-search"' not in sysadmin.get(reverse("accounts:user_list")).content.decode()
