"""Sortable headings: the link each heading carries and the state it announces."""

from django.http import QueryDict

from zoneledger.core.tables import Column, sort_headings

COLUMNS = [Column("name", "Name"), Column("days", "Days", numeric=True, descending_first=True)]


def headings(query, current):
    return {heading["key"]: heading for heading in sort_headings(QueryDict(query), COLUMNS, current=current)}


def test_a_click_on_the_sorted_column_reverses_it_and_keeps_the_filters_but_not_the_page():
    name = headings("level=red&sort=name&page=3", "name")["name"]
    assert name["aria_sort"] == "ascending"
    assert name["query"] == "level=red&sort=-name"
    reversed_name = headings("sort=-name", "-name")["name"]
    assert reversed_name["aria_sort"] == "descending"
    assert reversed_name["query"] == "sort=name"


def test_a_click_on_another_column_sorts_it_in_its_first_direction():
    by_name = headings("sort=name", "name")
    assert by_name["days"]["query"] == "sort=-days"
    assert by_name["days"]["aria_sort"] == "none"
    assert headings("sort=days", "days")["name"]["query"] == "sort=name"
    assert by_name["days"]["numeric"]
