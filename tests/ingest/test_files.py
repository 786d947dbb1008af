"""Files refused as a whole, each with its own message; and real .xls and .ods files made by LibreOffice."""

import io
import os
import shutil
import subprocess
import uuid
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from tests.ingest.conftest import project_row, write_workbook
from zoneledger.ingest.importer import import_workbook
from zoneledger.ingest.reader import OLE2_MAGIC
from zoneledger.projects.models import MonthlyProgress, Project

pytestmark = pytest.mark.django_db


def refusal(data, user):
    result = import_workbook(file=data, user=user, language="en")
    assert [(error.sheet, error.row, error.column) for error in result.errors] == [("", None, "")]
    return result.errors[0].message


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_file_over_the_size_limit(settings, wenshui_editor, unchanged_ledger):
    settings.ZONELEDGER_IMPORT_MAX_BYTES = 1024 * 1024
    assert "larger than 1 MB" in refusal(b"PK\x03\x04" + b"\0" * (1024 * 1024), wenshui_editor)


def test_a_zip_with_too_many_entries(wenshui_editor, unchanged_ledger):
    bomb = zipped([("xl/workbook.xml", "")] + [(f"xl/part{n}.xml", "") for n in range(1200)])
    assert "too many parts" in refusal(bomb, wenshui_editor)


def test_a_zip_that_would_unpack_past_the_limit_is_refused_before_unpacking(settings, wenshui_editor, unchanged_ledger):
    settings.ZONELEDGER_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = zipped([("xl/workbook.xml", ""), ("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))])
    assert len(bomb) < 64 * 1024
    assert "unpack to more than 1 MB" in refusal(bomb, wenshui_editor)


def test_a_workbook_encrypted_with_a_password_is_refused_as_such(tmp_path, wenshui_editor, unchanged_ledger):
    # Office's encryption, as Excel and WPS write it: a compound file holding EncryptionInfo and EncryptedPackage.
    plain = write_workbook(tmp_path / "plain.xlsx", [project_row("加密项目")])
    protected = io.BytesIO()
    with plain.open("rb") as source:
        OOXMLFile(source).encrypt("Secret-2024", protected)
    assert protected.getvalue().startswith(OLE2_MAGIC)
    assert "protected by a password" in refusal(protected.getvalue(), wenshui_editor)


def test_an_xls_whose_cell_spells_the_encryption_stream_is_read(tmp_path, wenshui_editor):
    source = write_workbook(tmp_path / "named.xlsx", [project_row("加密说明项目", 建设内容="EncryptionInfo说明")])
    result = import_workbook(file=libreoffice_convert(source, "xls"), user=wenshui_editor, language="en")
    assert result.errors == []
    assert Project.objects.get(name="加密说明项目").construction_content == "EncryptionInfo说明"


def ods(rows_xml):
    """An .ods whose one sheet, 项目台账, holds the given table rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="项目台账">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    return zipped([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content)])


TEXT_CELL = '<table:table-cell office:value-type="string"><text:p>某</text:p></table:table-cell>'


@pytest.mark.parametrize(
    "rows_xml",
    [
        '<table:table-row table:number-rows-repeated="200000">'
        '<table:table-cell table:number-columns-repeated="50" office:value-type="float" office:value="1"/>'
        "</table:table-row>",
        f"<table:table-row>{TEXT_CELL}</table:table-row>"
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="999"/>{TEXT_CELL}</table:table-row>',
    ],
    ids=["repeated cells", "two cells far apart"],
)
def test_an_ods_whose_repeats_span_millions_of_cells_is_refused_before_it_is_read(
    rows_xml, settings, wenshui_editor, unchanged_ledger
):
    settings.ZONELEDGER_IMPORT_MAX_CELLS = 6_000_000
    bomb = ods(rows_xml)
    assert len(bomb) < 2048
    assert "would span more than 6,000,000 cells" in refusal(bomb, wenshui_editor)


def test_a_truncated_workbook_is_damaged(tmp_path, wenshui_editor):
    data = write_workbook(tmp_path / "whole.xlsx", [project_row("截断项目")]).read_bytes()
    assert "damaged" in refusal(data[: len(data) // 2], wenshui_editor)


def test_a_zip_with_a_broken_workbook_inside_is_damaged(wenshui_editor):
    assert "damaged" in refusal(zipped([("xl/workbook.xml", "<not xml")]), wenshui_editor)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n", "项目名称,开发区\n".encode(), zipped([("word/document.xml", "<w:document/>")]), b""],
    ids=["pdf", "csv", "docx", "empty"],
)
def test_a_file_that_is_not_a_spreadsheet(data, wenshui_editor):
    assert "not a spreadsheet" in refusal(data, wenshui_editor)


# -- real .xls and .ods, converted by LibreOffice from a workbook holding every format variant --------------

VARIANTS = [
    project_row(
        "格式一项目",
        签约日期=date(2024, 3, 28),
        签约批次="2024-1",
        开工日期="2024-06-27",
        开工批次="2024年第2次",
    ),
    project_row(
        "格式二项目",
        **{"总投资（万元）": "12,345.67"},
        签约日期="2024/3/28",
        签约批次="2024年第一次",
        开工日期="2024年6月27日",
    ),
]
MONTHS = [
    {"项目名称": "格式一项目", "开发区": "文水经济开发区", "月份": date(2024, 7, 1), "完成投资（万元）": 250.5},
    {"项目名称": "格式一项目", "开发区": "文水经济开发区", "月份": "2024-08", "完成投资（万元）": "1,000"},
    {"项目名称": "格式二项目", "开发区": "文水经济开发区", "月份": "2024年9月", "完成投资（万元）": 3},
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The variants as .xlsx (xlsxwriter) and as .xls and .ods (LibreOffice --convert-to)."""
    folder = tmp_path_factory.mktemp("variants")
    source = write_workbook(folder / "variants.xlsx", VARIANTS, MONTHS)
    return {"xlsx": source} | {suffix: libreoffice_convert(source, suffix) for suffix in ("xls", "ods")}


def libreoffice_convert(source, suffix):
    """The workbook converted by LibreOffice to `suffix`, beside it."""
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice Calc is needed for the .xls and .ods tests (./run test installs it)"
    profile = f"-env:UserInstallation=file:///tmp/zoneledger-lo-{uuid.uuid4().hex}"
    subprocess.run(
        [libreoffice, "--headless", profile, "--convert-to", suffix, "--outdir", str(source.parent), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env=os.environ | {"HOME": str(source.parent)},
    )
    return source.with_suffix(f".{suffix}")


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_every_format_variant_reads_the_same_from_xlsx_xls_and_ods(converted, suffix, wenshui_editor):
    result = import_workbook(file=converted[suffix], user=wenshui_editor)
    assert result.errors == []
    first, second = Project.objects.get(name="格式一项目"), Project.objects.get(name="格式二项目")
    assert second.total_investment == Decimal("12345.67")
    for project in (first, second):
        events = project.events.values_list("stage", "happened_on", "round__year", "round__sequence")
        assert list(events)[:1] == [("signed", date(2024, 3, 28), 2024, 1)]
        assert project.events.get(stage="started").happened_on == date(2024, 6, 27)
    assert first.events.get(stage="started").round.label == "2024-2"
    months = MonthlyProgress.objects.filter(project__in=[first, second]).order_by("month")
    assert list(months.values_list("month", "completed_investment")) == [
        (date(2024, 7, 1), Decimal("250.50")),
        (date(2024, 8, 1), Decimal("1000.00")),
        (date(2024, 9, 1), Decimal("3.00")),
    ]
