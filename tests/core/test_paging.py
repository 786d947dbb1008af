"""Ids first: a slice is its ids in the list's order, then those rows by id — two queries whatever its size, the
same rows in the same order as the queryset's own slice."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zoneledger.core.paging import IdsFirst
from zoneledger.zones.models import Division

pytestmark = pytest.mark.django_db


def by_id(ids):
    return {division.pk: division for division in Division.objects.filter(pk__in=ids)}


def test_a_page_holds_the_querysets_rows_in_its_order_read_in_two_queries():
    divisions = Division.objects.filter(level="city").order_by("-name", "code")
    pages = Paginator(IdsFirst(divisions, by_id), 7)

    with CaptureQueriesContext(connection) as queries:
        page = pages.get_page(2)
        shown = list(page.object_list)

    assert pages.count == divisions.count()
    assert [division.pk for division in shown] == [division.pk for division in divisions[7:14]]
    assert len(queries) == 3  # the count, the page's ids, their rows


def test_an_empty_page_reads_no_rows_and_a_row_gone_in_between_is_left_out():
    divisions = Division.objects.filter(level="province").order_by("code")
    assert IdsFirst(divisions.none(), by_id)[0:10] == []

    first_two = list(divisions.values_list("pk", flat=True)[:2])
    rows = IdsFirst(divisions, lambda ids: {pk: row for pk, row in by_id(ids).items() if pk != first_two[0]})

    assert [division.pk for division in rows[0:2]] == first_two[1:]
