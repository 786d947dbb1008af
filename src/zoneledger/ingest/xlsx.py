"""Reading the sheets of an .xlsx workbook as a stream of rows, in memory that does not grow with the sheet.

python-calamine reads a whole sheet into memory before it gives the first row, so a ledger of 600,000 monthly
rows would cost hundreds of megabytes. Here a sheet's XML is decompressed a block at a time and each block's
rows are given as soon as they are read; what stays in memory is the workbook's shared strings (each distinct
text once) and one block.

Cells in the shapes spreadsheet programs write — ``<c r="B7" s="3" t="s"><v>12</v></c>``, inline strings,
self-closed styled blanks — are picked out of a block by one regular expression. A block holding a cell in any
other shape (a formula, rich text, another attribute order, a cell without its reference, a namespace prefix) is
parsed by the XML parser instead. Both give what python-calamine gives for the same cell (tests compare them):
numbers as floats; numbers in a date format as dates, datetimes or times; text with its XML and ``_xHHHH_``
escapes undone; booleans; nothing for an error such as ``#N/A``. The regular expression reads cells, not the XML
between them: a sheet broken only there is read for its cells (a damaged ZIP is caught by its checksums).

A long sheet of a workbook on disk is read by a child process (``python -m zoneledger.ingest.xlsx FILE SHEET``)
that sends the rows back a block at a time, so the import checks one block while the next is being read, on
another core. The child's memory is as flat as the reader's; a child that fails stops the import.

What a hostile file could make the reader hold is budgeted (`Budget`), and a file over budget is refused
(`OverBudget`) as soon as reading shows it, having read no further: the shared strings by their part's unpacked
size, their count and each text's length; a row's XML by its size (one giant cell); a sheet's head before its
rows by its size; the cells read, and the blank cells a row's list is padded with, by their count; a text by
Excel's own limit of characters in a cell. Every step reads the part once, so refusing takes time in proportion
to what was read.
"""

import html
import json
import pickle
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from posixpath import join, normpath

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
BLOCK_BYTES = 1 << 20
BACKGROUND_ROWS = 20_000  # a sheet this long, of a workbook on disk, is read by a child process
TEXTS_REMEMBERED = 50_000  # distinct inline texts kept decoded (codes and months recur row after row)

# One cell in the usual shape. Groups: column letters, row number, style, type, the text of <v> or of an inline
# string's <t> (which of the two the type says).
_CELL = re.compile(  # possessive: a cell never needs to give back what it matched, and trying costs time
    rb'<c r="([A-Z]{1,3}+)([0-9]++)"(?: s="([0-9]++)")?+(?: t="([a-zA-Z]++)")?+'
    rb'(?:/>|>(?:(?:<v>|<is><t(?: xml:space="preserve")?>)([^<]*+)(?:</v>|</t></is>)|<v/>)?</c>)'
)
_CELL_START = b"<c"  # in a sheet's rows only a cell's tag begins so (<c r=…>, <c>, <c/>)
_SHEET_DATA = re.compile(rb"<(?:(\w+):)?sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')
_NAMESPACES = re.compile(rb'\sxmlns(?::\w+)?="[^"]*"')
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")

# Built-in number formats that show a date or time, and the one that shows elapsed time (ECMA-376 18.8.30,
# with the East Asian built-ins spreadsheet programs use for dates).
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)}
_ELAPSED_FORMAT_IDS = {46}
_ELAPSED_CODE = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
NUMBER, DATE, ELAPSED = 0, 1, 2
MILLISECONDS_A_DAY = 86_400_000

# What a damaged workbook raises on the way: a broken ZIP or deflate stream, XML that is not well formed, a
# missing part, a shared-string index or a number that is not one.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ET.ParseError,
    UnicodeDecodeError,
    KeyError,
    IndexError,
    ValueError,
)


class Damaged(Exception):
    """The workbook cannot be read as the format says it should."""


@dataclass(frozen=True)
class Budget:
    """What reading one workbook may cost (the defaults hold a 600,000-row ledger several times over)."""

    shared_strings_bytes: int = 64 * 1024 * 1024  # the shared strings part, unpacked
    shared_strings: int = 1_000_000
    text_chars: int = 32_767  # Excel's own limit of characters in a cell
    head_bytes: int = 16 * 1024 * 1024  # a sheet's XML before its rows begin
    row_bytes: int = 16 * 1024 * 1024  # one row's XML
    cells: int = 6_000_000  # cells read, over the sheets read
    padding: int = 2_000_000  # blank cells a block's rows are padded with up to their cells' columns


class OverBudget(Exception):
    """The workbook would cost more than its budget to read. `what` names the budget (a field of Budget), `limit`
    its value; `sheet`, `row` and `column` say where, when known. The caller words the message."""

    def __init__(self, what, limit, *, sheet=None, row=None, column=None):
        super().__init__(what, limit, sheet, row, column)
        self.what, self.limit, self.sheet, self.row, self.column = what, limit, sheet, row, column

    def __reduce__(self):  # sent back by the child process
        return _over_budget, (self.what, self.limit, self.sheet, self.row, self.column)


def _over_budget(what, limit, sheet, row, column):
    return OverBudget(what, limit, sheet=sheet, row=row, column=column)


class ChildFailed(Exception):
    """The process reading a sheet stopped before the end, for a reason of its own (killed, out of memory)."""


class XlsxBook:
    """An .xlsx workbook open for streaming: `sheet_names`, and `sheet(name)` for one sheet's rows."""

    def __init__(self, archive, *, path=None, budget=None):
        self.archive, self.path = archive, path
        self.budget = budget or Budget()
        self.cells_read = 0  # over the sheets read, against budget.cells
        try:
            self._read_parts()
        except _DAMAGE as damage:
            raise Damaged from damage

    def _read_parts(self):
        archive = self.archive
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        properties = workbook.find(f"{MAIN}workbookPr")
        self.epoch_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        targets = self._relationship_targets("xl/_rels/workbook.xml.rels", "xl")
        self._paths = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            path = targets.get(sheet.get(f"{RELATIONSHIPS}id"))
            if path in archive.NameToInfo:
                self._paths[sheet.get("name")] = path
        self.sheet_names = list(self._paths)
        self.kinds = self._number_kinds()
        self._shared = None
        self._shared_path = _shared_strings_path(archive, self._relationship_targets)
        if self._shared_path and archive.NameToInfo[self._shared_path].file_size > self.budget.shared_strings_bytes:
            raise OverBudget("shared_strings_bytes", self.budget.shared_strings_bytes)  # refused before unpacking

    def _relationship_targets(self, member, folder):
        if member not in self.archive.NameToInfo:
            return {}
        targets = {}
        for relationship in ET.fromstring(self.archive.read(member)).iter(f"{PACKAGE_RELATIONSHIPS}Relationship"):
            target = relationship.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(folder, target))
            targets[relationship.get("Id")] = path
        return targets

    def _number_kinds(self):
        """NUMBER, DATE or ELAPSED for each cell style index, from the number format it shows."""
        if "xl/styles.xml" not in self.archive.NameToInfo:
            return ()
        styles = ET.fromstring(self.archive.read("xl/styles.xml"))
        codes = {fmt.get("numFmtId"): fmt.get("formatCode", "") for fmt in styles.iter(f"{MAIN}numFmt")}
        cell_formats = styles.find(f"{MAIN}cellXfs")
        if cell_formats is None:
            return ()
        return tuple(_number_kind(xf.get("numFmtId", "0"), codes) for xf in cell_formats.iter(f"{MAIN}xf"))

    @property
    def shared_strings(self):
        if self._shared is None:
            self._shared = _read_shared_strings(self.archive, self._shared_path, self.budget)
        return self._shared

    def count_cells(self, cells, sheet):
        self.cells_read += cells
        if self.cells_read > self.budget.cells:
            raise OverBudget("cells", self.budget.cells, sheet=sheet)

    def sheet(self, name):
        return XlsxSheet(self, name, self._paths[name])


def _number_kind(format_id, codes):
    if format_id in codes:
        code = codes[format_id]
        if _ELAPSED_CODE.search(code):
            return ELAPSED
        return DATE if _DATE_LETTERS.search(_NOT_DATE_PARTS.sub("", code)) else NUMBER
    number = int(format_id) if format_id.isdigit() else 0
    if number in _ELAPSED_FORMAT_IDS:
        return ELAPSED
    return DATE if number in _DATE_FORMAT_IDS else NUMBER


def _shared_strings_path(archive, relationship_targets):
    """The workbook's shared strings part, or None when it has none."""
    targets = relationship_targets("xl/_rels/workbook.xml.rels", "xl")
    path = next((p for p in targets.values() if p.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
    return path if path in archive.NameToInfo else None


def _read_shared_strings(archive, path, budget):
    """The workbook's shared strings, in order; a rich text's runs joined, its phonetic guide left out.

    Their part's size was checked on opening (the size the ZIP declares is the most it yields: a stream longer
    fails its checks); while reading, too many strings or one too long is refused (OverBudget).
    """
    if path is None:
        return []
    strings = []
    with archive.open(path) as stream:
        for _event, element in ET.iterparse(stream, events=("end",)):
            if element.tag == f"{MAIN}si":
                text = _unescape_ooxml(_rich_text(element))
                if len(text) > budget.text_chars:
                    raise OverBudget("text_chars", budget.text_chars)
                strings.append(text)
                if len(strings) > budget.shared_strings:
                    raise OverBudget("shared_strings", budget.shared_strings)
                element.clear()
    return strings


def _rich_text(element):
    plain = element.find(f"{MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(run.findtext(f"{MAIN}t") or "" for run in element.iterfind(f"{MAIN}r"))


def _unescape_ooxml(text):
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _text(raw):
    """The text of a cell's bytes as written in the XML."""
    text = raw.decode()
    if "&" in text:
        text = html.unescape(text)
    return _unescape_ooxml(text)


class XlsxSheet:
    """One sheet: `total_height` (its last row, from the sheet's dimension when it states one) and `rows()`."""

    def __init__(self, book, name, path):
        self.book, self.name, self.path = book, name, path
        self.total_height = 0
        try:
            with book.archive.open(path) as stream:
                head = stream.read(64 * 1024)
        except _DAMAGE as damage:
            raise Damaged from damage
        if found := _DIMENSION.search(head):
            self.total_height = int(found.group(1))

    def rows(self):
        """(Excel row number, [value by column position from A]) for each row that holds a cell; Damaged when the
        sheet turns out to be unreadable part of the way through, OverBudget when it is too costly."""
        if self.book.path and self.total_height >= BACKGROUND_ROWS:
            for block in self._child_blocks():
                yield from block
            return
        try:
            for block in self.blocks_of_rows():
                yield from block
        except _DAMAGE as damage:
            raise Damaged from damage

    def blocks_of_rows(self):
        """The sheet's rows, a block's worth (a list) at a time."""
        cells = _CellReader(self.book, self.name)
        for block, fast in self._blocks():
            found = cells.fast(block) if fast else None
            rows = found if found is not None else cells.parsed(block)
            self.book.count_cells(cells.counted, self.name)
            yield rows

    def _child_blocks(self):
        budget = json.dumps(asdict(self.book.budget))
        command = [sys.executable, "-m", __name__, str(self.book.path), self.name, budget, str(self.book.cells_read)]
        with subprocess.Popen(command, stdout=subprocess.PIPE) as child:
            try:
                while True:
                    try:
                        block = pickle.load(child.stdout)
                    except EOFError:
                        break
                    if block is None:
                        raise Damaged
                    if isinstance(block, OverBudget):
                        raise block
                    self.book.cells_read += sum(len(values) for _number, values in block)
                    yield block
            finally:
                if child.poll() is None:
                    child.kill()
            if child.wait() != 0:
                raise ChildFailed(
                    f"the child reading sheet {self.name!r} of {self.book.path} exited with {child.returncode}"
                )

    def _blocks(self):
        """(bytes holding whole rows, wrapped so the XML parser can read them alone; whether the fast path may try).

        Each byte is searched once: for the start of the rows only in what was just read (and a tag's length
        before it), for the end of a row likewise; reading stops at the end of the rows, and a head or a row
        longer than its budget is refused where it is found.
        """
        budget = self.book.budget
        with self.book.archive.open(self.path) as stream:
            buffer = b""
            while True:
                chunk = stream.read(BLOCK_BYTES)
                searched = max(len(buffer) - 64, 0)
                buffer += chunk
                start = _SHEET_DATA.search(buffer, searched)
                if start or not chunk:
                    break
                if len(buffer) > budget.head_bytes:
                    raise OverBudget("head_bytes", budget.head_bytes, sheet=self.name)
            if not start or start.group(2):
                return
            prefix = start.group(1) or b""
            tag = prefix + b":" if prefix else b""
            declared = {found.split(b"=")[0]: found for found in _NAMESPACES.findall(buffer[: start.start()])}
            namespaces = b"".join(declared.values())
            opening = b"<" + tag + b"sheetData" + namespaces + b">"
            closing, row_end = b"</" + tag + b"sheetData>", b"</" + tag + b"row>"
            buffer, searched = buffer[start.end() :], 0
            while True:
                finished = buffer.find(closing, searched)
                if finished >= 0:  # the rows end here: what follows is the sheet's tail, never read
                    buffer = buffer[:finished]
                end = buffer.rfind(row_end, searched)
                if end >= 0:
                    end += len(row_end)
                    yield _Block(buffer[:end], opening, closing), not prefix
                    buffer = buffer[end:]
                if finished >= 0:
                    break
                if len(buffer) > budget.row_bytes:
                    raise OverBudget("row_bytes", budget.row_bytes, sheet=self.name, row=_first_row(buffer))
                chunk = stream.read(BLOCK_BYTES)
                if not chunk:
                    break
                searched = max(len(buffer) - len(closing), 0)
                buffer += chunk
            # A last row may close itself (<row r="9"/>) and hold nothing; what is left is the sheet's tail.


def _first_row(buffer):
    found = re.search(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]+)"', buffer[:4096])
    return int(found.group(1)) if found else None


class _Block(bytes):
    """Whole rows of a sheet, with what wraps them into a document of their own."""

    def __new__(cls, data, opening, closing):
        block = super().__new__(cls, data)
        block.opening, block.closing = opening, closing
        return block

    def document(self):
        return self.opening + self + self.closing


class _CellReader:
    """Turns a block's rows into (Excel row number, [value by column position]), as python-calamine reads them."""

    def __init__(self, book, sheet):
        self.book, self.sheet = book, sheet
        self.budget = book.budget
        self.counted = 0  # cells in the last block read
        self.refused_row = None  # the row being read, for a refusal to name
        self.kinds = book.kinds
        # Style attribute (as written) → how its numbers read; column letters → position; inline text → str.
        self.number_kinds = {b"": NUMBER} | {str(style).encode(): kind for style, kind in enumerate(book.kinds)}
        self.columns = {}
        self.texts = {}
        self.next_row = 1  # for rows that leave out their number, which a block may begin with

    def column(self, letters):
        position = self.columns.get(letters)
        if position is None:
            position = 0
            for letter in letters.decode() if isinstance(letters, bytes) else letters:
                position = position * 26 + ord(letter) - 64
            position = self.columns[letters] = position - 1
        return position

    def text(self, raw):
        text = self.texts.get(raw)
        if text is None:
            if len(self.texts) >= TEXTS_REMEMBERED:
                self.texts.clear()
            text = _text(raw)
            if len(text) > self.budget.text_chars:
                raise OverBudget("text_chars", self.budget.text_chars, sheet=self.sheet)
            self.texts[raw] = text
        return text

    def pad(self, values, position, row):
        """Blank cells up to `position`, counted against the block's padding budget."""
        gap = position - len(values)
        self.padded += gap
        if self.padded > self.budget.padding:
            raise OverBudget("padding", self.budget.padding, sheet=self.sheet, row=int(row))
        values.extend([None] * gap)

    def fast(self, block):
        """The block's rows by the regular expression, or None when a cell in it has another shape.

        The common cells (inline text, shared text, plain numbers) are read here rather than by `value`: this
        loop runs for every cell of the file.
        """
        found = _CELL.findall(block)
        if len(found) != block.count(_CELL_START):
            return None
        self.counted, self.padded = len(found), 0
        try:
            return self._fast_rows(found)
        except OverBudget as refused:  # a text too long: say where (the loop knows the row, `text` does not)
            if refused.row is None and refused.sheet == self.sheet:
                raise OverBudget(refused.what, refused.limit, sheet=self.sheet, row=self.refused_row) from None
            raise

    def _fast_rows(self, found):
        rows, current, values = [], None, None
        columns, number_kinds, shared = self.columns, self.number_kinds, None
        for letters, row, style, kind, raw in found:
            if row != current:
                current, values = row, []
                self.refused_row = int(row)
                rows.append((self.refused_row, values))
            position = columns.get(letters)
            if position is None:
                position = self.column(letters)
            if position != len(values):
                self.pad(values, position, row)
            if kind == b"inlineStr":
                values.append(self.text(raw))
            elif kind == b"s" and raw:
                shared = shared or self.book.shared_strings
                values.append(shared[int(raw)])
            elif not kind and raw and number_kinds.get(style) == NUMBER:
                values.append(float(raw))
            else:
                values.append(self.value(kind, style, raw))
        if rows:
            self.next_row = rows[-1][0] + 1
        return rows

    def value(self, kind, style, raw):
        """A cell's value from its type, style and text (a <v>'s, or an inline string's in the usual shape)."""
        if not raw:
            return "" if kind == b"inlineStr" else None
        if kind == b"inlineStr":
            return _text(raw)
        if not kind or kind == b"n":
            return self.number(float(raw), int(style) if style else 0)
        if kind == b"s":
            return self.book.shared_strings[int(raw)]
        if kind == b"b":
            return raw == b"1" or raw == b"true"
        if kind == b"d":
            return datetime.fromisoformat(raw.decode())
        if kind == b"e":
            return None  # an error such as #N/A holds no value, as python-calamine reads it
        return _text(raw)  # str: a formula's text

    def number(self, number, style):
        kind = self.kinds[style] if style < len(self.kinds) else NUMBER
        if kind == NUMBER:
            return number
        if kind == ELAPSED:
            return timedelta(days=number)
        return _serial_date(number, self.book.epoch_1904)

    def parsed(self, block):
        """The block's rows by the XML parser: any shape the format allows."""
        rows = []
        self.counted, self.padded = 0, 0
        for row in ET.fromstring(block.document()).iter(f"{MAIN}row"):
            number = int(row.get("r") or self.next_row)
            self.next_row = number + 1
            values = []
            for cell in row.iter(f"{MAIN}c"):
                self.counted += 1
                reference = _CELL_REFERENCE.match(cell.get("r") or "")
                position = self.column(reference.group(1)) if reference else len(values)
                if position > len(values):
                    self.pad(values, position, number)
                kind = (cell.get("t") or "").encode()
                if kind == b"inlineStr":
                    found = cell.find(f"{MAIN}is")
                    text = _unescape_ooxml(_rich_text(found)) if found is not None else None
                    if text is not None and len(text) > self.budget.text_chars:
                        raise OverBudget("text_chars", self.budget.text_chars, sheet=self.sheet, row=number)
                    values.append(text)
                else:
                    raw = cell.findtext(f"{MAIN}v")
                    values.append(self.value(kind, cell.get("s"), raw.encode() if raw else b""))
            if values:
                rows.append((number, values))
        return rows


def _serial_date(number, epoch_1904):
    """A spreadsheet serial number as python-calamine gives it, to the millisecond: a time of day below 1 (in
    either date system), a date when whole, else a datetime.

    The 1900 system counts 1900-02-29, which never was: serial 60 is shown as 1900-02-28 and later serials are
    one day ahead of their count.
    """
    days, milliseconds = divmod(round(number * MILLISECONDS_A_DAY), MILLISECONDS_A_DAY)
    if days < 1:
        return (datetime.min + timedelta(milliseconds=milliseconds if days == 0 else 0)).time()
    if epoch_1904:
        day = date(1904, 1, 1) + timedelta(days=days)
    elif days < 60:
        day = date(1899, 12, 31) + timedelta(days=days)
    elif days == 60:
        day = date(1900, 2, 28)
    else:
        day = date(1899, 12, 30) + timedelta(days=days)
    if not milliseconds:
        return day
    return datetime.combine(day, time()) + timedelta(milliseconds=milliseconds)


def _send_rows(path, name, budget, cells_read):
    """The child's side: each block of the sheet's rows, pickled to stdout; None for a damaged sheet, the
    OverBudget for one too costly to read (with the parent's budget and the cells it has read already)."""
    out = sys.stdout.buffer
    with zipfile.ZipFile(path) as archive:
        try:
            book = XlsxBook(archive, budget=Budget(**json.loads(budget)))
            book.cells_read = int(cells_read)
            for block in book.sheet(name).blocks_of_rows():
                pickle.dump(block, out, protocol=pickle.HIGHEST_PROTOCOL)
        except OverBudget as refused:
            pickle.dump(refused, out)
        except (Damaged, *_DAMAGE):
            pickle.dump(None, out)
    out.flush()


if __name__ == "__main__":
    _send_rows(*sys.argv[1:5])
