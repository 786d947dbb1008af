"""The weekly dispatch pack (周调度): the week's stage changes, problems raised / solved / overdue with their owners
and days overdue, 签约未开工 past the thresholds, milestones due in the next two weeks, the monthly reports still
missing; a page, a workbook and a document printing on A4 from the same parts, a fixed number of queries."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.problems.conftest import BEIJING
from tests.security.sessions import log_in
from zoneledger.problems import services
from zoneledger.problems.choices import Step

pytestmark = pytest.mark.django_db

WEEKLY = reverse("reports:weekly")


def test_the_pack_lists_the_week_s_problems(client, raise_problem, user):
    editor = user("wenshui-editor")
    solved = raise_problem(title="本周解决的问题", raised_at=datetime(2025, 10, 13, 9, tzinfo=BEIJING))
    for step, note in [(Step.PLAN, ""), (Step.REPLY, "方案"), (Step.SOLVE, "已解决")]:
        solved = services.problem_act(
            actor=editor, problem=solved, step=step, note=note, at=datetime(2025, 10, 15, 9, tzinfo=BEIJING)
        )
    late = raise_problem(title="逾期的问题")  # raised 2025-09-30, solve due 2025-10-16
    log_in(client, user("lvliang-reviewer"))

    page = client.get(WEEKLY, {"week": "2025-10-15"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "2025-10-13" in text
    assert "2025-10-19" in text
    raised_part = text.split('data-testid="raised"')[1].split('data-testid="solved"')[0]
    solved_part = text.split('data-testid="solved"')[1].split('data-testid="overdue"')[0]
    overdue_part = text.split('data-testid="overdue"')[1]
    assert solved.title in raised_part
    assert solved.title in solved_part
    assert late.title in overdue_part
    assert late.title not in raised_part


def test_the_pack_is_a_workbook_that_prints_on_a4_with_its_header_repeated(client, raise_problem, user):
    raise_problem()
    log_in(client, user("province-viewer"))

    response = client.get(reverse("reports:weekly_xlsx"), {"week": "2025-10-20"})

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 7
    for sheet in workbook.worksheets:
        assert sheet.page_setup.paperSize == 9
        assert sheet.print_title_rows == "$1:$1"
        assert "2025-10-20" in sheet.oddHeader.left.text or "2025-10-20" in sheet.oddHeader.center.text
    overdue = workbook.worksheets[3]
    assert overdue.cell(2, 1).value == "用地指标未落实"


def test_the_pack_keeps_a_fixed_number_of_queries(client, raise_problem, user):
    log_in(client, user("province-viewer"))
    raise_problem()
    client.get(WEEKLY, {"week": "2025-10-20"})
    with CaptureQueriesContext(connection) as few:
        client.get(WEEKLY, {"week": "2025-10-20"})
    for number in range(8):
        raise_problem(title=f"问题{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(WEEKLY, {"week": "2025-10-20"})
    assert len(many) == len(few)


def test_the_week_s_three_problem_lists_are_those_of_their_own_filters(raise_problem, user):
    from datetime import time, timedelta

    from django.utils import timezone

    from zoneledger.accounts.scope import user_scope
    from zoneledger.problems.filters import overdue_q
    from zoneledger.problems.models import Problem
    from zoneledger.problems.selectors import week_problems

    editor = user("wenshui-editor")
    for day in range(9, 22, 2):  # raised before, in and after the week of 13 October; some solved in it
        problem = raise_problem(title=f"问题{day}", raised_at=datetime(2025, 10, day, 9, tzinfo=BEIJING))
        if day % 4 == 1:
            for step, note in [(Step.PLAN, ""), (Step.REPLY, "方案"), (Step.SOLVE, "已解决")]:
                at = datetime(2025, 10, day + 3, 9, tzinfo=BEIJING)
                problem = services.problem_act(actor=editor, problem=problem, step=step, note=note, at=at)
    viewer = user("lvliang-viewer")
    start, end = date(2025, 10, 13), date(2025, 10, 19)
    where = user_scope(viewer).q("zone__", province="province_id")

    week = week_problems(user=viewer, where=where, start=start, end=end, today=date(2025, 10, 17))

    first = timezone.make_aware(datetime.combine(start, time.min))
    after = first + timedelta(days=7)
    mine = Problem.objects.visible_to(viewer).filter(where)
    raised = mine.filter(raised_at__gte=first, raised_at__lt=after).order_by("raised_at", "pk")
    solved = mine.filter(solved_at__gte=first, solved_at__lt=after).order_by("solved_at", "pk")
    overdue = mine.filter(overdue_q(date(2025, 10, 17))).order_by("solve_due", "pk")
    assert [problem.pk for problem in week.raised] == [problem.pk for problem in raised] != []
    assert [problem.pk for problem in week.solved] == [problem.pk for problem in solved] != []
    assert [late.problem.pk for late in week.overdue] == [problem.pk for problem in overdue]
    assert week.as_of == date(2025, 10, 17)


# The pack (selectors, no page): the week's stage changes; 签约未开工; the milestones due; the late reports (a month
# with a draft then reads its versions, monthly rows and photos: 3 more); the week's problems (raised, solved and
# overdue in one query).
PACK_QUERIES = 5


def test_the_pack_reads_a_pinned_number_of_queries(raise_problem, user):
    from zoneledger.accounts.scope import user_scope
    from zoneledger.reports.weekly import weekly_pack

    for number in range(5):
        raise_problem(title=f"问题{number}")
    viewer = user("province-viewer")
    scope = user_scope(viewer)

    with CaptureQueriesContext(connection) as queries:
        pack = weekly_pack(user=viewer, scope=scope, day=date(2025, 10, 20), today=date(2025, 10, 22))

    assert len(pack.problems.overdue) >= 5
    assert len(queries) == PACK_QUERIES, [query["sql"][:100] for query in queries]


def test_a_scope_beyond_the_user_s_is_not_found(client, user):
    log_in(client, user("wenshui-viewer"))
    assert client.get(WEEKLY, {"scope": "province"}).status_code == 404


def test_a_task_force_s_pack(client, raise_problem, problem_project, user):
    reviewer = user("lvliang-reviewer")
    task_force = services.task_force_save(
        actor=reviewer, name="新材料专班", lead=reviewer, members=[], projects=[problem_project]
    )
    problem = raise_problem()
    log_in(client, reviewer)
    page = client.get(WEEKLY, {"week": "2025-10-20", "task_force": task_force.pk}).content.decode()
    assert "新材料专班" in page
    assert problem.title in page


@pytest.mark.office
def test_the_printed_pack_is_a4_with_its_title_week_and_header_row_on_every_page(raise_problem, user, tmp_path):
    import re
    import subprocess

    from django.utils import translation

    from zoneledger.accounts.scope import user_scope
    from zoneledger.core.office import convert_to_pdf
    from zoneledger.reports.exports import write_weekly_pack_xlsx
    from zoneledger.reports.weekly import weekly_pack

    for number in range(60):  # enough overdue problems for a second page
        raise_problem(title=f"逾期问题{number:02d}")
    viewer = user("province-viewer")
    with translation.override("zh-hans"):
        pack = weekly_pack(user=viewer, scope=user_scope(viewer), day=datetime(2025, 10, 20).date())
        write_weekly_pack_xlsx(pack, tmp_path / "weekly.xlsx")
        [pdf] = convert_to_pdf([tmp_path / "weekly.xlsx"], outdir=tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]]
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    sizes = {
        tuple(round(float(side)) for side in size) for size in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    }
    assert sizes <= {(842, 595), (595, 842)}
    overdue = [page for page in pages if "逾期问题" in page]
    assert len(overdue) >= 2
    for page in pages:
        assert "周调度" in page
        assert "2025-10-20" in page
        assert "打印日期" in page
    for page in overdue:
        assert "超期天数" in page  # the overdue sheet's header row, its last columns too


def test_the_pack_as_a_word_document(client, raise_problem, user):
    from docx import Document

    problem = raise_problem()
    log_in(client, user("province-viewer"))

    response = client.get(reverse("reports:weekly_docx"), {"week": "2025-10-20"})

    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert problem.title in cells


def _part(text, testid):
    return text.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def test_the_pack_lists_the_milestones_due_in_the_next_two_weeks(client, problem_project, user):
    from zoneledger.milestones import services as milestone_services

    editor = user("wenshui-editor")

    def add(title, planned_on):
        return milestone_services.milestone_create(
            actor=editor, project=problem_project, title=title, planned_on=planned_on, owner="自然资源局"
        )

    late = add("逾期的节点", date(2025, 10, 10))  # before the week, not done: overdue
    this_week = add("本周的节点", date(2025, 10, 22))
    next_week = add("下周的节点", date(2025, 11, 2))  # the last day of the next week
    add("两周以后的节点", date(2025, 11, 3))
    done = add("已完成的节点", date(2025, 10, 21))
    milestone_services.milestone_complete(actor=editor, milestone=done, done_on=date(2025, 10, 20))
    log_in(client, user("lvliang-viewer"))

    text = client.get(WEEKLY, {"week": "2025-10-20"}).content.decode()

    part = _part(text, "milestones")
    assert "2025-11-02" in part
    for milestone in (late, this_week, next_week):
        assert f'data-testid="milestone-{milestone.pk}"' in part
    assert "两周以后的节点" not in part
    assert "已完成的节点" not in part
    assert part.index("逾期的节点") < part.index("本周的节点")  # the overdue first, in words
    assert 'data-light="red"' in part


def test_the_pack_lists_the_reports_missing_for_the_last_month_due(client, problem_project, user):
    from zoneledger.progress import selectors as progress_selectors
    from zoneledger.progress import services as progress_services

    viewer = user("lvliang-viewer")
    # 2025-10-20: September's reports were due on 5 October, October's are not due yet.
    missing = progress_selectors.late_reports(user=viewer, month=date(2025, 9, 1), today=date(2025, 10, 20))
    assert missing, "the demo must have a project that did not report September 2025"
    log_in(client, viewer)

    text = client.get(WEEKLY, {"week": "2025-10-20"}).content.decode()

    part = _part(text, "missing-reports")
    assert "2025-09" in part
    for row in missing:
        assert f'data-testid="missing-{row.project.pk}"' in part
    reporter = missing[0].project
    progress_services.progress_submit(
        actor=user("province-editor"), project=reporter, month=date(2025, 9, 1), amount=Decimal("12.5")
    )
    part = _part(client.get(WEEKLY, {"week": "2025-10-20"}).content.decode(), "missing-reports")
    assert f'data-testid="missing-{reporter.pk}"' not in part


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2025, 10, 5), date(2025, 8, 1)),
        (date(2025, 10, 6), date(2025, 9, 1)),
        (date(2025, 1, 3), date(2024, 11, 1)),
    ],
)
def test_the_month_whose_missing_reports_the_pack_lists(day, month):
    from zoneledger.progress.selectors import last_due_month

    assert last_due_month(day) == month


def test_the_workbook_and_the_document_print_the_same_parts(client, problem_project, raise_problem, user):
    from docx import Document

    from zoneledger.milestones import services as milestone_services

    milestone_services.milestone_create(
        actor=user("wenshui-editor"), project=problem_project, title="本周的节点", planned_on=date(2025, 10, 22)
    )
    raise_problem()
    log_in(client, user("province-viewer"))

    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:weekly_xlsx"), {"week": "2025-10-20"}).content))
    document = Document(io.BytesIO(client.get(reverse("reports:weekly_docx"), {"week": "2025-10-20"}).content))

    headings = [p.text for p in document.paragraphs if p.style.name == "Bulletin Heading"]
    assert [name.split(" ", 1)[0] for name in workbook.sheetnames] == [h.split(".", 1)[0] for h in headings]
    assert "本周的节点" in [row[1] for row in workbook.worksheets[5].iter_rows(min_row=2, values_only=True)]
    tables = {tuple(cell.text for cell in table.rows[0].cells): table for table in document.tables}
    for sheet in workbook.worksheets:
        header = tuple(cell.value for cell in sheet[1])
        if sheet.max_row > 1 and sheet.cell(2, 2).value:
            assert header in tables  # the same columns, in the same order
