"""The bulletin as a document (通报): its words and numbers are the figures command's, its PDF is A4 pages as printed,
and a PDF without LibreOffice is a clear message, never a traceback."""

import io
import json
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.core import office

ROUND_2023_4 = {"province": "140000", "year": 2023, "sequence": 4}
pytestmark = pytest.mark.django_db

ROUND = ("--scope", "province", "--round", "2023-4", "--as-of", "2024-12-31")
FAMILIES = ("signed", "started", "commissioned")


def figures(*args):
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("figures", *args, stdout=out)
    return out.getvalue()


def yi(wan):
    return str((Decimal(wan) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def one_decimal(percent):
    return str(Decimal(percent).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bulletin_cells(batch):
    """The ten figure cells of the bulletin table's row for `batch`, from the command's JSON."""
    signed, started, commissioned = (batch[family] for family in FAMILIES)
    return [
        str(signed["count"]),
        yi(signed["investment_wan"]),
        one_decimal(signed["start_rate"]),
        str(started["count"]),
        yi(started["investment_wan"]),
        yi(started["completed_wan"]),
        one_decimal(started["commission_rate"]),
        str(commissioned["count"]),
        yi(commissioned["investment_wan"]),
        one_decimal(commissioned["capacity_rate"]),
    ]


@pytest.fixture
def round_docx(tmp_path):
    path = tmp_path / "bulletin-2023-4.docx"
    figures(*ROUND, "--format", "docx", "--output", str(path))
    return docx.Document(path)


def test_the_docx_table_holds_the_figures_commands_numbers_for_the_total_and_each_city(round_docx):
    document = json.loads(figures(*ROUND, "--by", "city"))
    table = round_docx.tables[0]
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows[2:]}
    assert rows["合计"] == bulletin_cells(document)
    for city in document["breakdown"]["rows"]:
        assert rows[city["name"]] == bulletin_cells(city), city["name"]
    assert "文水经济开发区" in rows  # zones beneath their cities, as the page shows


def test_the_docx_says_the_years_and_the_rounds_sentences_under_a_title_with_its_dates(round_docx):
    text = "\n".join(paragraph.text for paragraph in round_docx.paragraphs)
    assert round_docx.paragraphs[0].text == "关于山西省开发区2023年第4次\n“三个一批”项目进展情况的通报"  # two lines
    assert "截至2024年12月31日" in text
    for sentence in figures(*ROUND, "--format", "text").splitlines():
        assert sentence in text
    year = figures("--scope", "province", "--year", "2023", "--as-of", "2024-12-31", "--format", "text")
    for sentence in year.splitlines():
        assert sentence in text
    assert "四舍五入" in text  # the rounding note
    assert text.rstrip().endswith(date_format(timezone.localdate(), "DATE_FORMAT"))  # the 发文 date, last


def test_the_docx_is_an_a4_page_with_gb9704_margins_cjk_fonts_and_a_chart(round_docx):
    section = round_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(margin.mm) for margin in margins] == [37, 35, 28, 26]
    fonts = round_docx.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Noto Serif CJK SC"
    assert len(round_docx.inline_shapes) == 1
    assert "PAGE" in section.footer._element.xml  # the page number field


@pytest.mark.office
def test_the_pdf_is_three_a4_pages_with_the_numbers_and_page_numbers(tmp_path):
    path = tmp_path / "bulletin.pdf"
    figures(*ROUND, "--format", "pdf", "--output", str(path))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    total = json.loads(figures(*ROUND))
    total_line = next(line for line in text.splitlines() if line.strip().startswith("合计"))
    assert total_line.split()[1:] == bulletin_cells(total)
    assert re.findall(r"—\s*(\d)\s*—", text) == ["1", "2", "3"]
    assert "三个一批" in text  # the CJK font is embedded, not boxes


def test_without_libreoffice_the_pdf_is_a_clear_error_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    path = tmp_path / "bulletin.pdf"
    with pytest.raises(CommandError, match="LibreOffice"):
        figures(*ROUND, "--format", "pdf", "--output", str(path))
    assert not path.exists()


def test_a_document_needs_an_output_file():
    with pytest.raises(CommandError, match="--output"):
        figures(*ROUND, "--format", "docx")


def test_the_round_page_downloads_the_docx_for_the_users_scope_audited(client):
    log_in(client, User.objects.get(username="lvliang-reviewer"))
    page = client.get(reverse("reports:round_bulletin", kwargs=ROUND_2023_4))
    url = reverse("reports:round_bulletin_document", kwargs=ROUND_2023_4 | {"kind": "docx"})
    assert url in page.content.decode()
    response = client.get(url, {"as_of": "2024-12-31"})
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    table = docx.Document(io.BytesIO(response.content)).tables[0]
    names = [row.cells[0].text for row in table.rows[2:]]
    assert "文水经济开发区" in names
    assert "太原市" not in names  # Lüliang's reviewer sees Lüliang's zones only
    record = AuditRecord.objects.filter(action="export").latest("pk")
    assert record.after["what"] == "bulletin 2023-4 (docx)"
    assert record.after["filters"] == {"scope": "吕梁市", "as_of": "2024-12-31"}


def test_the_year_summary_downloads_the_docx_of_the_scope_and_year_it_shows(client):
    log_in(client, User.objects.get(username="province-admin"))
    query = {"scope": "141100", "year": 2024, "as_of": "2024-12-31"}
    page = client.get(reverse("reports:year_summary"), query)
    assert "scope=141100&amp;year=2024&amp;as_of=2024-12-31" in page.content.decode()
    response = client.get(reverse("reports:year_summary_document", kwargs={"kind": "docx"}), query)
    document = docx.Document(io.BytesIO(response.content))
    expected = json.loads(figures("--scope", "141100", "--year", "2024", "--as-of", "2024-12-31"))
    total = next(row for row in document.tables[0].rows if row.cells[0].text == "合计")
    assert [cell.text for cell in total.cells[1:]] == bulletin_cells(expected)


def test_a_pdf_without_libreoffice_goes_back_to_the_page_with_a_message_and_is_not_audited(client, monkeypatch):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    log_in(client, User.objects.get(username="province-admin"))
    exports = AuditRecord.objects.filter(action="export").count()
    url = reverse("reports:round_bulletin_document", kwargs=ROUND_2023_4 | {"kind": "pdf"})
    response = client.get(url, {"as_of": "2024-12-31"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/rounds/140000/2023-4/?as_of=2024-12-31")
    assert "LibreOffice" in response.content.decode()
    assert AuditRecord.objects.filter(action="export").count() == exports


def test_an_unknown_document_kind_is_not_found(client):
    log_in(client, User.objects.get(username="province-admin"))
    assert client.get("/rounds/2023-4/bulletin.odt").status_code == 404
