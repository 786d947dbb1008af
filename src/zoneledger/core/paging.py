"""Pages of a long list read ids first: the database sorts narrow rows, then reads the page's rows by id.

A list page of a province's (or the nation's) rows sorted by a column asks the database to sort every row of the
list; sorted with all their columns and their joined rows, that sort was most of the page's time. `IdsFirst` reads
a slice in two queries, whatever its size: the slice's ids in the list's order (only the columns the filters and
the order need), then those rows by id, shaped by the caller (model instances, values, a small row type).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet


class IdsFirst[Row]:
    """`rows` counted and sliced like a queryset (Django's Paginator and `core.api.paginate` page it), each slice
    read by `read` (ids → {id: row}) after its ids were read in the list's order."""

    def __init__(self, rows: QuerySet[Any], read: Callable[[list[int]], Mapping[int, Row]]) -> None:
        self.rows, self.read = rows, read

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, part: slice) -> list[Row]:
        ids = list(self.rows.values_list("pk", flat=True)[part])
        found = self.read(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]  # one removed in between is left out, as if read later
