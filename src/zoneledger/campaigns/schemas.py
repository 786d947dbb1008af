"""The JSON shape of a round (the API's `rounds` router)."""

from datetime import date

from ninja import Schema


class ProvinceRef(Schema):
    """A province by its GB/T 2260 code and name."""

    code: str
    name: str


class RoundOut(Schema):
    """A "三个一批" round of a province: `label` is how pages and filters name it (2024-1)."""

    id: int
    province: ProvinceRef
    year: int
    sequence: int
    label: str
    held_on: date
    title: str
    venues: str
