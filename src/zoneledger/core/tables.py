"""Sortable table headings, shared by every list page (rendered by templates/includes/sort_header.html)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.http import QueryDict
from django.utils.functional import Promise


@dataclass(frozen=True)
class Column:
    """A sortable column: its sort key in the query string, its heading, how it reads first."""

    key: str
    label: str | Promise
    numeric: bool = False
    descending_first: bool = False  # a first click sorts largest first (days waiting, amounts …)


class SortHeading(TypedDict):
    """A heading as a page shows it: the query string its link carries and its aria-sort state."""

    key: str
    label: str | Promise
    numeric: bool
    query: str  # without the "?"; the page number is dropped, the other filters kept
    aria_sort: str  # "ascending", "descending" or "none"


def sort_headings(
    query: QueryDict, columns: Iterable[Column], *, current: str, param: str = "sort"
) -> list[SortHeading]:
    """The headings of a list sorted by `current` ("key" or "-key"): a click on the sorted column reverses it,
    a click on another sorts by that one in its first direction."""
    headings = []
    for column in columns:
        ascending, descending = current == column.key, current == f"-{column.key}"
        if ascending or descending:
            target = column.key if descending else f"-{column.key}"
        else:
            target = f"-{column.key}" if column.descending_first else column.key
        linked = query.copy()
        linked.pop("page", None)
        linked[param] = target
        headings.append(
            {
                "key": column.key,
                "label": column.label,
                "numeric": column.numeric,
                "query": linked.urlencode(),
                "aria_sort": "ascending" if ascending else "descending" if descending else "none",
            }
        )
    return headings
