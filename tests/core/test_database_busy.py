"""A busy database (SQLite's write lock held by another transaction for longer than a writer waits) is a 503
"busy, try again" page in the user's language with the navigation, never a 500 or a 400 — whether the view met it
(recording a stage, logging in) or the session's save after the view did. Nothing is half-written."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.security.sessions import log_in
from zoneledger.accounts import session
from zoneledger.core.db import DatabaseBusy, is_database_busy
from zoneledger.demo.builder import DEMO_PASSWORD
from zoneledger.projects import services
from zoneledger.projects.models import Project, StageEvent

pytestmark = pytest.mark.django_db

LOCKED = OperationalError("database is locked")


def locked(*args, **kwargs):
    raise LOCKED


def raised_from(cause):
    """A Django error raised from the driver's, as Django's wrapper raises them."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def test_a_postgresql_server_that_cannot_be_reached_is_busy_too():
    from django.db import InterfaceError
    from psycopg import OperationalError as DriverError
    from psycopg import errors

    assert is_database_busy(raised_from(DriverError("connection failed: Connection refused")))
    assert is_database_busy(raised_from(errors.AdminShutdown("terminating connection due to administrator command")))
    assert is_database_busy(raised_from(errors.CannotConnectNow("the database system is starting up")))
    assert is_database_busy(InterfaceError("connection already closed"))
    # An error of the query or its transaction is not: the server is there and said why.
    assert not is_database_busy(raised_from(errors.UndefinedTable('relation "x" does not exist')))
    assert not is_database_busy(raised_from(errors.DeadlockDetected("deadlock detected")))


def test_a_page_met_by_a_database_restart_gets_the_busy_page_and_writes_nothing(client, monkeypatch, wenshui_editor):
    from psycopg import errors

    project = Project.objects.filter(zone__name="文水经济开发区").first()
    log_in(client, wenshui_editor)

    def restarted(*args, **kwargs):
        raise raised_from(errors.AdminShutdown("terminating connection due to administrator command"))

    monkeypatch.setattr(services, "record_stage", restarted)
    events = StageEvent.objects.count()

    response = client.post(
        reverse("projects:stage_record", args=[project.pk]), {"stage": "signed", "happened_on": "2024-05-06"}
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert StageEvent.objects.count() == events


def test_with_the_database_away_even_for_the_session_the_busy_page_still_answers(monkeypatch, wenshui_editor):
    from psycopg import errors

    client = Client(raise_request_exception=False)  # as the server answers: the error is logged, not raised here
    log_in(client, wenshui_editor)

    def away(*args, **kwargs):
        raise raised_from(errors.AdminShutdown("terminating connection due to administrator command"))

    monkeypatch.setattr("django.contrib.auth.get_user", away)  # who is signed in cannot be read

    response = client.get(reverse("reports:warnings"), headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again in 5 seconds" in response.content.decode()


def test_only_a_locked_database_is_busy():
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = LOCKED

    assert is_database_busy(wrapped)
    assert is_database_busy(DatabaseBusy())
    assert not is_database_busy(OperationalError("no such table: x"))
    assert not is_database_busy(ValueError("database is locked"))


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "请 5 秒后重试"), ("en", "try again in 5 seconds")])
def test_a_stage_recorded_while_the_database_is_busy_gets_the_busy_page(
    client, monkeypatch, wenshui_editor, language, text
):
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    log_in(client, wenshui_editor)
    monkeypatch.setattr(services, "record_stage", locked)
    events = StageEvent.objects.count()

    response = client.post(
        reverse("projects:stage_record", args=[project.pk]),
        {"stage": "signed", "happened_on": "2024-05-06"},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert text in body
    assert 'class="site-nav"' in body  # the navigation, to go on elsewhere
    assert StageEvent.objects.count() == events


def test_an_htmx_request_gets_the_message_alone(client, monkeypatch, wenshui_editor):
    project = Project.objects.filter(zone__name="文水经济开发区").first()
    log_in(client, wenshui_editor)
    monkeypatch.setattr(services, "record_stage", locked)

    response = client.post(
        reverse("projects:stage_record", args=[project.pk]),
        {"stage": "signed", "happened_on": "2024-05-06"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 503
    assert b'data-testid="database-busy"' in response.content
    assert b"<html" not in response.content


def test_a_log_in_while_the_database_is_busy_gets_the_busy_page(monkeypatch):
    client = Client(raise_request_exception=False)
    monkeypatch.setattr(Session, "save", locked)

    response = client.post(reverse("accounts:login"), {"username": "wenshui-editor", "password": DEMO_PASSWORD})

    assert response.status_code == 503
    assert b'data-testid="database-busy"' in response.content


def test_a_session_saved_after_the_page_while_the_database_is_busy_gets_the_busy_page(monkeypatch, wenshui_editor):
    client = Client(raise_request_exception=False)
    log_in(client, wenshui_editor)
    store = client.session
    store[session.LAST_SEEN] -= 120  # the page will note that the user was seen: the session is saved after it
    store.save()
    monkeypatch.setattr(Session, "save", locked)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 503  # not Django's 400 "the session was deleted", nor a 500
    assert b'data-testid="database-busy"' in response.content
