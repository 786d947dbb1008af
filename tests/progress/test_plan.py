"""The annual plan: an exact spread, entered months, 序时进度, 完成率, 低于序时进度 and 未按时填报."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.progress.conftest import state_of_everything
from zoneledger.accounts.choices import Role
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.progress.models import AnnualPlan
from zoneledger.progress.selectors import late_reports, month_rows, plan_rows
from zoneledger.progress.services import plan_set, progress_approve, progress_save, progress_submit
from zoneledger.progress.workflow import (
    check_plan_months,
    completion_rate,
    is_behind,
    report_due,
    schedule_share,
    spread_evenly,
)

D = Decimal


def test_an_even_spread_is_exact():
    months = spread_evenly(D("100.00"))
    assert sum(months) == D("100.00")
    assert months[0] == D("8.33")
    assert months[-1] == D("8.34")
    assert spread_evenly(D("0")) == [D("0.00")] * 12


def test_entered_months_must_be_twelve_not_negative_and_add_up():
    check_plan_months(D("12"), [D(1)] * 12)
    for months in ([D(1)] * 11, [D(2)] + [D(1)] * 10 + [D(-1)], [D(1)] * 11 + [D(2)]):
        with pytest.raises(ValidationError):
            check_plan_months(D("12"), months)


def test_schedule_rate_and_warning():
    months = spread_evenly(D("1200"))
    assert schedule_share(months, 6) == D("600.00")
    assert completion_rate(D("450"), D("600")) == D("0.75")
    assert completion_rate(D("1"), D("0")) is None
    assert is_behind(D("0.75"), D("0.8"))
    assert not is_behind(D("0.8"), D("0.8"))
    assert not is_behind(None, D("0.8"))
    assert report_due(date(2025, 12, 1), due_day=5) == date(2026, 1, 5)


@pytest.mark.django_db
def test_plan_set_and_the_rows(project, editor, reviewer, make_user):
    plan = plan_set(actor=editor, project=project, year=2024, amount=D("1200"))
    assert (plan.monthly[0], plan.entered) == (D("100.00"), False)
    assert AuditRecord.objects.filter(action=Action.PLAN_SET, object_id=str(plan.pk)).count() == 1
    for month, amount in ((date(2024, 4, 1), "200"), (date(2024, 5, 1), "150")):
        progress_approve(
            actor=reviewer, version=progress_submit(actor=editor, project=project, month=month, amount=D(amount))
        )
    progress_submit(actor=editor, project=project, month=date(2024, 6, 1), amount=D("999"))  # not approved: not counted
    viewer = make_user("province", Role.VIEWER)
    row = next(row for row in plan_rows(user=viewer, year=2024, month=6) if row.project == project)
    assert (row.planned, row.approved, row.rate, row.behind) == (D("600.00"), D("350.00"), D("350") / D("600"), True)
    row = next(row for row in plan_rows(user=viewer, year=2024, month=4) if row.project == project)
    assert (row.planned, row.approved, row.behind) == (D("400.00"), D("200.00"), True)

    plan_set(actor=editor, project=project, year=2024, amount=D("1200"), months=[D(0)] * 3 + [D(200)] * 6 + [D(0)] * 3)
    row = next(row for row in plan_rows(user=viewer, year=2024, month=5) if row.project == project)
    assert (row.planned, row.behind) == (D("400.00"), False)


@pytest.mark.django_db
def test_a_bad_plan_changes_nothing(project, editor, make_user):
    viewer = make_user(project.zone, Role.VIEWER)
    before = (list(AnnualPlan.objects.values_list("pk", "amount")), state_of_everything())
    with pytest.raises(PermissionDenied):
        plan_set(actor=viewer, project=project, year=2024, amount=D("1"))
    for amount, months in ((D("-1"), None), (D("1.234"), None), (D("12"), [D(1)] * 11)):
        with pytest.raises(ValidationError):
            plan_set(actor=editor, project=project, year=2024, amount=amount, months=months)
    assert (list(AnnualPlan.objects.values_list("pk", "amount")), state_of_everything()) == before


@pytest.mark.django_db
def test_late_reports_after_the_due_day(project, editor, make_user):
    viewer = make_user("province", Role.VIEWER)
    june = date(2024, 6, 1)
    assert late_reports(user=viewer, month=june, today=date(2024, 7, 5)) == []
    late = late_reports(user=viewer, month=june, today=date(2024, 7, 6))
    assert project in [row.project for row in late]
    assert _states(late) == _late_among_month_rows(viewer, june)
    progress_save(actor=editor, project=project, month=june, amount=D("1"))  # a draft is still late
    late = late_reports(user=viewer, month=june, today=date(2024, 7, 6))
    assert (project, "draft", D("1")) in [(row.project, row.state, row.amount) for row in late]
    assert _states(late) == _late_among_month_rows(viewer, june)
    progress_submit(actor=editor, project=project, month=june, amount=D("1"))
    late = late_reports(user=viewer, month=june, today=date(2024, 7, 6))
    assert project not in [row.project for row in late]
    assert _states(late) == _late_among_month_rows(viewer, june)


def _states(rows):
    return [(row.project.pk, row.state) for row in rows]


def _late_among_month_rows(user, month):
    """Late as the month page's rows have it: every project that must report, those missing or in draft."""
    return _states(row for row in month_rows(user=user, month=month) if row.state in ("missing", "draft"))


@pytest.mark.django_db
def test_the_plan_pages_set_show_and_export(client, project, editor, reviewer):
    import io

    import openpyxl
    from django.urls import reverse

    from tests.security.sessions import log_in

    log_in(client, editor)
    url = reverse("progress:plan_edit", args=[project.pk, 2024])
    assert client.get(url).status_code == 200
    before = (list(AnnualPlan.objects.values_list("pk", "amount")), state_of_everything())
    for bad in (
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "12", "months": "1,2,3"},
        {"amount": "12", "months": "x"},
    ):
        response = client.post(url, bad)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert (list(AnnualPlan.objects.values_list("pk", "amount")), state_of_everything()) == before

    assert client.post(url, {"amount": "1200", "months": ""}).status_code == 302
    progress_approve(
        actor=reviewer, version=progress_submit(actor=editor, project=project, month=date(2024, 3, 1), amount=D("100"))
    )
    page = client.get(reverse("progress:plans"), {"year": "2024", "month": "3", "zone": project.zone_id})
    (row,) = page.context["rows"]
    assert (row.planned, row.approved, row.behind) == (D("300.00"), D("100.00"), True)
    download = client.get(reverse("progress:plan_export"), {"year": "2024", "month": "3", "zone": project.zone_id})
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert [cell.value for cell in sheet[2]][:5] == [project.name, project.zone.name, 1200, 300, 100]


@pytest.mark.django_db
def test_a_viewer_cannot_set_a_plan(client, project, make_user):
    from django.urls import reverse

    from tests.security.sessions import log_in

    log_in(client, make_user(project.zone, Role.VIEWER))
    assert client.post(reverse("progress:plan_edit", args=[project.pk, 2024]), {"amount": "1"}).status_code == 403
    assert not AnnualPlan.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_plans_page_shows_the_rate_at_one_decimal_rounded_half_up(client, project, editor, reviewer):
    from django.urls import reverse

    from tests.security.sessions import log_in

    plan_set(actor=editor, project=project, year=2024, amount=D("1200"))
    progress_approve(
        actor=reviewer, version=progress_submit(actor=editor, project=project, month=date(2024, 4, 1), amount=D("49"))
    )
    log_in(client, editor)
    page = client.get(reverse("progress:plans"), {"year": "2024", "month": "4", "zone": project.zone_id})
    (row,) = page.context["rows"]
    assert row.rate == D("0.1225")  # 49 of 400: 12.25 %, which half-to-even would show as 12.2
    assert "12.3%" in page.content.decode()
