"""Test set-up: every test database holds the national divisions (a data migration), the demo ledger (Shanxi) and a
second province, Hebei, with the nation's users above both (tests/second_province.py)."""

import sqlite3
import time

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import make_org_user

# Examples are judged by their results, not their speed: a loaded CI machine must not fail them on time.
hypothesis_settings.register_profile("zoneledger", deadline=None)
hypothesis_settings.load_profile("zoneledger")


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords at full strength would cost most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Log-in tests fail many times from one address in a row; the waits between tries (accounts/lockout.py) are
    # tested on their own, with the setting back at its default, in tests/accounts/test_lockout.py.
    settings.ZONELEDGER_LOGIN_DELAY_SECONDS = 0
    # Tasks run inline, where they are enqueued: a job has finished when the request that started it returns.
    # Tests of the worker itself use the database backend explicitly (tests/jobs/).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # The working-day calendar's start-up warnings depend on today's date and the installed package, so commands run
    # here would print them or not by the calendar; tests/workdays/test_checks.py checks them with a fixed date.
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "zoneledger.W001", "zoneledger.W002"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's language: a request with another Accept-Language activates it for the
    thread and Django leaves it active after the response, so a later test in the same worker would inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the figures' cache (reports/cached.py) keys its answers by the audit
    chains' heads, which every test's rolled-back transaction puts back where they were, while a test may write rows
    without a service (factories, `.update()`), leaving no record."""
    from django.core.cache import cache

    cache.clear()


class SetUpDatabase:
    """The SQLite test database as `django_db_setup` left it, kept in memory (SQLite's backup).

    A test with a live server (the browser tests, the API over real HTTP) commits, so Django empties the database
    after it (`flush`), and every test after it would find no demo. On SQLite the whole database is copied back from
    this snapshot instead, in a fraction of a second, which leaves it exactly as it was set up. Django's flush took
    10-30 s a test late in the suite and 1 s alone; most of it was the DELETE of the 3,226 divisions, which grew with
    the number of tests run before it (why was not found). On PostgreSQL the flush (TRUNCATE) stays and the browser
    tests load the demo again.
    """

    copy: sqlite3.Connection | None = None

    @classmethod
    def take(cls) -> None:
        from django.db import connection

        connection.ensure_connection()
        cls.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(cls.copy)

    @staticmethod
    def put_back(test_case) -> None:
        """Django's `TransactionTestCase._fixture_teardown`, by copying the snapshot back rather than flushing."""
        from django.db import connection

        assert SetUpDatabase.copy is not None
        assert test_case._databases_names(include_mirrors=False) == ["default"]
        connection.ensure_connection()
        # A request the browser sent as the test ended may still be reading on the live server's thread, from this
        # shared in-memory database; SQLite refuses the copy until the read ends ("database table is locked", or
        # "destination database is in use" on the same connection), so the copy waits for it, up to ten seconds.
        deadline = time.monotonic() + 10
        while True:
            try:
                SetUpDatabase.copy.backup(connection.connection)
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection
    from django.test import TestCase, TransactionTestCase

    from tests.second_province import build_second_province
    from zoneledger.demo.builder import build_orgs, ensure_demo_users, load_demo, load_demo_reports
    from zoneledger.demo.problems import load_demo_problems

    with django_db_blocker.unblock():
        load_demo()
        build_orgs()
        ensure_demo_users()
        load_demo_problems()
        load_demo_reports()
        build_second_province()
        if connection.vendor == "sqlite":
            SetUpDatabase.take()
    with pytest.MonkeyPatch.context() as patch:
        if SetUpDatabase.copy is not None:
            patch.setattr(TransactionTestCase, "_fixture_teardown", SetUpDatabase.put_back)
            # Django checks every foreign key of the database after each test before rolling it back. On SQLite that
            # is PRAGMA foreign_key_check over every row (the demo's 150,000 in reports, their history and audit):
            # a third of the suite's time. PostgreSQL checks the same at the end of every test for the cost of the
            # test's own writes (SET CONSTRAINTS ALL IMMEDIATE), and the CI runs the whole suite there too.
            patch.setattr(TestCase, "_should_check_constraints", lambda _test_case, _connection: False)
        yield


@pytest.fixture
def wenshui_editor(db):
    from zoneledger.accounts.models import User

    return User.objects.get(username="wenshui-editor")


@pytest.fixture
def xiaoyi_editor(db):
    from zoneledger.accounts.models import User

    return User.objects.get(username="xiaoyi-editor")


@pytest.fixture
def lvliang_reviewer(db):
    from zoneledger.accounts.models import User

    return User.objects.get(username="lvliang-reviewer")


@pytest.fixture
def province_admin(db):
    from zoneledger.accounts.models import User

    return User.objects.get(username="province-admin")


@pytest.fixture
def make_user(db):
    return make_org_user


# Problems (tests/problems, the weekly pack, the API): a Wenshui project, users by name, and raising a problem of
# the project the day before 国庆 (2025-09-30 16:00 in Beijing) as Wenshui's editor.
@pytest.fixture
def problem_project(db):
    from zoneledger.projects.models import Project

    return Project.objects.filter(zone__name="文水经济开发区").order_by("pk").first()


@pytest.fixture
def user(db):
    from zoneledger.accounts.models import User

    return lambda username: User.objects.select_related("org").get(username=username)


@pytest.fixture
def raise_problem(problem_project, user):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from zoneledger.problems import services

    def raise_(**overrides):
        editor = user("wenshui-editor")
        facts = {
            "actor": editor,
            "project": problem_project,
            "title": "用地指标未落实",
            "category": "land",
            "level": "ordinary",
            "owner_org": editor.org,
            "raised_at": datetime(2025, 9, 30, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        } | overrides
        return services.problem_raise(**facts)

    return raise_


@pytest.fixture
def session_client(db):
    """`session_client("wenshui-editor")`: a browser logged in as the user, CSRF checked as on the pages."""
    from django.test import Client

    from tests.security.sessions import log_in
    from zoneledger.accounts.models import User

    def make(username):
        client = Client(enforce_csrf_checks=True)
        log_in(client, User.objects.get(username=username))
        client.get("/")  # a page gives the CSRF cookie
        return client

    return make
