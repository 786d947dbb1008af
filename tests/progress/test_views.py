"""The monthly report's pages: fill a month, review the queue, read a project's reports; bad input changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.progress.conftest import state_of_everything
from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.services import progress_approve, progress_submit

pytestmark = pytest.mark.django_db
JUNE = date(2024, 6, 1)


def edit_url(project, month=JUNE):
    return reverse("progress:report_edit", args=[project.pk, month.year, month.month])


def test_the_zone_month_lists_projects_under_construction(client, project, editor):
    log_in(client, editor)
    page = client.get(reverse("progress:month"), {"month": "2024-06"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(row.project, row.state) for row in rows] == [(project, "missing")]
    before_start = client.get(reverse("progress:month"), {"month": "2024-02"})
    assert before_start.context["rows"] == []


def test_the_zone_month_shows_the_month_s_plan_and_last_month_beside_the_entry(client, project, editor):
    from zoneledger.progress.services import plan_set

    plan_set(actor=editor, project=project, year=2024, amount=Decimal("1200"))
    progress_submit(actor=editor, project=project, month=date(2024, 5, 1), amount=Decimal("95.50"))
    log_in(client, editor)
    page = client.get(reverse("progress:month"), {"month": "2024-06"})
    [row] = page.context["rows"]
    assert (row.planned, row.last, row.amount) == (Decimal("100.00"), Decimal("95.50"), None)
    html = page.content.decode()
    assert "100.00" in html
    assert "95.50" in html


def test_the_project_s_year_month_by_month_with_plan_cumulative_and_rate(client, project, editor, reviewer):
    from zoneledger.progress.services import plan_set

    plan_set(actor=editor, project=project, year=2024, amount=Decimal("1200"))
    progress_approve(
        actor=reviewer, version=progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("250"))
    )
    progress_submit(actor=editor, project=project, month=date(2024, 7, 1), amount=Decimal("80"))
    log_in(client, editor)
    page = client.get(reverse("progress:project_reports", args=[project.pk]), {"year": "2024"})
    months = page.context["year_months"]
    june, july = months[5], months[6]
    assert (june.planned, june.planned_to_date, june.amount, june.approved_to_date) == (
        Decimal("100.00"),
        Decimal("600.00"),
        Decimal("250.00"),
        Decimal("250.00"),
    )
    assert june.rate_text == "41.7%"  # 250 / 600, half up at one decimal
    assert (july.amount, july.status, july.approved_to_date) == (Decimal("80.00"), "submitted", Decimal("250.00"))
    assert "41.7%" in page.content.decode()


def test_an_editor_fills_and_submits_a_month(client, project, editor):
    log_in(client, editor)
    assert client.get(edit_url(project)).status_code == 200
    response = client.post(
        edit_url(project), {"amount": "123.45", "physical_progress": "主体封顶", "note": "", "action": "submit"}
    )
    assert response.status_code == 302
    version = ReportVersion.objects.get(project=project, month=JUNE)
    assert (version.state, version.amount, version.physical_progress) == (
        ReportState.SUBMITTED,
        Decimal("123.45"),
        "主体封顶",
    )


def test_a_draft_is_kept_unsubmitted(client, project, editor):
    log_in(client, editor)
    client.post(edit_url(project), {"amount": "1", "action": "save"})
    assert ReportVersion.objects.get(project=project, month=JUNE).state == ReportState.DRAFT


@pytest.mark.parametrize(
    ("month", "form"),
    [
        (JUNE, {"amount": "-1", "action": "submit"}),
        (JUNE, {"amount": "1.234", "action": "submit"}),
        (JUNE, {"amount": "abc", "action": "submit"}),
        (JUNE, {"amount": "", "action": "submit"}),
        (JUNE, {"amount": "1", "action": "delete"}),
        (JUNE, {"amount": "1", "physical_progress": "长" * 2001, "action": "submit"}),
        (date(2024, 1, 1), {"amount": "1", "action": "submit"}),  # before the project started
        (date(2099, 1, 1), {"amount": "1", "action": "submit"}),  # in the future
    ],
)
def test_bad_data_on_the_form_changes_nothing(client, project, editor, month, form):
    log_in(client, editor)
    before = state_of_everything()
    response = client.post(edit_url(project, month), form)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert state_of_everything() == before


def test_a_viewer_cannot_fill_a_month(client, project, make_user):
    log_in(client, make_user(project.zone, Role.VIEWER))
    before = state_of_everything()
    assert client.post(edit_url(project), {"amount": "1", "action": "submit"}).status_code == 403
    assert state_of_everything() == before


def test_an_impossible_month_is_not_found(client, project, editor):
    log_in(client, editor)
    assert client.get(reverse("progress:report_edit", args=[project.pk, 2024, 13])).status_code == 404


def test_the_reviewer_approves_and_returns_from_the_queue(client, zone, project, editor, reviewer):
    from tests.factories import ProjectFactory

    other = ProjectFactory(zone=zone)
    first = progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("10"))
    second = progress_submit(actor=editor, project=other, month=JUNE, amount=Decimal("20"))
    log_in(client, reviewer)
    page = client.get(reverse("progress:queue"), {"zone": zone.pk})
    assert list(page.context["page"]) == [first, second]

    before = state_of_everything()
    refused = client.post(reverse("progress:queue"), {"versions": [second.pk], "action": "return", "reason": " "})
    assert refused.context["form"].errors
    assert state_of_everything() == before

    client.post(reverse("progress:queue"), {"versions": [second.pk], "action": "return", "reason": "缺少形象进度照片"})
    client.post(reverse("progress:queue"), {"versions": [first.pk], "action": "approve"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.return_reason) == (
        ReportState.APPROVED,
        ReportState.RETURNED,
        "缺少形象进度照片",
    )

    log_in(client, editor)
    form = client.get(edit_url(other))
    assert "缺少形象进度照片" in form.content.decode()


def test_approving_twice_or_ones_own_from_the_queue_changes_nothing(client, project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("10"))
    progress_approve(actor=reviewer, version=version)
    own = progress_submit(actor=reviewer, project=project, month=date(2024, 7, 1), amount=Decimal("1"))
    log_in(client, reviewer)
    before = state_of_everything()
    for chosen in (version, own):
        response = client.post(reverse("progress:queue"), {"versions": [chosen.pk], "action": "approve"})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert state_of_everything() == before


def test_non_reviewers_have_no_queue(client, editor):
    log_in(client, editor)
    assert client.get(reverse("progress:queue")).status_code == 403


def test_the_project_page_shows_the_history(client, project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("10"))
    progress_approve(actor=reviewer, version=version)
    log_in(client, editor)
    page = client.get(reverse("progress:project_reports", args=[project.pk]))
    assert [step.to_state for step in page.context["transitions"]] == ["approved", "submitted"]
    assert (
        reverse("progress:project_reports", args=[project.pk])
        in client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    )


def test_query_counts_do_not_grow_with_rows(client, zone, editor, reviewer, django_assert_max_num_queries):
    from tests.factories import ProjectFactory
    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import StageEvent

    def add(count):
        for _ in range(count):
            project = ProjectFactory(zone=zone)
            StageEvent.objects.create(project=project, stage=Stage.STARTED, happened_on=date(2024, 1, 5))
            progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("1"))

    log_in(client, reviewer)
    counts = []
    for size in (2, 12):
        add(size)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as month_page:
            client.get(reverse("progress:month"), {"month": "2024-06", "zone": zone.pk})
        with CaptureQueriesContext(connection) as queue_page:
            client.get(reverse("progress:queue"), {"zone": zone.pk})
        counts.append((len(month_page), len(queue_page)))
    assert counts[0] == counts[1]


def test_the_queue_comes_a_page_at_a_time_keeping_its_filters(client, zone, editor, reviewer):
    from tests.factories import ProjectFactory
    from zoneledger.progress.services import MonthEntry, progress_submit_bulk
    from zoneledger.progress.views import QUEUE_PAGE_SIZE
    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import StageEvent

    projects = ProjectFactory.create_batch(QUEUE_PAGE_SIZE + 3, zone=zone)
    StageEvent.objects.bulk_create(
        StageEvent(project=project, province_id=project.province_id, stage=Stage.STARTED, happened_on=date(2024, 1, 5))
        for project in projects
    )
    progress_submit_bulk(actor=editor, entries=[MonthEntry(project, JUNE, Decimal("1")) for project in projects])
    log_in(client, reviewer)
    filters = {"zone": zone.pk, "month": "2024-06"}

    first = client.get(reverse("progress:queue"), filters)
    assert len(first.context["page"]) == QUEUE_PAGE_SIZE
    html = first.content.decode()
    assert first.context["page"].paginator.count == QUEUE_PAGE_SIZE + 3
    assert f"{QUEUE_PAGE_SIZE + 3}" in html  # the count said is the queue's, not the page's
    assert f"?zone={zone.pk}&amp;month=2024-06&amp;page=2" in html  # the next page keeps the filters

    second = client.get(reverse("progress:queue"), {**filters, "page": 2})
    assert len(second.context["page"]) == 3
    assert not {v.pk for v in first.context["page"]} & {v.pk for v in second.context["page"]}

    # Approving from the second page comes back to the queue with its filters; a page past the end shows the last.
    chosen = [version.pk for version in second.context["page"]]
    response = client.post(
        f"{reverse('progress:queue')}?zone={zone.pk}&month=2024-06&page=2", {"versions": chosen, "action": "approve"}
    )
    assert response.status_code == 302
    assert response.url.endswith(f"?zone={zone.pk}&month=2024-06&page=2")
    after = client.get(response.url)
    assert after.context["page"].number == 1
    assert ReportVersion.objects.filter(pk__in=chosen, state=ReportState.APPROVED).count() == 3


def test_the_header_s_to_review_count_is_the_reviewer_s_own_queue_loaded_after_the_page(
    client, project, editor, reviewer, user
):
    def waiting(page):
        html = page.content.decode()
        return int(html.split('data-testid="review-count">')[1].split("<")[0]) if "review-count" in html else 0

    log_in(client, reviewer)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert f'hx-get="{reverse("progress:queue_badge")}"' in dashboard  # loaded after the page, beside the link
    assert f'href="{reverse("progress:queue")}"' in dashboard
    before = waiting(client.get(reverse("progress:queue_badge")))
    assert before == client.get(reverse("progress:queue")).context["page"].paginator.count

    progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("10"))
    assert waiting(client.get(reverse("progress:queue_badge"))) == before + 1

    log_in(client, user("hebei-reviewer"))  # another province's reviewer: not theirs to count
    assert waiting(client.get(reverse("progress:queue_badge"))) == 0

    log_in(client, editor)
    assert reverse("progress:queue_badge") not in client.get(reverse("reports:dashboard")).content.decode()
    assert client.get(reverse("progress:queue_badge")).status_code == 403


# -- the zone's month entered in place ---------------------------------------------------------------------------


@pytest.fixture
def second(zone):
    from tests.factories import ProjectFactory
    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import StageEvent

    project = ProjectFactory(zone=zone)
    StageEvent.objects.create(project=project, stage=Stage.STARTED, happened_on=date(2024, 2, 1))
    return project


def post_all(client, month=JUNE, zone=None, pairs=(), htmx=True):
    data = {"month": f"{month:%Y-%m}"} | ({"zone": zone.pk} if zone else {})
    for project, (amount, physical) in pairs:
        data[f"p{project.pk}-amount"] = amount
        data[f"p{project.pk}-physical_progress"] = physical
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("progress:month_submit"), data, headers=headers)


def row_url(project, month=JUNE):
    return reverse("progress:month_row", args=[project.pk, month.year, month.month])


def test_the_month_page_holds_each_row_s_inputs_and_submit_all_for_an_editor(client, zone, project, editor):
    log_in(client, editor)
    html = client.get(reverse("progress:month"), {"month": "2024-06", "zone": zone.pk}).content.decode()
    assert f'name="p{project.pk}-amount"' in html
    assert f'name="p{project.pk}-physical_progress"' in html
    assert f'hx-post="{row_url(project)}"' in html
    assert 'data-testid="submit-all"' in html
    assert reverse("progress:report_edit", args=[project.pk, 2024, 6]) in html  # photos stay on the month's form


def test_a_row_is_saved_as_a_draft_then_submitted_in_place(client, zone, project, editor):
    log_in(client, editor)
    headers = {"HX-Request": "true"}
    data = {"month": "2024-06", f"p{project.pk}-amount": "88.80", f"p{project.pk}-physical_progress": "基础施工"}
    saved = client.post(row_url(project), data | {"action": "save"}, headers=headers)
    html = saved.content.decode()
    assert saved.status_code == 200
    assert html.lstrip().startswith("<tr")  # the row alone, swapped in place
    assert 'data-state="draft"' in html
    assert 'role="status">已存为草稿。<' in html
    version = ReportVersion.objects.get(project=project, month=JUNE)
    assert (version.state, version.amount, version.physical_progress) == ("draft", Decimal("88.80"), "基础施工")

    submitted = client.post(row_url(project), data | {"action": "submit"}, headers=headers)
    assert 'data-state="submitted"' in submitted.content.decode()
    assert "已提交审核。" in submitted.content.decode()
    version.refresh_from_db()
    assert version.state == ReportState.SUBMITTED


def test_a_row_keeps_the_note_given_on_the_month_s_own_form(client, project, editor):
    progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("5"), note="设备款已付")
    log_in(client, editor)
    data = {
        "month": "2024-06",
        f"p{project.pk}-amount": "6",
        f"p{project.pk}-physical_progress": "",
        "action": "submit",
    }
    client.post(row_url(project), data, headers={"HX-Request": "true"})
    version = ReportVersion.objects.get(project=project, month=JUNE)
    assert (version.amount, version.note) == (Decimal("6.00"), "设备款已付")


def test_a_bad_row_shows_its_error_in_place_and_changes_nothing(client, project, editor):
    log_in(client, editor)
    before = state_of_everything()
    data = {
        "month": "2024-06",
        f"p{project.pk}-amount": "-1",
        f"p{project.pk}-physical_progress": "",
        "action": "submit",
    }
    response = client.post(row_url(project), data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "has-error" in html
    assert "确保该值大于或等于0" in html  # the user's language (zh by default)
    assert state_of_everything() == before


def test_submit_all_submits_every_filled_row_at_once(client, zone, project, second, editor):
    from zoneledger.progress.services import progress_save

    progress_save(actor=editor, project=second, month=JUNE, amount=Decimal("20"), physical_progress="草稿")
    log_in(client, editor)
    response = post_all(client, zone=zone, pairs=[(project, ("10.50", "主体封顶")), (second, ("20", "草稿"))])
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('progress:month')}?month=2024-06&zone={zone.pk}"
    versions = {v.project_id: v for v in ReportVersion.objects.filter(month=JUNE, project__in=[project, second])}
    assert {pk: (v.state, v.amount) for pk, v in versions.items()} == {
        project.pk: (ReportState.SUBMITTED, Decimal("10.50")),
        second.pk: (ReportState.SUBMITTED, Decimal("20.00")),
    }
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "已报送：2个；未变动：0个。" in page


def test_submit_all_skips_the_rows_left_empty(client, zone, project, second, editor):
    log_in(client, editor)
    post_all(client, zone=zone, pairs=[(project, ("10", "")), (second, ("", ""))])
    assert ReportVersion.objects.filter(project=project, month=JUNE, state=ReportState.SUBMITTED).exists()
    assert not ReportVersion.objects.filter(project=second).exists()


@pytest.mark.parametrize(
    ("amount", "physical", "language", "message"),
    [
        ("abc", "", "zh-hans", "输入一个数字。"),
        ("1.234", "", "en", "Ensure that there are no more than 2 decimal places."),
        ("-5", "", "en", "Ensure this value is greater than or equal to 0."),
        ("", "只写了形象进度", "zh-hans", "请填写本月完成投资。"),
        ("1", "长" * 2001, "en", "Ensure this value has at most 2000 characters"),
    ],
)
def test_submit_all_with_a_bad_row_submits_nothing_and_the_row_says_why(
    client, zone, project, second, editor, amount, physical, language, message
):
    log_in(client, editor)
    client.cookies["django_language"] = language
    before = state_of_everything()
    response = post_all(client, zone=zone, pairs=[(project, ("10", "好的一行")), (second, (amount, physical))])
    assert response.status_code == 200
    assert state_of_everything() == before
    [bad] = [entry for entry in response.context["entries"] if entry.form is not None and entry.form.errors]
    assert bad.row.project == second
    html = response.content.decode()
    assert message in html
    assert "好的一行</textarea>" in html  # what the person typed in the good row stays


def test_submit_all_refused_by_the_rules_shows_the_row_and_submits_nothing(client, zone, project, second, editor):
    # A month still to come has rows (both have started), but no report may be given for it yet.
    from django.utils import timezone

    today = timezone.localdate()
    future = date(today.year + 1, 1, 1)
    log_in(client, editor)
    before = state_of_everything()
    response = post_all(client, month=future, zone=zone, pairs=[(project, ("1", "")), (second, ("2", ""))])
    assert response.status_code == 200
    assert state_of_everything() == before
    assert "月份不能晚于当前月份。" in response.content.decode()
    assert all(entry.form.errors for entry in response.context["entries"] if entry.row.project in (project, second))


def test_a_project_outside_the_editor_s_zone_is_not_found_and_nothing_changes(client, zone, project, editor):
    from tests.factories import ProjectFactory, ZoneFactory
    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import StageEvent

    elsewhere = ProjectFactory(zone=ZoneFactory())
    StageEvent.objects.create(project=elsewhere, stage=Stage.STARTED, happened_on=date(2024, 1, 5))
    log_in(client, editor)
    before = state_of_everything()
    assert post_all(client, pairs=[(project, ("1", "")), (elsewhere, ("2", ""))]).status_code == 404
    data = {"month": "2024-06", f"p{elsewhere.pk}-amount": "2", "action": "submit"}
    assert client.post(row_url(elsewhere), data).status_code == 404
    assert state_of_everything() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_a_user_who_does_not_report_cannot_submit_and_sees_no_inputs(client, zone, project, make_user, role):
    log_in(client, make_user(zone if role == Role.VIEWER else "province", role))
    html = client.get(reverse("progress:month"), {"month": "2024-06"}).content.decode()
    assert f"p{project.pk}-amount" not in html
    assert "submit-all" not in html
    before = state_of_everything()
    assert post_all(client, pairs=[(project, ("1", ""))]).status_code == 403
    data = {"month": "2024-06", f"p{project.pk}-amount": "1", "action": "submit"}
    assert client.post(row_url(project), data).status_code in (403, 404)
    assert state_of_everything() == before


def test_without_scripts_a_row_s_button_posts_the_page_and_comes_back_to_it(client, zone, project, editor):
    log_in(client, editor)
    data = {
        "month": "2024-06",
        "zone": zone.pk,
        f"p{project.pk}-amount": "7",
        f"p{project.pk}-physical_progress": "",
        "action": "submit",
    }
    response = client.post(row_url(project), data)
    assert response.status_code == 302
    assert response.url == f"{reverse('progress:month')}?month=2024-06&zone={zone.pk}"
    assert ReportVersion.objects.get(project=project, month=JUNE).state == ReportState.SUBMITTED
