"""The write counts the permission matrix relies on (tests/writes.py) see every write, and only writes."""

import pytest
from django.db import connection, transaction

from tests.writes import count_writes, writes
from zoneledger.core.models import WorkdayYear
from zoneledger.projects.models import Project

pytestmark = pytest.mark.django_db


def written_since(before: dict[str, int]) -> dict[str, int]:
    return {table: rows - before.get(table, 0) for table, rows in writes().items() if rows != before.get(table, 0)}


def test_inserts_updates_and_deletes_are_counted_by_table_and_reads_are_not():
    count_writes()
    before = writes()
    project = Project.objects.order_by("pk").first()
    list(Project.objects.all()[:50])
    assert written_since(before) == {}

    Project.objects.filter(pk=project.pk).update(name="改过的名字")
    Project.objects.filter(pk=-1).update(name="没有这一行")
    year = WorkdayYear.objects.create(province_code="140000", year=2041)
    year.delete()
    assert written_since(before) == {Project._meta.db_table: 1, WorkdayYear._meta.db_table: 2}


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the counting triggers are SQLite's: PostgreSQL counts writes itself (pg_stat_xact_user_tables)",
)
def test_on_sqlite_the_counting_triggers_go_with_the_transactions_rollback():
    def temporary_objects():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_temp_master")
            return cursor.fetchone()[0]

    with transaction.atomic():
        count_writes()
        assert temporary_objects() > 100
        transaction.set_rollback(True)
    assert temporary_objects() == 0
