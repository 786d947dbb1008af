"""The streaming .xlsx reader gives, cell for cell, what python-calamine gives for the same workbook.

Workbooks come from xlsxwriter, openpyxl and LibreOffice, and by hand for the shapes those don't write
(formulas, rich text, cells without references, a namespace prefix, the 1904 date system). Each is read both
ways and compared; blocks are made small so rows cross block boundaries.
"""

import shutil
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from zoneledger.ingest import xlsx
from zoneledger.ingest.xlsx import Damaged, XlsxBook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def streamed(path, name):
    """{(Excel row, column position): value} of the non-blank cells, read by the streaming reader."""
    with zipfile.ZipFile(path) as archive:
        book = XlsxBook(archive)
        return {
            (number, position): value
            for number, values in book.sheet(name).rows()
            for position, value in enumerate(values)
            if value not in (None, "")
        }


def calamine(path, name):
    """The same, read by python-calamine (whose columns start at the sheet's first used column)."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    first_column = sheet.start[1] if sheet.start else 0
    return {
        (number, first_column + position): value
        for number, values in enumerate(sheet.iter_rows(), start=1)
        for position, value in enumerate(values)
        if value != ""
    }


def assert_reads_as_calamine(path, name="S"):
    ours = streamed(path, name)
    assert ours == calamine(path, name)
    return ours


@pytest.fixture(params=[1 << 20, 97], ids=["one block", "rows across blocks"])
def block_bytes(request, monkeypatch):
    monkeypatch.setattr(xlsx, "BLOCK_BYTES", request.param)
    return request.param


def test_an_xlsxwriter_workbook_with_every_kind_of_cell(tmp_path, block_bytes):
    path = tmp_path / "kinds.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("S")
    formats = {
        code: book.add_format({"num_format": code})
        for code in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm", "hh:mm", '[$-804]yyyy"年"m"月"d"日"', "[Red]0.00", "[h]:mm")
    }
    sheet.write_string(0, 0, '文本 & <尖括号> "引号"')
    sheet.write_string(0, 1, "  前后空格  ")
    sheet.write_string(0, 2, "_x000D_ 不是回车")
    sheet.write_number(0, 3, 1234.5)
    sheet.write_number(0, 4, -0.1)
    sheet.write_boolean(0, 5, True)
    sheet.write_boolean(0, 6, False)
    sheet.write_datetime(1, 0, date(2024, 3, 15), formats["yyyy-mm-dd"])
    sheet.write_datetime(1, 1, datetime(2024, 3, 15, 8, 30), formats["yyyy-mm-dd hh:mm"])
    sheet.write_number(1, 2, 0.75, formats["hh:mm"])
    sheet.write_number(1, 3, 45000, formats['[$-804]yyyy"年"m"月"d"日"'])
    sheet.write_number(1, 4, 45000, formats["[Red]0.00"])
    sheet.write_number(1, 5, 1.5, formats["[h]:mm"])
    for column, serial in enumerate((1, 59, 60, 61, 45000.25)):
        sheet.write_number(2, column, serial, formats["yyyy-mm-dd"])
    for column, builtin in enumerate((14, 22, 27, 31, 46, 58, 4)):
        sheet.write_number(3, column, 45000, book.add_format({"num_format": builtin}))
    sheet.write_formula(4, 0, "=1+1", None, 2)
    sheet.write_formula(4, 1, '="a"&"b"', None, "ab")
    sheet.write_formula(4, 2, "=NA()", None, "#N/A")
    sheet.write_rich_string(4, 3, "粗", book.add_format({"bold": True}), "体", "字")
    sheet.write_blank(4, 4, None, formats["yyyy-mm-dd"])
    sheet.write_string(6, 9, "远处的一格")
    for row in range(7, 60):
        sheet.write_string(row, 0, f"第{row}行")
        sheet.write_number(row, 2, row / 7)
    book.close()
    cells = assert_reads_as_calamine(path)
    assert cells[(1, 0)] == '文本 & <尖括号> "引号"'
    assert cells[(2, 0)] == date(2024, 3, 15)
    assert cells[(3, 2)] == date(1900, 2, 28)
    assert (5, 2) not in cells  # an error (#N/A) holds no value
    assert cells[(7, 9)] == "远处的一格"


def test_an_openpyxl_workbook(tmp_path, block_bytes):
    path = tmp_path / "openpyxl.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["项目名称", "总投资（万元）", "签约日期", "备注"])
    for n in range(40):
        sheet.append([f"项目{n}", 1000 + n / 4, date(2024, 1, 1 + n % 28), None if n % 3 else "重点"])
    sheet["E5"] = "=B2*2"
    book.save(path)
    assert_reads_as_calamine(path)


def test_a_workbook_saved_by_libreoffice(tmp_path, block_bytes):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["项目名称", "金额", "日期", "公式"])
    for n in range(30):
        sheet.append([f"项目 & {n}", n * 1.25, date(2023, 12, 1 + n), f"=B{n + 2}*2"])
    source = tmp_path / "source.xlsx"
    book.save(source)
    # LibreOffice writes its own .xlsx: shared strings, its own styles, the formulas' values worked out.
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice Calc is needed here (./run test installs it)"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    out = tmp_path / "out"
    subprocess.run(
        [libreoffice, "--headless", profile, "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    cells = assert_reads_as_calamine(out / "source.xlsx")
    assert cells[(3, 0)] == "项目 & 1"
    assert cells[(3, 2)] == date(2023, 12, 2)
    assert cells[(3, 3)] == 2.5


def handmade(path, rows_xml, *, shared=(), styles="", date1904=False, prefix=""):
    """A minimal .xlsx whose sheet XML is written by hand; `prefix` puts the main namespace under a prefix."""
    p = f"{prefix}:" if prefix else ""
    namespace = f'xmlns{":" + prefix if prefix else ""}="{MAIN_NS}"'
    workbook_pr = f'<{p}workbookPr date1904="1"/>' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<{p}workbook {namespace} xmlns:r="{REL_NS}">{workbook_pr}'
            f'<{p}sheets><{p}sheet name="S" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {namespace} xmlns:r="{REL_NS}">'
            f'<{p}dimension ref="A1:D9"/><{p}sheetData>{rows_xml}</{p}sheetData></{p}worksheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN_NS}">{"".join(shared)}</sst>',
        "xl/styles.xml": styles
        or (
            f'<styleSheet xmlns="{MAIN_NS}"><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
            '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


SHAPES_THE_FAST_PATH_LEAVES_TO_THE_PARSER = {
    "formula": '<row r="1"><c r="A1" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>',
    "rich text": (
        '<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r></is></c></row>'
    ),
    "attributes in another order": (
        '<row r="1"><c t="s" s="1" r="A1"><v>0</v></c><c s="1" r="B1"><v>45000</v></c></row>'
    ),
    "cells without references": '<row><c t="s"><v>0</v></c><c/><c><v>7</v></c></row><row><c t="b"><v>1</v></c></row>',
    "an extra attribute": '<row r="2"><c r="C2" s="2" cm="1"><v>45292</v></c></row>',
    "phonetic guide": '<row r="1"><c r="A1" t="s"><v>1</v></c></row>',
}


@pytest.mark.parametrize("shape", SHAPES_THE_FAST_PATH_LEAVES_TO_THE_PARSER)
def test_cells_in_other_shapes_read_as_calamine_reads_them(tmp_path, shape, block_bytes):
    shared = ["<si><t>甲 &amp; 乙</t></si>", "<si><r><t>山</t></r><r><t>西</t></r><rPh><t>shān xī</t></rPh></si>"]
    rows = SHAPES_THE_FAST_PATH_LEAVES_TO_THE_PARSER[shape]
    cells = assert_reads_as_calamine(handmade(tmp_path / "shape.xlsx", rows, shared=shared))
    assert cells


def test_a_block_in_the_usual_shape_and_one_not_are_read_alike(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "BLOCK_BYTES", 64)
    usual = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}"><v>{n}.5</v></c></row>' for n in range(1, 9)
    )
    other = '<row r="9"><c r="A9" t="str"><f>A1</f><v>甲 &amp; 乙</v></c><c r="B9" s="1"><v>45000</v></c></row>'
    path = handmade(tmp_path / "mixed.xlsx", usual + other, shared=["<si><t>甲 &amp; 乙</t></si>"])
    cells = assert_reads_as_calamine(path)
    assert cells[(9, 0)] == "甲 & 乙"
    assert cells[(9, 1)] == date(2023, 3, 15)


def test_a_namespace_prefix(tmp_path, block_bytes):
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c>'
        '<x:c r="B1" s="2"><x:v>45000</x:v></x:c></x:row>'
    )
    cells = assert_reads_as_calamine(handmade(tmp_path / "prefix.xlsx", rows, prefix="x"))
    assert cells == {(1, 0): "前缀", (1, 1): date(2023, 3, 15)}


def test_the_1904_date_system(tmp_path):
    rows = (
        '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43538</v></c><c r="C1" s="1"><v>100.5</v></c></row>'
    )
    cells = assert_reads_as_calamine(handmade(tmp_path / "mac.xlsx", rows, date1904=True))
    assert cells[(1, 1)] == date(2023, 3, 15)


def test_a_sheet_that_is_not_well_formed_part_of_the_way_is_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "BLOCK_BYTES", 64)
    good = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 20))
    path = handmade(tmp_path / "broken.xlsx", good + '<row r="20"><c r="A20"><v>1</x></c></row>')
    with zipfile.ZipFile(path) as archive:
        rows = XlsxBook(archive).sheet("S").rows()
        assert next(rows) == (1, [1.0])
        with pytest.raises(Damaged):
            list(rows)


def test_a_shared_string_index_past_the_list_is_damaged(tmp_path):
    path = handmade(
        tmp_path / "index.xlsx", '<row r="1"><c r="A1" t="s"><v>5</v></c></row>', shared=["<si><t>一</t></si>"]
    )
    with zipfile.ZipFile(path) as archive, pytest.raises(Damaged):
        list(XlsxBook(archive).sheet("S").rows())


def test_the_sheet_states_its_height_before_its_rows(tmp_path):
    path = tmp_path / "tall.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("S")
    for row in range(1234):
        sheet.write_number(row, 1, row)
    book.close()
    with zipfile.ZipFile(path) as archive:
        assert XlsxBook(archive).sheet("S").total_height == 1234
