"""`zoneledger figures`: the seeds' figures through the command, its JSON contract, and every bad option."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


def figures(*args):
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("figures", *args, stdout=out)
    return out.getvalue()


def test_wenshui_2024_text_is_the_three_sentences_of_the_seed():
    output = figures("--scope", "文水经济开发区", "--year", "2024", "--as-of", "2024-12-31", "--format", "text")
    assert output.splitlines() == [
        '2024年"签约一批"项目共7个，总投资10.55亿元，已开工3个，开工率43%。',
        '2024年"开工一批"项目共4个，总投资16.74亿元，完成投资3.31亿元。',
        '2024年"投产一批"项目共3个，总投资5.65亿元，达产率100%。',
    ]


def test_wenshui_2024_json_keeps_the_contract():
    document = json.loads(figures("--scope", "文水经济开发区", "--year", "2024", "--as-of", "2024-12-31"))
    assert document["scope"] == {"kind": "zone", "name": "文水经济开发区", "code": "141121"}
    assert document["period"] == {"year": 2024}
    assert document["as_of"] == "2024-12-31"
    assert document["signed"] == {"count": 7, "investment_wan": "105500.00", "started": 3, "start_rate": "42.86"}
    assert set(document["started"]) >= {
        "count",
        "investment_wan",
        "completed_wan",
        "completion_rate",
        "commissioned",
        "commission_rate",
    }
    assert (document["started"]["count"], document["started"]["investment_wan"]) == (4, "167400.00")
    assert document["started"]["completed_wan"] == "33100.00"
    assert document["started"]["completion_rate"] == "19.77"  # 33100 / 167400
    assert document["commissioned"]["count"] == 3
    assert document["commissioned"]["investment_wan"] == "56500.00"
    assert (document["commissioned"]["at_capacity"], document["commissioned"]["capacity_rate"]) == (3, "100.00")
    assert "same_year_start_rate" in document


def test_province_round_2023_4_json_counts_233_225_225():
    document = json.loads(figures("--scope", "province", "--round", "2023-4", "--as-of", "2024-12-31"))
    assert document["period"] == {"round": "2023-4"}
    counts = [document[batch]["count"] for batch in ("signed", "started", "commissioned")]
    assert counts == [233, 225, 225]
    assert document["same_year_start_rate"] is None


def test_breakdown_by_zone_and_output_to_a_file(tmp_path):
    target = tmp_path / "lvliang.json"
    figures("--scope", "141100", "--round", "2023-4", "--as-of", "2024-12-31", "--by", "zone", "--output", str(target))
    document = json.loads(target.read_text(encoding="utf-8"))
    rows = document["breakdown"]["rows"]
    assert document["breakdown"]["by"] == "zone"
    assert {row["city_code"] for row in rows} == {"141100"}
    assert sum(row["signed"]["count"] for row in rows) == document["signed"]["count"]


def test_as_a_user_computes_within_their_scope():
    own = json.loads(figures("--scope", "文水经济开发区", "--year", "2024", "--as", "wenshui-viewer"))
    assert own["signed"]["count"] == 7
    with pytest.raises(CommandError, match="孝义经济开发区"):
        figures("--scope", "孝义经济开发区", "--year", "2024", "--as", "wenshui-viewer")


def test_known_at_before_the_demo_was_loaded_sees_an_empty_ledger():
    document = json.loads(figures("--scope", "province", "--year", "2024", "--known-at", "2024-12-31T18:00"))
    assert document["known_at"] == "2024-12-31T18:00:00+08:00"
    assert document["as_of"] == "2024-12-31"
    assert document["signed"]["count"] == 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scope", "火星开发区", "--year", "2024"], "--scope"),
        (["--scope", "province", "--round", "2023/4"], "--round"),
        (["--scope", "province", "--round", "2031-9"], "--round"),
        (["--scope", "province", "--year", "二〇二四"], "--year"),
        (["--scope", "province", "--year", "2024", "--as-of", "2024-13-01"], "--as-of"),
        (["--scope", "province", "--year", "2024", "--known-at", "yesterday"], "--known-at"),
        (["--scope", "province", "--year", "2024", "--format", "xlsx"], "--output"),
        (["--scope", "province", "--year", "2024", "--as", "nobody"], "--as"),
    ],
)
def test_bad_options_are_refused_naming_the_option(args, named):
    with pytest.raises(CommandError, match=named):
        figures(*args)
