"""Opening an uploaded workbook safely, then reading its sheets row by row.

Before a reader sees a byte, the file is checked: its size, its container (a ZIP for .xlsx and .ods, an OLE2
compound file for .xls), and for a ZIP the number of entries and their unpacked size as the ZIP's directory
declares them — a zip bomb is refused without being unpacked. An OLE2 file holding an `EncryptionInfo` stream is
a password-protected Office file.

An .ods names repeated rows and cells by their count, so a file of a few hundred bytes can span millions of cells,
all of which python-calamine would hold in memory: its sheets' cells are counted, counts multiplied out, first.

An .xlsx sheet is read as a stream (`xlsx.XlsxBook`; a long one of a file on disk by a child process), so memory
does not grow with the sheet; what a hostile .xlsx could still make it hold (shared strings, a giant row or cell,
cells scattered far to the right, too many cells) is budgeted by the ZONELEDGER_IMPORT_* settings and refused as
soon as reading shows it (`xlsx.Budget`). .xls and .ods go to python-calamine, which holds one sheet in memory:
an .ods is counted first, and a sheet of either spanning more cells than the budget is refused.

Whatever is refused or found damaged, on opening or part of the way through, is an `Unreadable` whose message
says why in the user's language: the import reports it as the file's one error, on the page and the command alike.
"""

import contextlib
import hashlib
import io
import os
import xml.etree.ElementTree as ET
import zipfile

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from .cells import is_blank
from .columns import column_by_header, normalize_header
from .xlsx import Budget, Damaged, OverBudget, XlsxBook

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# An OLE2 directory entry: 128 bytes on a 128-byte boundary, its name (UTF-16, ending in a null), then at 64 the name's
# length in bytes with the null, then the entry's type (2: a stream).
ENCRYPTION_ENTRY_NAME = "EncryptionInfo\0".encode("utf-16-le")
ENCRYPTION_ENTRY_TAIL = len(ENCRYPTION_ENTRY_NAME).to_bytes(2, "little") + b"\x02"
DIRECTORY_ENTRY_BYTES = 128
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_CELLS = 6_000_000
ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_SHEET, ODS_ROW = f"{ODS_TABLE}table", f"{ODS_TABLE}table-row"
ODS_CELLS = {f"{ODS_TABLE}table-cell", f"{ODS_TABLE}covered-table-cell"}
ODS_ROWS_REPEATED, ODS_COLUMNS_REPEATED = f"{ODS_TABLE}number-rows-repeated", f"{ODS_TABLE}number-columns-repeated"
ODS_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"
ODS_PARAGRAPH = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
DEFAULT_MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_SHARED_STRINGS = 1_000_000
DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024
MEGABYTE = 1024 * 1024
HASH_BLOCK_BYTES = 1 << 20


class Unreadable(Exception):
    """The file is refused as a whole; the message says why, for the user."""


def _limit(name, default):
    return getattr(settings, name, default)


def _refuse_damaged():
    return Unreadable(_("The file is damaged: it cannot be opened as a workbook."))


def _refuse_not_spreadsheet():
    return Unreadable(_("The file is not a spreadsheet (.xlsx, .xls or .ods)."))


def _refuse_password():
    return Unreadable(_("The file is protected by a password; save it without one and upload it again."))


def _budget():
    """What reading one workbook may cost, from the settings (see xlsx.Budget)."""
    return Budget(
        shared_strings_bytes=_limit("ZONELEDGER_IMPORT_MAX_SHARED_STRINGS_BYTES", DEFAULT_MAX_SHARED_STRINGS_BYTES),
        shared_strings=_limit("ZONELEDGER_IMPORT_MAX_SHARED_STRINGS", DEFAULT_MAX_SHARED_STRINGS),
        row_bytes=_limit("ZONELEDGER_IMPORT_MAX_ROW_BYTES", DEFAULT_MAX_ROW_BYTES),
        head_bytes=_limit("ZONELEDGER_IMPORT_MAX_ROW_BYTES", DEFAULT_MAX_ROW_BYTES),
        cells=_limit("ZONELEDGER_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS),
    )


def _refuse_over_budget(refused):
    """The message for a workbook over its reading budget, saying where when the reader knows."""
    limit = refused.limit
    where = {"sheet": refused.sheet or "", "row": refused.row or ""}
    if refused.what == "shared_strings_bytes":
        text = _("The workbook's shared texts would take more than %(limit)s MB once unpacked; it was not read.")
        return Unreadable(text % {"limit": limit // MEGABYTE})
    if refused.what == "shared_strings":
        return Unreadable(
            _("The workbook holds more than %(limit)s different texts; it was not read.") % {"limit": f"{limit:,}"}
        )
    if refused.what == "text_chars":
        text = _("A text is longer than %(limit)s characters, more than a spreadsheet cell holds; it was not read.")
        message = text % {"limit": f"{limit:,}"}
        if refused.sheet and refused.row:
            return Unreadable(_("%(sheet)s · row %(row)s: %(message)s") % (where | {"message": message}))
        return Unreadable(message)
    if refused.what == "head_bytes":
        text = _("The sheet %(sheet)s holds more than %(limit)s MB before its first row; it is not a ledger sheet.")
        return Unreadable(text % (where | {"limit": limit // MEGABYTE}))
    if refused.what == "row_bytes":
        text = _("%(sheet)s · row %(row)s holds more than %(limit)s MB: a row that large is not a ledger row.")
        return Unreadable(text % (where | {"limit": limit // MEGABYTE}))
    if refused.what == "padding":
        text = _(
            "%(sheet)s · row %(row)s: the sheet has cells far to the right of the ledger's columns, row after row."
            " Delete the columns after the ledger's and upload it again."
        )
        return Unreadable(text % where)
    return _refuse_cells(limit)


def _refuse_cells(limit):
    return Unreadable(
        _("The file's sheets would span more than %(limit)s cells once opened; it was not opened.")
        % {"limit": f"{limit:,}"}
    )


@contextlib.contextmanager
def _seekable(file):
    """A binary, seekable handle on the upload (a path, bytes, or a file object), refusing one over the size limit."""
    max_bytes = _limit("ZONELEDGER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if isinstance(file, bytes):
        handle, opened = io.BytesIO(file), False
    elif hasattr(file, "read"):
        handle, opened = file, False
    else:
        handle, opened = open(file, "rb"), True  # noqa: SIM115 - closed below, after the import has read it
    try:
        handle.seek(0, os.SEEK_END)
        if handle.tell() > max_bytes:
            raise Unreadable(
                _("The file is larger than %(limit)s MB; split it into smaller workbooks.")
                % {"limit": max_bytes // (1024 * 1024)}
            )
        handle.seek(0)
        yield handle
    finally:
        if opened:
            handle.close()


def _check_zip(handle):
    try:
        archive = zipfile.ZipFile(handle)
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _refuse_damaged() from None
    if len(entries) > _limit("ZONELEDGER_IMPORT_MAX_ENTRIES", DEFAULT_MAX_ENTRIES):
        raise Unreadable(_("The file holds too many parts to be a ledger workbook; it was not opened."))
    max_unpacked = _limit("ZONELEDGER_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    if sum(entry.file_size for entry in entries) > max_unpacked:
        raise Unreadable(
            _("The file would unpack to more than %(limit)s MB; it was not opened.")
            % {"limit": max_unpacked // (1024 * 1024)}
        )
    if "xl/workbook.xml" not in archive.NameToInfo and "content.xml" not in archive.NameToInfo:
        raise _refuse_not_spreadsheet()
    return archive


def _check_ods_cells(archive):
    """Refuse an .ods whose sheets span more cells than the limit once repeated rows and cells are counted out.

    python-calamine holds a sheet as a rectangle reaching its last row and column with a value, so it is these
    rectangles that are counted (from the first row and column: an upper bound), summed over the sheets, with no
    cell built.
    """
    limit = _limit("ZONELEDGER_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)
    sheets_cells = rows = last_row = last_column = columns = row_last_column = 0
    try:
        with archive.open("content.xml") as content:
            for _event, element in ET.iterparse(content):
                if element.tag in ODS_CELLS:
                    columns += int(element.get(ODS_COLUMNS_REPEATED, 1))
                    if element.get(ODS_VALUE_TYPE) or len(element):
                        row_last_column = columns
                elif element.tag == ODS_ROW:
                    rows += int(element.get(ODS_ROWS_REPEATED, 1))
                    if row_last_column:
                        last_row, last_column = rows, max(last_column, row_last_column)
                    columns = row_last_column = 0
                    element.clear()
                    if sheets_cells + last_row * last_column > limit:
                        raise _refuse_cells(limit)
                elif element.tag == ODS_SHEET:
                    sheets_cells += last_row * last_column
                    rows = last_row = last_column = 0
                    element.clear()
                elif element.tag == ODS_PARAGRAPH and len(element.text or "") > Budget.text_chars:
                    raise _refuse_over_budget(OverBudget("text_chars", Budget.text_chars))
    except (ET.ParseError, ValueError, KeyError):
        raise _refuse_damaged() from None


def _sha256(handle):
    digest = hashlib.sha256()
    while block := handle.read(HASH_BLOCK_BYTES):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


@contextlib.contextmanager
def open_workbook(file):
    """The upload as a workbook (`sheet_names`, `sheet(name)`, `sha256`), after the safety checks.

    A context manager: the file stays open while its rows are read. Unreadable when refused.
    """
    with _seekable(file) as handle:
        magic = handle.read(len(OLE2_MAGIC))
        handle.seek(0)
        sha256 = _sha256(handle)
        if magic.startswith(ZIP_MAGIC):
            archive = _check_zip(handle)
            if "xl/workbook.xml" in archive.NameToInfo:
                try:
                    on_disk = os.fspath(file) if isinstance(file, str | os.PathLike) else None
                    book = _RefusingBook(XlsxBook(archive, path=on_disk, budget=_budget()))
                except Damaged:
                    raise _refuse_damaged() from None
                except OverBudget as refused:
                    raise _refuse_over_budget(refused) from None
            else:
                _check_ods_cells(archive)
                handle.seek(0)
                book = _calamine_book(handle.read())
        elif magic == OLE2_MAGIC:
            data = handle.read()
            if _holds_encryption_stream(data):
                raise _refuse_password()
            book = _calamine_book(data)
        else:
            raise _refuse_not_spreadsheet()
        book.sha256 = sha256
        yield book


def _holds_encryption_stream(data):
    """Whether the compound file's directory names an `EncryptionInfo` stream: how Office stores a file encrypted
    with a password. Only a directory entry counts, not a cell whose text spells the name."""
    found = data.find(ENCRYPTION_ENTRY_NAME)
    while found != -1:
        tail = found + DIRECTORY_ENTRY_BYTES // 2
        if (
            found % DIRECTORY_ENTRY_BYTES == 0
            and data[tail : tail + len(ENCRYPTION_ENTRY_TAIL)] == ENCRYPTION_ENTRY_TAIL
        ):
            return True
        found = data.find(ENCRYPTION_ENTRY_NAME, found + 1)
    return False


def _calamine_book(data):
    try:
        return CalamineBook(python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except python_calamine.PasswordError:
        raise _refuse_password() from None
    except Exception:  # calamine reports damage with several error types, all of them this for the user
        raise _refuse_damaged() from None


class _RefusingBook:
    """An XlsxBook whose `sheet(name)` refuses a damaged sheet part as an Unreadable, like its rows."""

    def __init__(self, book):
        self.book = book
        self.sheet_names = book.sheet_names

    def sheet(self, name):
        try:
            return self.book.sheet(name)
        except Damaged:
            raise _refuse_damaged() from None
        except OverBudget as refused:
            raise _refuse_over_budget(refused) from None


class CalamineBook:
    """An .xls or .ods workbook read by python-calamine, with the same face as `xlsx.XlsxBook`."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.sheet_names = workbook.sheet_names

    def sheet(self, name):
        try:
            sheet = self.workbook.get_sheet_by_name(name)
        except Exception:  # as in _calamine_book: a sheet calamine cannot read is a damaged file
            raise _refuse_damaged() from None
        limit = _limit("ZONELEDGER_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)
        if sheet.total_height * sheet.total_width > limit:
            raise _refuse_cells(limit)
        return _CalamineSheet(sheet)


class _CalamineSheet:
    def __init__(self, sheet):
        self.sheet = sheet
        self.total_height = sheet.total_height

    def rows(self):
        # calamine's rows start at Excel row 1; its columns start at the sheet's first used column.
        return enumerate(self.sheet.iter_rows(), start=1)


class SheetReader:
    """The rows of one sheet: the header row is the first non-blank row; `rows()` yields (Excel row, values).

    `columns` maps each template column found to its position; `missing` lists required headers not found;
    `repeated` lists headers found twice.
    """

    def __init__(self, sheet, template):
        self.sheet = sheet
        by_header = column_by_header(template)
        self._rows = _damage_refused(sheet.rows())
        self.header_row = 0
        self.columns, self.repeated = [], []
        for number, values in self._rows:
            if all(is_blank(value) for value in values):
                continue
            self.header_row = number
            seen = set()
            for position, value in enumerate(values):
                column = by_header.get(normalize_header(value)) if isinstance(value, str) else None
                if column is None:
                    continue
                if column.key in seen:
                    self.repeated.append(column)
                seen.add(column.key)
                self.columns.append((position, column))
            break
        found = {column.key for _position, column in self.columns}
        self.missing = [column for column in template if column.required and column.key not in found]
        self.total = max(sheet.total_height - self.header_row, 0)

    def rows(self):
        """(Excel row number, {column key: raw value}) for each row that is not blank."""
        columns = [(position, column.key) for position, column in self.columns]
        for number, values in self._rows:
            width = len(values)
            cells = {}
            for position, key in columns:
                if position < width:
                    value = values[position]
                    # is_blank, inlined: this runs for every cell of the file.
                    if value.__class__ is str:
                        if value and not value.isspace():
                            cells[key] = value
                    elif value is not None:
                        cells[key] = value
            if cells:
                yield number, cells


def _damage_refused(rows):
    """The rows, with damage found while reading them (a broken stream, bad XML) refused as a damaged file, and a
    sheet found too costly to read refused with the reason."""
    try:
        yield from rows
    except Damaged:
        raise _refuse_damaged() from None
    except OverBudget as refused:
        raise _refuse_over_budget(refused) from None
