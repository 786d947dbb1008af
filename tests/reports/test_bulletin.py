"""The round bulletin workbook: its layout as a provincial office prints it, and LibreOffice's rendering of it."""

import re
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from tests.factories import make_org_user
from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import user_scope_in
from zoneledger.reports.bulletin import write_bulletin_xlsx
from zoneledger.reports.figures import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin(tmp_path, django_assert_num_queries):
    """The province's bulletin of round 2023-4 as of the end of 2024, written in Chinese."""
    viewer = make_org_user("province", Role.VIEWER)
    path = tmp_path / "bulletin-2023-4.xlsx"
    scope = user_scope_in(viewer, "province")
    with translation.override("zh-hans"), django_assert_num_queries(6):
        write_bulletin_xlsx(
            user=viewer, scope=scope, period=Period.for_round("2023-4"), as_of=date(2024, 12, 31), file=path
        )
    return path


def test_the_bulletin_has_title_unit_two_level_headers_cities_with_zones_total_and_note(bulletin):
    sheet = openpyxl.load_workbook(bulletin).active
    assert sheet["A1"].value == "山西省开发区2023年第4次“三个一批”项目进展情况"
    assert sheet["A2"].value == "截至2024年12月31日"
    assert sheet["G2"].value == "单位：个、亿元"
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A1:K1", "A3:A4", "B3:D3", "E3:H3", "I3:K3"} <= merged
    assert [sheet.cell(3, column).value for column in (2, 5, 9)] == ["签约一批", "开工一批", "投产一批"]
    assert [sheet.cell(4, column).value for column in (2, 3, 5, 6, 9, 10)] == ["项目数", "总投资"] * 3

    labels = [sheet.cell(row, 1).value for row in range(5, sheet.max_row + 1)]
    total_row = 5 + labels.index("合计")
    assert [sheet.cell(total_row, column).value for column in (2, 3, 5, 9)] == [233, 789.65, 225, 225]
    assert "四舍五入" in sheet.cell(total_row + 1, 1).value
    city_rows = [row for row in range(5, total_row) if sheet.cell(row, 1).font.b]
    assert len(city_rows) == 11
    assert sum(sheet.cell(row, 2).value for row in city_rows) == 233
    lvliang = labels.index("吕梁市")
    assert "文水经济开发区" in labels[lvliang : total_row - 5]
    assert "太原中北高新技术产业开发区" in labels[labels.index("太原市") : labels.index("大同市")]


def test_the_bulletin_is_set_up_to_print_as_wide_as_a_landscape_a4_page(bulletin):
    sheet = openpyxl.load_workbook(bulletin).active
    assert sheet.freeze_panes == "B5"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (the file format's default, so not written) and as many tall as it takes.
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert "&D" in sheet.oddFooter.left.text  # the date printed
    assert sheet.print_area == f"'通报'!$A$1:$K${sheet.max_row}"
    assert sheet.print_title_rows == "$3:$4"


def test_libreoffice_renders_the_bulletin_on_landscape_a4_pages(bulletin, tmp_path):
    profile = tmp_path / "libreoffice-profile"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(bulletin),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "bulletin-2023-4.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page\b[^s]", pdf)
    width, height = (
        Decimal(value.decode()) for value in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups()
    )
    assert len(pages) == 2  # eleven cities and their zones, readable; the header rows repeat (test_printing.py)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
