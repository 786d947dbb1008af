"""The JSON shape of a development zone (the API's `zones` router)."""

from ninja import Schema


class DivisionRef(Schema):
    """A GB/T 2260 division by its code and name."""

    code: str
    name: str


class ZoneOut(Schema):
    """A development zone with the divisions it lies in; `kind` and `level` are stored values, labels beside."""

    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    division: DivisionRef
    city: DivisionRef
    province: DivisionRef
    leading_industries: str

    @staticmethod
    def resolve_kind_label(zone) -> str:
        return str(zone.get_kind_display())

    @staticmethod
    def resolve_level_label(zone) -> str:
        return str(zone.get_level_display())
