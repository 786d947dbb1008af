"""Hostile workbooks, small on disk, that would make the reader hold gigabytes or take minutes (issue 20, A2–A4):
each is refused with a clear message as soon as reading shows it, in memory that stays small (measured in a
process of its own), and a damaged part is the same one message on the page and at the command."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.ingest.conftest import project_row, write_workbook
from zoneledger.ingest import xlsx
from zoneledger.ingest.importer import import_workbook

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = (  # the ledger's required columns, so that the rows below are read
    '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c><c r="B1" t="inlineStr"><is><t>开发区</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>总投资（万元）</t></is></c></row>'
)


def workbook(sheet_rows, *, shared=None, head="", tail=""):
    """An .xlsx with one sheet 项目台账 holding `sheet_rows` (its <row> elements) and shared strings if given."""
    parts = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="项目台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}">'.encode())
            for piece in _pieces(head):
                sheet.write(piece)
            sheet.write(b"<sheetData>")
            for piece in _pieces(sheet_rows):
                sheet.write(piece)
            sheet.write(b"</sheetData>")
            for piece in _pieces(tail):
                sheet.write(piece)
            sheet.write(b"</worksheet>")
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w") as strings:
                strings.write(f'<sst xmlns="{MAIN}">'.encode())
                for piece in _pieces(shared):
                    strings.write(piece)
                strings.write(b"</sst>")
    return buffer.getvalue()


def _pieces(content):
    """Bytes to write: a string, or an iterable of strings (written one by one, never held whole)."""
    if isinstance(content, str):
        yield content.encode()
    else:
        for piece in content:
            yield piece.encode()


def repeated(text, times):
    return (text for _ in range(times))


def refusal(data, user):
    result = import_workbook(file=data, user=user, language="en")
    assert len(result.errors) == 1, result.errors[:3]
    return result.errors[0].message


def test_shared_strings_larger_than_their_budget_are_refused_before_they_are_unpacked(wenshui_editor):
    data = workbook(HEADER, shared=repeated("<si><t>" + "长" * 300 + "</t></si>", 80_000))  # 72 MB unpacked
    assert len(data) < 1024 * 1024

    assert "shared texts would take more than 64 MB" in refusal(data, wenshui_editor)


def test_more_shared_strings_than_the_budget_are_refused(settings, wenshui_editor):
    settings.ZONELEDGER_IMPORT_MAX_SHARED_STRINGS = 1000
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'  # the header needs them
    data = workbook(rows, shared=(f"<si><t>项目{n}</t></si>" for n in range(1001)))

    assert "more than 1,000 different texts" in refusal(data, wenshui_editor)


def test_a_shared_string_longer_than_a_cell_holds_is_refused(wenshui_editor):  # read when a cell needs one
    rows = HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    data = workbook(rows, shared="<si><t>" + "长" * 40_000 + "</t></si>")

    assert "longer than 32,767 characters" in refusal(data, wenshui_editor)


def test_a_cell_longer_than_a_cell_holds_is_refused_with_its_row(wenshui_editor):
    rows = HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c></row>"

    message = refusal(workbook(rows), wenshui_editor)

    assert message.startswith("项目台账 · row 2:")
    assert "longer than 32,767 characters" in message


def test_a_row_of_one_giant_cell_is_refused_where_it_is_found(wenshui_editor):
    giant = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "A" * (20 * 1024 * 1024) + "</t></is></c></row>"

    message = refusal(workbook(HEADER + giant), wenshui_editor)

    assert message == "项目台账 · row 2 holds more than 16 MB: a row that large is not a ledger row."


def test_a_sheet_without_rows_is_refused_after_reading_its_head_only(wenshui_editor, monkeypatch):
    data = workbook("", head=repeated("<sheetPr/>" * 1000, 10_000))  # 100 MB of XML before any row
    read = []
    real_open = zipfile.ZipFile.open

    def counting_open(archive, name, *args, **kwargs):
        stream = real_open(archive, name, *args, **kwargs)
        real_read = stream.read
        stream.read = lambda size=-1: read.append(len(chunk := real_read(size))) or chunk
        return stream

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)

    message = refusal(data, wenshui_editor)

    assert message == "The sheet 项目台账 holds more than 16 MB before its first row; it is not a ledger sheet."
    assert sum(read) < 20 * 1024 * 1024  # what the budget allows, and a block: not the 100 MB


def test_cells_scattered_far_to_the_right_are_refused(wenshui_editor):
    rows = HEADER + "".join(f'<row r="{n}"><c r="XFD{n}" s="1"/></row>' for n in range(2, 400))

    assert "far to the right of the ledger's columns" in refusal(workbook(rows), wenshui_editor)


def test_more_cells_than_the_budget_are_refused(settings, wenshui_editor):
    settings.ZONELEDGER_IMPORT_MAX_CELLS = 1000
    rows = HEADER + "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>1</v></c></row>' for n in range(2, 600)
    )

    assert "more than 1,000 cells" in refusal(workbook(rows), wenshui_editor)


def test_what_follows_the_rows_is_not_read(tmp_path, wenshui_editor):
    path = write_workbook(tmp_path / "ledger.xlsx", [project_row("尾部很长的项目")])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet].replace(b"</sheetData>", b"</sheetData>" + b"<x>" * 0 + b"<extLst/>" * 5_000_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)

    result = import_workbook(file=path, user=wenshui_editor, dry_run=True)

    assert result.errors == []
    assert result.count("created", "项目台账") == 1


# -- memory, measured in a process of its own --------------------------------------------------------------------
READ_AND_MEASURE = """
import django, json, resource, sys
django.setup()
from zoneledger.ingest.reader import SheetReader, Unreadable, open_workbook
from zoneledger.ingest.columns import LEDGER_COLUMNS
message = None
try:
    with open_workbook(sys.argv[1]) as book:
        for _row in SheetReader(book.sheet(book.sheet_names[0]), LEDGER_COLUMNS).rows():
            pass
except Unreadable as refused:
    message = str(refused)
print(json.dumps({"message": message, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def read_in_a_process(path):
    finished = subprocess.run(
        [sys.executable, "-c", READ_AND_MEASURE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "zoneledger.settings", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(
            lambda: workbook(HEADER, shared=repeated("<si><t>" + "长" * 300 + "</t></si>", 80_000)), id="shared"
        ),
        pytest.param(
            lambda: workbook(
                HEADER
                + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                + "A" * (300 * 1024 * 1024)
                + "</t></is></c></row>"
            ),
            id="giant-cell",
        ),
        pytest.param(
            lambda: workbook(HEADER + "".join(f'<row r="{n}"><c r="XFD{n}" s="1"/></row>' for n in range(2, 60_000))),
            id="far-right",
        ),
    ],
)
def test_a_hostile_workbook_is_refused_in_little_memory(tmp_path, hostile):
    baseline = tmp_path / "small.xlsx"
    write_workbook(baseline, [project_row("小项目")])
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile())

    small, refused = read_in_a_process(baseline), read_in_a_process(path)

    assert small["message"] is None
    assert refused["message"]
    assert refused["peak_mb"] < small["peak_mb"] + 100, (small, refused)


# -- damaged parts: one message, on the page and at the command ---------------------------------------------------
def damaged(tmp_path, part, *, rows=3):
    """A real workbook whose `part` (a prefix of the member's name) has its compressed bytes broken."""
    path = write_workbook(tmp_path / "ledger.xlsx", [project_row(f"损坏项目{n}") for n in range(rows)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = next(info for info in archive.infolist() if info.filename.startswith(part))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + info.compress_size - 2):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


DAMAGED = "The file is damaged: it cannot be opened as a workbook."


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml"])
@pytest.mark.parametrize("in_a_child", [False, True])
def test_a_damaged_part_is_one_clear_message_at_the_command(tmp_path, monkeypatch, part, in_a_child, unchanged_ledger):
    if in_a_child:
        monkeypatch.setattr(xlsx, "BACKGROUND_ROWS", 1)
    path = damaged(tmp_path, part)

    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), "--as", "wenshui-editor", "--lang", "en", stderr=(errors := io.StringIO()))

    assert errors.getvalue().strip() == DAMAGED
    assert "Traceback" not in errors.getvalue()
    assert "1 errors" in str(refused.value)


def test_a_damaged_sheet_part_is_the_same_message_on_the_page(client, settings, tmp_path, wenshui_editor):
    settings.MEDIA_ROOT = tmp_path / "files"
    client.force_login(wenshui_editor)
    path = damaged(tmp_path, "xl/worksheets/sheet1.xml")

    with path.open("rb") as upload:
        response = client.post("/import/", {"file": upload}, follow=True, headers={"Accept-Language": "en"})

    assert [row[3] for row in response.context["errors"]] == [DAMAGED]
