"""Every sheet a user downloads prints: LibreOffice turns each workbook into a PDF (in one start, for speed) and each
page is A4, carries the sheet's header row (so the header repeats) with its last column too (so no column is cut
off: the sheet fits the page's width), and says its title and page number."""

import re
import subprocess
from datetime import date

import pytest
from django.utils import translation

from tests.factories import make_org_user
from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import user_scope_in
from zoneledger.core.office import convert_to_pdf
from zoneledger.ingest.columns import GUIDE_SHEET, LEDGER_COLUMNS, LEDGER_SHEET, MONTHLY_COLUMNS, MONTHLY_SHEET
from zoneledger.ingest.writer import write_ledger_xlsx, write_template_xlsx
from zoneledger.projects.models import Project
from zoneledger.reports.bulletin import write_bulletin_xlsx
from zoneledger.reports.exports import write_warnings_xlsx
from zoneledger.reports.figures import Period, signed_not_started

pytestmark = [pytest.mark.django_db, pytest.mark.office]

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def printed(tmp_path_factory, django_db_setup, django_db_blocker):
    """{name: the pages' text} of the warnings, the bulletin, a city's ledger export and the template, as printed."""
    folder = tmp_path_factory.mktemp("printed")
    with django_db_blocker.unblock(), translation.override("zh-hans"):
        viewer = make_org_user("province", Role.VIEWER)
        province, lvliang = user_scope_in(viewer, "province"), user_scope_in(viewer, "141100")
        warnings = signed_not_started(user=viewer, scope=lvliang, as_of=AS_OF)  # a hundred rows
        write_warnings_xlsx(warnings, folder / "warnings.xlsx", scope_name=lvliang.name, as_of=AS_OF)
        write_bulletin_xlsx(
            user=viewer, scope=province, period=Period.for_round("2023-4"), as_of=AS_OF, file=folder / "bulletin.xlsx"
        )
        # Projects without monthly rows: hundreds of ledger rows, and a monthly sheet of one page, converted quickly.
        ledger = Project.objects.visible_to(viewer).filter(progress__isnull=True).order_by("pk")
        write_ledger_xlsx(projects_queryset=ledger, file=folder / "ledger.xlsx", scope_name=province.name)
        write_template_xlsx(file=folder / "template.xlsx")
        viewer.delete()
        names = ["warnings", "bulletin", "ledger", "template"]
        pdfs = convert_to_pdf([folder / f"{name}.xlsx" for name in names], outdir=folder)
    return {name: _pages(pdf) for name, pdf in zip(names, pdfs, strict=True)} | {
        f"{name} sizes": _sizes(pdf) for name, pdf in zip(names, pdfs, strict=True)
    }


def _pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _sizes(pdf):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    return re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)


def _squeezed(text):
    return re.sub(r"\s+", "", text)


def _a4(sizes, *, landscape):
    expected = (842, 595) if landscape else (595, 842)
    return [(round(float(width)), round(float(height))) for width, height in sizes] == [expected] * len(sizes)


def test_the_warnings_print_on_landscape_a4_pages_each_with_the_whole_header_row_title_and_page_number(printed):
    pages = printed["warnings"]
    assert len(pages) >= 2  # enough rows to need a second page
    assert _a4(printed["warnings sizes"], landscape=True)
    for number, page in enumerate(pages, start=1):
        text = _squeezed(page)
        assert "项目开发区市总投资（万元）签约日期签约天数级别" in text  # the whole header row, its last column too
        assert "签约未开工" in text
        assert "吕梁市" in text
        assert "截至2025年6月30日" in text
        assert f"第{number}页，共{len(pages)}页" in text
        assert "打印日期" in text


def test_the_bulletin_workbook_prints_as_wide_as_a_landscape_a4_page_its_headers_on_every_page(printed):
    pages = printed["bulletin"]
    assert _a4(printed["bulletin sizes"], landscape=True)
    for page in pages:
        text = _squeezed(page)
        assert "地区/开发区" in text
        assert "达产率(%)" in text
    assert "合计" in _squeezed(pages[-1])


def test_the_ledger_export_prints_every_page_with_its_sheets_header_row_and_last_column(printed):
    pages = printed["ledger"]
    assert len(pages) >= 3
    assert _a4(printed["ledger sizes"], landscape=True)
    first_and_last = {
        LEDGER_SHEET: (LEDGER_COLUMNS[0].header, LEDGER_COLUMNS[-1].header),
        MONTHLY_SHEET: (MONTHLY_COLUMNS[0].header, MONTHLY_COLUMNS[-1].header),
    }
    sheets = []
    for page in pages:
        text = _squeezed(page)
        sheet = next(name for name in first_and_last if name in text)  # the title in the page header
        sheets.append(sheet)
        assert all(heading in text for heading in first_and_last[sheet]), sheet
        assert "山西省" in text
        assert "万元" in text
    assert sheets.count(LEDGER_SHEET) >= 2
    assert sheets.count(MONTHLY_SHEET) == 1


def test_the_template_prints_its_guide_on_a4_without_the_drop_downs_lists(printed):
    pages = printed["template"]
    assert _a4(printed["template sizes"], landscape=True)
    guide = [_squeezed(page) for page in pages if GUIDE_SHEET in _squeezed(page)]
    assert len(guide) >= 1
    assert all("列名工作表必填格式说明" in page for page in guide)  # its whole header row on each page
    assert "吕梁市" not in "".join(guide)  # the zones' list for the drop-downs is not printed
