"""Workbooks built by the tests, and a fingerprint of the ledger to prove a refused import wrote nothing."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import xlsxwriter

from tests.rows import rows_of
from zoneledger.audit.models import AuditRecord
from zoneledger.enterprises.models import Enterprise
from zoneledger.ingest.columns import LEDGER_SHEET, MONTHLY_SHEET
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent

LEDGER_HEADERS = ["项目代码", "项目名称", "开发区", "建设单位", "统一社会信用代码", "总投资（万元）"]


def write_workbook(path, ledger, monthly=None, *, ledger_headers=None, monthly_headers=None):
    """An .xlsx with a 项目台账 sheet (and 月度投资 when given); rows are dicts header → cell value.

    Strings are written as text, numbers as numbers and dates as date cells, as a spreadsheet holds them.
    """
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheets = [(LEDGER_SHEET, ledger, ledger_headers)]
    if monthly is not None:
        sheets.append((MONTHLY_SHEET, monthly, monthly_headers))
    for name, rows, headers in sheets:
        sheet = book.add_worksheet(name)
        headers = headers or list(dict.fromkeys(key for row in rows for key in row))
        for position, header in enumerate(headers):
            sheet.write_string(0, position, header)
        for number, row in enumerate(rows, start=1):
            for position, header in enumerate(headers):
                value = row.get(_bare(header), row.get(header))
                if value is None:
                    continue
                if isinstance(value, date | datetime):
                    sheet.write_datetime(number, position, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(number, position, value)
                else:
                    sheet.write_number(number, position, value)
    book.close()
    return path


def _bare(header):
    """Rows name columns by their plain header even when a test writes the header decorated."""
    from zoneledger.ingest.columns import normalize_header

    return normalize_header(header)


def project_row(name, **cells):
    """A minimal valid ledger row in 文水经济开发区 (the zone of the `wenshui-*` demo users)."""
    return {"项目名称": name, "开发区": "文水经济开发区", "总投资（万元）": Decimal("5000.00")} | cells


def ledger_fingerprint():
    """Row counts of every table an import writes (every audit record too), every project's facts and version."""
    return (
        [model.objects.count() for model in (Project, StageEvent, MonthlyProgress, Enterprise)]
        + [AuditRecord.objects.count()],
        rows_of(
            Project.objects.order_by("pk").values_list("pk", "name", "code", "total_investment", "stage", "version")
        ),
        rows_of(MonthlyProgress.objects.order_by("pk").values_list("pk", "completed_investment", "status")),
    )


@pytest.fixture
def unchanged_ledger(db):
    """Asserts at the end of the test that the ledger is exactly as it was at the start."""
    before = ledger_fingerprint()
    yield
    assert ledger_fingerprint() == before
