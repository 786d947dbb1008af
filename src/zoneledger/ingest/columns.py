"""The template: the two sheets and their columns, a contract shared with the people and tools that write them.

Sheet and column names are data, not interface text: they stay Chinese in every language. Headers are
matched after `normalize_header`, so order is free and spaces, full-width brackets and a `*` marking a
required column are tolerated.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zoneledger.projects.choices import Stage
from zoneledger.projects.services import PROJECT_FACTS

LEDGER_SHEET = "项目台账"
MONTHLY_SHEET = "月度投资"
GUIDE_SHEET = "填报说明"

TEXT, AMOUNT, DATE, MONTH, ROUND, KEY_LEVEL = "text", "amount", "date", "month", "round", "key_level"

FORMAT_HELP = {
    TEXT: _("text"),
    AMOUNT: _("a number with at most two decimals; thousands separators allowed, e.g. 1,234.50"),
    DATE: _("a date cell, or text such as 2024-03-15, 2024/3/15 or 2024年3月15日"),
    MONTH: _("a date cell, or text such as 2024-03 or 2024年3月"),
    ROUND: _("a round such as 2024-1, 2024年第1次 or 2024年第一次"),
    KEY_LEVEL: _("国家级重点项目, 省级重点项目, 市级重点项目 or 县级重点项目; blank: not a key project"),
}


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = TEXT
    required: bool = False
    width: int = 14
    help: str = ""


LEDGER_COLUMNS = (
    Column(
        "项目代码",
        "code",
        width=28,
        help=_(
            "National project code, e.g. 2024-141121-30-03-012345; optional. A row updates the project with this"
            " code, else the project of that name in the zone, else it creates a new project."
        ),
    ),
    Column(
        "项目名称",
        "name",
        required=True,
        width=40,
        help=_("Unique within the zone. Each project on one row only: a second row for it is an error."),
    ),
    Column("开发区", "zone", required=True, width=24, help=_("The zone's full or short name, from the list.")),
    Column("建设单位", "enterprise", width=30, help=_("The enterprise that builds the project.")),
    Column("统一社会信用代码", "uscc", width=22, help=_("18 characters (GB 32100-2015); needs 建设单位.")),
    Column("行业代码", "industry_code", width=10, help=_("GB/T 4754-2017, e.g. C30.")),
    Column("产业链", "chain", width=14, help=_("An industry chain defined in zoneledger.")),
    Column("链环节", "chain_link", width=12, help=_("A link of that chain; needs 产业链.")),
    Column("总投资（万元）", "total_investment", AMOUNT, required=True, width=16),
    Column("用地面积（亩）", "land_mu", AMOUNT, width=14),
    Column("预计年产值（万元）", "expected_output", AMOUNT, width=18),
    Column("预计年税收（万元）", "expected_tax", AMOUNT, width=18),
    Column("实际年产值（万元）", "actual_output", AMOUNT, width=18),
    Column("建设内容", "construction_content", width=40),
    Column("包联领导", "leader_in_charge", width=12),
    Column("重点项目级别", "key_level", KEY_LEVEL, width=14),
    Column("工作专班", "task_force", width=16),
    Column("签约日期", Stage.SIGNED, DATE, width=12),
    Column("签约批次", f"{Stage.SIGNED}_round", ROUND, width=10),
    Column("开工日期", Stage.STARTED, DATE, width=12),
    Column("开工批次", f"{Stage.STARTED}_round", ROUND, width=10),
    Column("投产日期", Stage.COMMISSIONED, DATE, width=12),
    Column("投产批次", f"{Stage.COMMISSIONED}_round", ROUND, width=10),
    Column("达产日期", Stage.AT_CAPACITY, DATE, width=12),
    Column("终止日期", Stage.TERMINATED, DATE, width=12),
)

MONTHLY_COLUMNS = (
    Column("项目代码", "code", width=28, help=_("Identifies the project; or give 项目名称 and 开发区.")),
    Column("项目名称", "name", width=40),
    Column("开发区", "zone", width=24),
    Column("月份", "month", MONTH, required=True, width=10),
    Column("完成投资（万元）", "completed_investment", AMOUNT, required=True, width=18),
    Column(
        "形象进度",
        "physical_progress",
        width=40,
        help=_("Physical progress of the month; optional. Blank, or without this column: the report keeps its own."),
    ),
)

# The stages the ledger sheet records, in lifecycle order (recording them in this order keeps
# "nothing after terminated" true while a row is checked), each with its date and round column.
STAGE_COLUMNS = tuple(
    (stage, column, next((c for c in LEDGER_COLUMNS if c.key == f"{stage}_round"), None))
    for stage in Stage
    for column in LEDGER_COLUMNS
    if column.key == stage
)

# The columns that are project facts set as they are; zone, enterprise, chain and link are looked up by name.
LOOKED_UP = ("zone", "enterprise", "chain", "chain_link")
FACT_KEYS = tuple(
    column.key for column in LEDGER_COLUMNS if column.key in PROJECT_FACTS and column.key not in LOOKED_UP
)

_SPACES = re.compile(r"[\s\u3000*＊]+")


def normalize_header(text):
    """'总投资（万元）' for ' 总投资 (万元) *': no spaces or required marks, full-width brackets."""
    return _SPACES.sub("", str(text)).replace("(", "（").replace(")", "）")


def column_by_header(columns):
    return {normalize_header(column.header): column for column in columns}


_LEDGER_COLUMN_BY_KEY = {column.key: column for column in LEDGER_COLUMNS}
_LEDGER_COLUMN_BY_KEY["enterprise_name"] = _LEDGER_COLUMN_BY_KEY["enterprise"]  # the project's own name of it


def ledger_column(key):
    return _LEDGER_COLUMN_BY_KEY[key]
