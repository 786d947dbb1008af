"""Opening an uploaded workbook safely, then reading its sheets row by row.

Before python-calamine sees a byte, the file is checked: its size, its container (a ZIP for .xlsx and
.ods, an OLE2 compound file for .xls), and for a ZIP the number of entries and their unpacked size as
the ZIP's directory declares them — a zip bomb is refused without being unpacked. An OLE2 file
holding an `EncryptionInfo` stream is a password-protected Office file.
"""

import io
import zipfile

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from .cells import is_blank
from .columns import column_by_header, normalize_header

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 1000


class Unreadable(Exception):
    """The file is refused as a whole; the message says why, for the user."""


def _limit(name, default):
    return getattr(settings, name, default)


def read_bytes(file):
    """The upload's bytes (from a path, bytes, or a file object), refusing what is over the size limit."""
    max_bytes = _limit("ZONELEDGER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if isinstance(file, bytes):
        data = file
    elif hasattr(file, "read"):
        data = file.read(max_bytes + 1)
    else:
        with open(file, "rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Unreadable(
            _("The file is larger than %(limit)s MB; split it into smaller workbooks.")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    return data


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise Unreadable(_("The file is damaged: it cannot be opened as a workbook.")) from None
    if len(entries) > _limit("ZONELEDGER_IMPORT_MAX_ENTRIES", DEFAULT_MAX_ENTRIES):
        raise Unreadable(_("The file holds too many parts to be a ledger workbook; it was not opened."))
    max_unpacked = _limit("ZONELEDGER_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    if sum(entry.file_size for entry in entries) > max_unpacked:
        raise Unreadable(
            _("The file would unpack to more than %(limit)s MB; it was not opened.")
            % {"limit": max_unpacked // (1024 * 1024)}
        )
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise Unreadable(_("The file is not a spreadsheet (.xlsx, .xls or .ods)."))


def open_workbook(file):
    """A python-calamine workbook for an upload, after the safety checks; Unreadable when refused."""
    data = read_bytes(file)
    if data.startswith(ZIP_MAGIC):
        _check_zip(data)
    elif data.startswith(OLE2_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise Unreadable(_("The file is protected by a password; save it without one and upload it again."))
    else:
        raise Unreadable(_("The file is not a spreadsheet (.xlsx, .xls or .ods)."))
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise Unreadable(_("The file is protected by a password; save it without one and upload it again.")) from None
    except Exception:  # calamine reports damage with several error types, all of them this for the user
        raise Unreadable(_("The file is damaged: it cannot be opened as a workbook.")) from None


class SheetReader:
    """The rows of one sheet: the header row is the first non-blank row; `rows()` yields (Excel row, values).

    `columns` maps each template column found to its position; `missing` lists required headers not found;
    `repeated` lists headers found twice.
    """

    def __init__(self, sheet, template):
        self.sheet = sheet
        by_header = column_by_header(template)
        self._rows = enumerate(sheet.iter_rows(), start=1)
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
                    if value is not None and value != "" and not (value.__class__ is str and value.isspace()):
                        cells[key] = value
            if cells:
                yield number, cells
