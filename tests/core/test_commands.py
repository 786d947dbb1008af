"""CLI helpers of core/commands.py."""

from zoneledger.core.commands import aligned, terminal_width


def test_columns_line_up_in_a_terminal_with_chinese_text():
    lines = aligned([("wenshui-editor", "填报员", "文水"), ("auditor", "Auditor", "山西省商务厅")])

    assert lines == ["wenshui-editor  填报员   文水", "auditor         Auditor  山西省商务厅"]
    assert terminal_width("填报员") == 6
