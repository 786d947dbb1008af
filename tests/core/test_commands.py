"""CLI helpers of core/commands.py."""

import io

import pytest
from django.core.management import ManagementUtility

from zoneledger.core.commands import aligned, terminal_width


def test_columns_line_up_in_a_terminal_with_chinese_text():
    lines = aligned([("wenshui-editor", "填报员", "文水"), ("auditor", "Auditor", "山西省商务厅")])

    assert lines == ["wenshui-editor  填报员   文水", "auditor         Auditor  山西省商务厅"]
    assert terminal_width("填报员") == 6


def _run_at_the_console(capsys, *argv):
    """A command as a person runs it (`zoneledger VERB ...`): its status and what it wrote on stderr."""
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["zoneledger", *argv]).execute()
    return exited.value.code, capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["figures", "--scope", "nowhere", "--year", "2024"], "nowhere"),
        (["figures", "--scope", "140000", "--round", "9999-9"], "9999-9"),
        (["figures", "--scope", "140000", "--year", "2024", "--as-of", "2024-13-01"], "2024-13-01"),
        (["import", "/nonexistent.xlsx", "--as", "nobody"], "nobody"),
    ],
)
def test_a_refused_command_prints_its_message_alone_and_exits_1(capsys, argv, message):
    status, err = _run_at_the_console(capsys, *argv, "--skip-checks")

    assert status == 1
    assert message in err
    assert "CommandError" not in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_a_restore_with_no_one_to_answer_is_cancelled_without_a_traceback(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    backup = tmp_path / "backup.sqlite3"
    backup.write_bytes(b"")

    status, err = _run_at_the_console(capsys, "restore", str(backup), "--skip-checks")

    assert status == 1
    assert err.strip() == "已取消恢复。"
