"""Domain errors are mapped once: pages answer 404/403/409/400 with the message; commands print one line."""

import io

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.db import connections

from tests.security.sessions import log_in
from zoneledger.accounts.models import User
from zoneledger.audit.models import AuditRecord
from zoneledger.campaigns.models import Round
from zoneledger.core import commands
from zoneledger.core.errors import Conflict, NotAllowed, NotFound
from zoneledger.projects.services import StaleEdit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture
def viewer(client):
    return log_in(client, User.objects.get(username="wenshui-viewer"))


def test_not_found_is_a_404_page(viewer):
    response = viewer.get("/not-found/")
    assert response.status_code == 404


def test_not_allowed_is_django_s_403_and_the_refusal_is_audited(viewer):
    before = AuditRecord.objects.filter(action="access.denied").count()
    response = viewer.get("/not-allowed/")
    assert response.status_code == 403
    assert AuditRecord.objects.filter(action="access.denied").count() == before + 1


def test_a_conflict_is_a_409_page_with_its_message(viewer):
    response = viewer.get("/conflict/")
    assert response.status_code == 409
    assert "项目已被别人修改。" in response.content.decode()
    assert b"<html" in response.content


def test_any_other_domain_error_is_a_400_page_with_its_message(viewer):
    response = viewer.get("/refused/")
    assert response.status_code == 400
    assert "这一步现在不能做。" in response.content.decode()


def test_a_stale_edit_is_a_conflict_carrying_the_current_object():
    current = object()
    stale = StaleEdit(current)
    assert isinstance(stale, Conflict)
    assert stale.current is current
    assert str(stale)


def test_not_allowed_is_a_permission_denied_and_errors_have_default_messages():
    from django.core.exceptions import PermissionDenied

    assert isinstance(NotAllowed(), PermissionDenied)
    assert str(NotFound())
    assert Conflict().current is None


@pytest.fixture
def run_at_console(monkeypatch):
    """Run a command as the console does (run_from_argv): (exit status, stdout, stderr)."""
    # The console closes the connections when the command ends; the test's transaction needs them open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return _run_at_console


def _run_at_console(*argv):
    out, err = io.StringIO(), io.StringIO()
    command = load_command_class(get_commands()[argv[0]], argv[0])
    command.stdout = command.stdout.__class__(out)
    command.stderr = command.stderr.__class__(err)
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["zoneledger", *argv])
    return exit_.value.code, out.getvalue(), err.getvalue()


def test_a_refused_command_prints_one_line_without_traceback_or_prefix(run_at_console):
    before = Round.objects.count()
    status, _out, err = run_at_console("round", "add", "2023-4", "--held-on", "2023-12-01")
    assert status == 1
    assert err.strip().splitlines() == [err.strip()]
    assert "批次 2023-4 已存在" in err
    assert "CommandError" not in err
    assert "Traceback" not in err
    assert Round.objects.count() == before


def test_a_bad_option_value_is_named_in_the_one_line(run_at_console):
    status, _out, err = run_at_console("round", "add", "2031-1", "--held-on", "2031-13-01")
    assert status == 1
    assert err.startswith("--held-on")
    assert "2031-13-01" in err
    assert "CommandError" not in err


def test_called_from_code_a_refusal_is_a_command_error():
    with pytest.raises(CommandError, match="2023-4"):
        call_command("round", "add", "2023-4", "--held-on", "2023-12-01")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (NotFound("没有这个批次。"), "没有这个批次。"),
        (NotAllowed("只有省级管理员可以定义批次。"), "只有省级管理员可以定义批次。"),
        (Conflict("已被修改。"), "已被修改。"),
    ],
)
def test_domain_errors_become_the_command_error_s_message(error, message):
    assert str(commands.as_command_error(error)) == message


def test_every_zoneledger_command_maps_its_errors_through_the_one_base():
    ours = {name: app for name, app in get_commands().items() if app.startswith("zoneledger.")}
    assert ours
    for name, app in ours.items():
        assert isinstance(load_command_class(app, name), commands.BaseCommand), name
