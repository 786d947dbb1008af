"""Reference data: the GB/T 2260 divisions of Shanxi shipped with the package."""

import csv
from pathlib import Path

from django.db import transaction

from .choices import DivisionLevel
from .models import Division

DIVISIONS_CSV = Path(__file__).with_name("shanxi_divisions.csv")
PROVINCE = ("140000", "山西省")


@transaction.atomic
def load_divisions(division_model=Division):
    """Create or refresh Shanxi's province, city and county rows; returns how many rows the file holds.

    `division_model` lets the data migration pass its historical model.
    """
    division_model.objects.update_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": DivisionLevel.PROVINCE, "parent": None}
    )
    with DIVISIONS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Cities first, so that each county finds its parent.
    for row in sorted(rows, key=lambda row: row["level"] != DivisionLevel.CITY):
        division_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": row["level"], "parent_id": row["parent_code"]},
        )
    return len(rows)
