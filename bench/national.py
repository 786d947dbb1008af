"""Benchmark: the whole country's ledger — figures and pages against DuckDB and against hand-written SQL.

    .venv/bin/python -m bench.national --scale 0.1 --backend postgres [--turns 5]

Generates, deterministically and in bulk (COPY on PostgreSQL, through `core.bulk`), a national ledger: 31
provinces with ~2,700 zones (one per county chosen evenly), 8 rounds a province, 300,000 projects with their stage
events (signed 2013-07 … 2024), ~18,000,000 monthly progress rows (every month from a project's start to 2025-06,
3 % missing, 95 % approved), a report version for each month of 2025 (the review history the pages read), a
problem for one project in ten and four milestones for three in ten. `--scale 0.1` is ten times smaller (zones too),
`--scale 0.01` a hundred. The database is its own: the PostgreSQL database `zl_national` (dropped and re-created;
server from BENCH_POSTGRES_URL) or a temporary SQLite file. With `--reuse`, a PostgreSQL ledger generated earlier at
the same scale is kept (its sizes are recorded in the table `bench_national` in the generating transaction).

Before any clock starts, the rows the hand-written queries read are exported to Parquet for DuckDB. Then, for
each measure, the application's code (the selectors and figures the pages and API call), one hand-written SQL query
(or one per part) on the same database, and the same SQL text in DuckDB over the Parquet files run in `--turns`
turns that alternate which side goes first; the table shows medians, the last line is JSON with the ratios
(application ÷ hand SQL, application ÷ DuckDB). Every measure's results are compared between the three; any
difference fails the run. Each figure is also computed a second way, as known now (`known_at`), which counts from
the events where the live figures read the days cached on the projects (`Project.started_on` …): any difference
fails the run too.

A page's time is mostly its queries at scale, but at small sizes the application's side also holds a constant
Python part (building the filter set and the ORM's statements, binding their parameters) the hand-written side does
not have. So for each page, on PostgreSQL, the statements each side sent are also timed by the server itself
(`EXPLAIN (ANALYZE, TIMING OFF)`: planning and execution, no rows sent) in alternating turns: the table's
"server ÷ hand SQL" compares the page's queries with the hand-written ones, and the JSON line adds `server_vs_sql`.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.figures import (
    HAND_SQL,
    LOADED_AT,
    ROUND_DAYS,
    first_of_next_month,
    orm_numbers,
    plan_events,
    setup_django,
)

SEED = 20261202
PROJECTS, MONTHLY_ROWS, ZONES = 300_000, 18_000_000, 2_700
FIRST_SIGNED, SIGNING_YEARS = date(2013, 7, 1), 11
LEDGER_END = date(2025, 6, 30)
VERSIONS_FROM = date(2025, 1, 1)
YEAR, ROUND, AS_OF = 2024, (2024, 4), date(2024, 12, 31)
TODAY, WEEK_DAY = date(2025, 6, 30), date(2025, 6, 25)
PROVINCE = "140000"  # Shanxi: the province whose pages are measured
NOT_MAINLAND = ("710000", "810000", "820000")
PAGE = 50
DATABASE = "zl_national"


# -- the ledger ----------------------------------------------------------------------------------------------------


def insert(model, names, rows, **shared):
    """`core.bulk.insert_rows` with every other field at its default (the rows a service would write)."""
    from zoneledger.core.bulk import insert_rows

    given = {*names, *shared}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in given:
            continue
        shared[field.name] = field.get_default()
    insert_rows(model, names, rows, **shared)


def pick_counties(provinces, total):
    """About `total` counties, each province's share by its number of counties (at least one), evenly spaced."""
    from zoneledger.zones.models import Division

    counties = {province.code: [] for province in provinces}
    for county in Division.objects.filter(level="county").order_by("code"):
        counties.get(county.code[:2] + "0000", []).append(county)
    everywhere = sum(len(found) for found in counties.values())
    chosen = []
    for province in provinces:
        found = counties[province.code]
        wanted = max(1, round(total * len(found) / everywhere))
        step = len(found) / wanted
        chosen += [found[int(index * step)] for index in range(min(wanted, len(found)))]
    return chosen


def generate(scale):
    """The national ledger in bulk; returns the row counts."""
    from zoneledger.accounts.models import OrgUnit, User
    from zoneledger.campaigns.models import Round
    from zoneledger.core.bulk import allocate_ids
    from zoneledger.milestones.models import Milestone
    from zoneledger.problems.models import Problem, ProblemStep
    from zoneledger.progress.models import ReportVersion
    from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
    from zoneledger.projects.workflow import REACHED_FIELDS, LiveEvent, reached_on
    from zoneledger.zones.models import Division, Zone

    rng = random.Random(SEED)
    provinces = list(Division.objects.filter(level="province").exclude(code__in=NOT_MAINLAND).order_by("code"))
    zones = Zone.objects.bulk_create(
        Zone(
            name=f"{county.name}开发区（{county.code}）",
            kind="edz",
            level="provincial",
            division=county,
            city_id=county.parent_id,
            province_id=county.code[:2] + "0000",
        )
        for county in pick_counties(provinces, max(len(provinces), round(ZONES * scale)))
        if county.parent_id
    )
    # A province's rounds that exist already (the demo's Shanxi, under the load test) are kept and used.
    held = set(Round.objects.values_list("province_id", "year", "sequence"))
    Round.objects.bulk_create(
        Round(province_id=province.code, year=year, sequence=sequence, held_on=held_on)
        for province in provinces
        for (year, sequence), held_on in ROUND_DAYS.items()
        if (province.code, year, sequence) not in held
    )
    rounds = {province.code: [] for province in provinces}
    for province_id, year, sequence, held_on, pk in Round.objects.values_list(
        "province_id", "year", "sequence", "held_on", "pk"
    ).order_by("held_on"):
        if (year, sequence) in ROUND_DAYS and province_id in rounds:
            rounds[province_id].append((held_on, pk))
    if not OrgUnit.objects.filter(kind="nation").exists():  # a migration makes the nation's org
        OrgUnit.objects.create(kind="nation", name="商务部")
    people = {}
    for province in provinces:
        org, _ = OrgUnit.objects.get_or_create(kind="province", division=province, name=f"{province.name}商务厅")
        people[province.code] = (
            org.pk,
            User.objects.create(username=f"bench-{province.code}", org=org, role="admin").pk,
        )

    count = round(PROJECTS * scale)
    project_ids = allocate_ids(Project, count)
    projects, events = [], []
    for project_id in project_ids:
        zone = zones[rng.randrange(len(zones))]
        planned = plan_events(rng, project_id, rounds[zone.province_id], first=FIRST_SIGNED, years=SIGNING_YEARS)
        events += [(project_id, zone.province_id, stage, day, round_id) for _, stage, day, round_id in planned]
        projects.append((project_id, zone, planned))
    insert(
        Project,
        ["id", "zone", "province", "name", "stage", *REACHED_FIELDS.values(), "total_investment"],
        (
            (
                project_id,
                zone.pk,
                zone.province_id,
                f"项目{project_id:07d}",
                planned[-1][1],
                *reached_on([LiveEvent(stage, day) for _, stage, day, _ in planned]).values(),
                Decimal(rng.choice([1500, 3000, 5000, 8000, 12000, 20000, 50000, 120000])),
            )
            for project_id, zone, planned in projects
        ),
        created_at=LOADED_AT,
        updated_at=LOADED_AT,
    )
    insert(StageEvent, ["project", "province", "stage", "happened_on", "round"], events, recorded_at=LOADED_AT)

    monthly, versions = 0, []

    def months():
        nonlocal monthly
        limit = round(MONTHLY_ROWS * scale)
        for project_id, zone, planned in projects:
            started = next((day for _, stage, day, _ in planned if stage == "started"), None)
            if started is None:
                continue
            month = date(started.year, started.month, 1)
            while month <= LEDGER_END and monthly < limit:
                if rng.random() >= 0.03:
                    approved = rng.random() < 0.95
                    amount = Decimal(rng.randint(10_000, 50_000_000)) / 100
                    if month >= VERSIONS_FROM:
                        versions.append((project_id, zone.province_id, month, amount, approved))
                    monthly += 1
                    yield project_id, zone.province_id, month, amount, "approved" if approved else "submitted"
                month = first_of_next_month(month)

    insert(
        MonthlyProgress,
        ["project", "province", "month", "completed_investment", "status"],
        months(),
        submitted_at=LOADED_AT,
    )
    insert(
        ReportVersion,
        ["project", "province", "month", "amount", "state", "reviewed_at"],
        (
            (
                project_id,
                province,
                month,
                amount,
                "approved" if approved else "submitted",
                LOADED_AT if approved else None,
            )
            for project_id, province, month, amount, approved in versions
        ),
        created_at=LOADED_AT,
        submitted_at=LOADED_AT,
    )

    problem_rows, steps = [], []
    problem_ids = allocate_ids(Problem, count // 10)
    for problem_id in problem_ids:
        project_id, zone, _planned = projects[rng.randrange(len(projects))]
        raised = datetime(2024, 7, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(365 * 24))
        state = rng.choice(["raised", "planned", "replied", "solved", "closed"])
        solved = raised + timedelta(days=rng.randint(1, 30)) if state in ("solved", "closed") else None
        org, user = people[zone.province_id]
        day = raised.date()
        problem_rows.append(
            (
                problem_id,
                zone.province_id,
                zone.pk,
                project_id,
                f"问题{problem_id}",
                rng.choice(["land", "funding"]),
                user,
                raised,
                org,
                state,
                rng.choice(["zone", "city", "province"]),
                day + timedelta(days=1),
                day + timedelta(days=3),
                day + timedelta(days=10),
                solved,
            )
        )
        steps.append((problem_id, zone.province_id, "raise", "raised", raised, user, "zone"))
    insert(
        Problem,
        [
            "id",
            "province",
            "zone",
            "project",
            "title",
            "category",
            "raised_by",
            "raised_at",
            "owner_org",
            "state",
            "tier",
            "plan_due",
            "reply_due",
            "solve_due",
            "solved_at",
        ],
        problem_rows,
    )
    insert(ProblemStep, ["problem", "province", "step", "to_state", "at", "actor", "tier"], steps)

    milestones = []
    for project_id, zone, planned in projects:
        if rng.random() >= 0.3:
            continue
        signed_on = planned[0][2]
        for position in range(1, 5):
            planned_on = signed_on + timedelta(days=rng.randint(30, 900))
            done = planned_on + timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.5 else None
            target = position == 4 and len(planned) == 1
            kind, stage = ("stage_target", "started") if target else ("construction", "")
            milestones.append(
                (project_id, zone.province_id, f"节点{position}", kind, stage, planned_on, done, position)
            )
    insert(
        Milestone,
        ["project", "province", "title", "kind", "stage", "planned_on", "done_on", "position"],
        milestones,
        created_at=LOADED_AT,
    )
    return {
        "provinces": len(provinces),
        "zones": len(zones),
        "projects": count,
        "events": len(events),
        "monthly rows": monthly,
        "report versions": len(versions),
        "problems": len(problem_rows),
        "milestones": len(milestones),
    }


# -- DuckDB over Parquet -------------------------------------------------------------------------------------------

# The tables and columns the hand-written queries read (the same text runs in both engines).
EXPORTED = {
    "zones_zone": ["id", "name", "short_name", "city_id", "province_id"],
    "accounts_orgunit": ["id", "name"],
    "accounts_user": ["id", "username"],
    "core_workdayoverride": ["province_code", "day", "working"],
    "zones_division": ["code", "name"],
    "chains_chain": ["id", "name"],
    "campaigns_round": ["id", "year", "sequence"],
    "projects_project": [
        "id",
        "zone_id",
        "province_id",
        "name",
        "code",
        "enterprise_name",
        "chain_id",
        "stage",
        "total_investment",
        "leader_in_charge",
    ],
    "projects_stageevent": ["id", "project_id", "province_id", "stage", "happened_on", "round_id", "voided"],
    "projects_monthlyprogress": ["project_id", "province_id", "month", "completed_investment", "status"],
    "progress_reportversion": ["project_id", "province_id", "month", "state", "counted_until"],
    "milestones_milestone": [
        "id",
        "project_id",
        "province_id",
        "title",
        "owner",
        "kind",
        "stage",
        "planned_on",
        "done_on",
        "dropped",
    ],
    "problems_problem": [
        "id",
        "province_id",
        "zone_id",
        "project_id",
        "owner_org_id",
        "owner_id",
        "title",
        "category",
        "level",
        "state",
        "tier",
        "plan_due",
        "reply_due",
        "solve_due",
        "raised_at",
        "solved_at",
    ],
}


def export_parquet(folder):
    """Each table's columns written to Parquet by DuckDB, read from the database through a CSV file."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    for table, columns in EXPORTED.items():
        csv_path, parquet = folder / f"{table}.csv", folder / f"{table}.parquet"
        with connection.cursor() as cursor:
            types = column_types(cursor, table, columns)
            select = f"SELECT {', '.join(columns)} FROM {table}"
            if connection.vendor == "postgresql":
                with open(csv_path, "wb") as out, cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as copy:
                    for block in copy:
                        out.write(block)
            else:
                import csv

                cursor.execute(select)
                with open(csv_path, "w", newline="") as out:
                    writer = csv.writer(out)
                    while block := cursor.fetchmany(50_000):
                        writer.writerows(block)
        spec = ", ".join(f"'{name}': '{kind}'" for name, kind in zip(columns, types, strict=True))
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header = false, auto_detect = false, columns = {{{spec}}}))"
            f" TO '{parquet}' (FORMAT parquet)"
        )
        csv_path.unlink()
    duck.close()


def column_types(cursor, table, columns):
    """The DuckDB type of each column, from the Django field that made it."""
    from django.apps import apps

    model = next(model for model in apps.get_models() if model._meta.db_table == table)
    by_column = {field.column: field for field in model._meta.concrete_fields}
    kinds = []
    for column in columns:
        field = by_column[column].target_field if by_column[column].is_relation else by_column[column]
        internal = field.get_internal_type()
        kinds.append(
            {
                "BooleanField": "BOOLEAN",
                "DateField": "DATE",
                "DateTimeField": "TIMESTAMPTZ",
            }.get(internal, "BIGINT" if "Integer" in internal or "AutoField" in internal else "VARCHAR")
        )
    return kinds


def duckdb_session(folder):
    import duckdb

    duck = duckdb.connect()
    duck.execute("SET threads = 2")
    duck.execute("SET TimeZone = 'UTC'")
    for table in EXPORTED:
        duck.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    return duck


# -- the hand-written queries (one SQL text for PostgreSQL, SQLite and DuckDB) -------------------------------------


def literal(value):
    """A value as SQL text all three engines compare alike: dates and times as strings, numbers as they are."""
    if isinstance(value, datetime):
        return f"'{value.astimezone(UTC):%Y-%m-%d %H:%M:%S}'"
    if isinstance(value, date | str):
        return f"'{value}'"
    return str(value)


def figures_sql(group, *, sequence, province=None):
    column = {"total": None, "province": "z.province_id", "city": "z.city_id", "zone": "z.id"}[group]
    sql = HAND_SQL.format(
        group=f"{column}," if column else "",
        group_by=f"GROUP BY {column} ORDER BY {column}" if column else "",
        where=f"e.province_id = {literal(province)} AND " if province else "",
    )
    params = {
        "year": YEAR,
        "sequence": sequence,
        "as_of": AS_OF,
        "year_start": date(YEAR, 1, 1),
        "year_end": min(AS_OF, date(YEAR, 12, 31)),
    }
    return sql % {name: literal(value) for name, value in params.items()}


# The ledger page's columns: code, name, zone, enterprise, stage, investment, leader, chain.
LEDGER_SQL = """
SELECT p.id, z.name, c.name, p.code, p.name, z.short_name, p.enterprise_name, p.stage, p.total_investment,
       p.leader_in_charge
FROM projects_project p JOIN zones_zone z ON z.id = p.zone_id LEFT JOIN chains_chain c ON c.id = p.chain_id
WHERE p.stage = 'started'
ORDER BY p.total_investment DESC, p.id
LIMIT {limit} OFFSET {offset}
"""
LEDGER_COUNT = "SELECT COUNT(*) FROM projects_project p WHERE p.stage = 'started'"

# The list shows each project's name, zone, city, investment, signing date, days and level (from target_missed).
SIGNED_NOT_STARTED_SQL = """
WITH waiting AS (
    SELECT p.id, p.name, z.name AS zone, z.city_id, c.name AS city, p.total_investment,
           (SELECT MAX(e.happened_on) FROM projects_stageevent e
            WHERE e.project_id = p.id AND NOT e.voided AND e.stage = 'signed' AND e.happened_on <= {as_of})
             AS signed_on,
           EXISTS (SELECT 1 FROM milestones_milestone m
                   WHERE m.project_id = p.id AND NOT m.dropped AND m.kind = 'stage_target' AND m.stage = 'started'
                     AND m.planned_on < {as_of} AND (m.done_on IS NULL OR m.done_on > {as_of})) AS target_missed
    FROM projects_project p JOIN zones_zone z ON z.id = p.zone_id LEFT JOIN zones_division c ON c.code = z.city_id
    WHERE p.province_id = '{province}'
      AND NOT EXISTS (SELECT 1 FROM projects_stageevent e
                      WHERE e.project_id = p.id AND NOT e.voided AND e.happened_on <= {as_of}
                        AND e.stage NOT IN ('pipeline', 'signed'))
)
SELECT id, signed_on, target_missed, name, zone, city, total_investment FROM waiting
WHERE signed_on IS NOT NULL {level}
ORDER BY signed_on, city_id, zone, name, id
"""

# The queue's page shows each problem's colour (red: a running deadline missed; yellow: one due by the next working
# day), title, project, zone, category, level, state, tier, owner and solve deadline.
PROBLEMS_SQL = """
SELECT q.id,
       CASE WHEN (q.state = 'raised' AND q.plan_due < {as_of})
                 OR (q.state IN ('raised', 'planned') AND q.reply_due < {as_of})
                 OR (q.state IN {open} AND q.solve_due < {as_of}) THEN 'red'
            WHEN (q.state = 'raised' AND q.plan_due <= {due_by})
                 OR (q.state IN ('raised', 'planned') AND q.reply_due <= {due_by})
                 OR (q.state IN {open} AND q.solve_due <= {due_by}) THEN 'yellow'
            ELSE 'green' END,
       q.title, p.name, z.name, z.short_name, q.category, q.level, q.state, q.tier, o.name, q.solve_due
FROM problems_problem q
JOIN zones_zone z ON z.id = q.zone_id
LEFT JOIN projects_project p ON p.id = q.project_id
LEFT JOIN accounts_orgunit o ON o.id = q.owner_org_id
WHERE q.province_id = '{province}'
ORDER BY q.raised_at DESC, q.id DESC LIMIT {limit}
"""
CALENDAR_SQL = "SELECT day, working FROM core_workdayoverride WHERE province_code = '{province}'"
PROBLEMS_COUNT = "SELECT COUNT(*) FROM problems_problem q WHERE q.province_id = '{province}'"

# The weekly pack computes what it prints: each list's columns, the milestones' lights, the overdue problems' days.
WEEK_CHANGES_SQL = """
SELECT e.id, e.happened_on, p.name, z.name, e.stage
FROM projects_stageevent e JOIN projects_project p ON p.id = e.project_id JOIN zones_zone z ON z.id = p.zone_id
WHERE e.province_id = '{province}' AND NOT e.voided AND e.happened_on >= {start} AND e.happened_on <= {end}
ORDER BY e.happened_on, p.name, e.id
"""
WEEK_MILESTONES_SQL = """
SELECT m.id, m.planned_on, m.title, p.name, z.name, m.owner,
       CASE WHEN m.planned_on < {as_of} THEN 'red' WHEN m.planned_on <= {yellow_until} THEN 'yellow'
            ELSE 'green' END
FROM milestones_milestone m JOIN projects_project p ON p.id = m.project_id JOIN zones_zone z ON z.id = p.zone_id
WHERE m.province_id = '{province}' AND NOT m.dropped AND (m.done_on IS NULL OR m.done_on > {as_of})
  AND m.planned_on <= {until}
ORDER BY m.id
"""


def any_event_of(stages, before):
    """SQL: the project `p` has a live event of one of `stages` dated before `before` — one EXISTS per stage, ORed,
    because SQLite 3.40 answers a correlated EXISTS over `stage IN (…)` wrongly once ANALYZE has run (as
    `StageEventQuerySet.exist_in` knows)."""
    return " OR ".join(
        f"EXISTS (SELECT 1 FROM projects_stageevent e WHERE e.project_id = p.id AND NOT e.voided"
        f" AND e.stage = '{stage}' AND e.happened_on < {before})"
        for stage in stages
    )


WEEK_MISSING_SQL = """
SELECT p.id, p.name, z.name,
       CASE WHEN EXISTS (SELECT 1 FROM progress_reportversion v WHERE v.project_id = p.id AND v.month = {month}
                         AND v.state = 'draft') THEN 'draft' ELSE 'missing' END
FROM projects_project p JOIN zones_zone z ON z.id = p.zone_id
WHERE p.province_id = '{province}'
  AND ({started_by_next_month})
  AND NOT ({stopped_reporting_by_month})
  AND (EXISTS (SELECT 1 FROM progress_reportversion v WHERE v.project_id = p.id AND v.month = {month}
               AND v.state = 'draft')
       OR NOT EXISTS (SELECT 1 FROM progress_reportversion v WHERE v.project_id = p.id AND v.month = {month}
                      AND (v.state IN ('draft', 'submitted', 'returned')
                           OR (v.state = 'approved' AND v.counted_until IS NULL)))
          AND NOT EXISTS (SELECT 1 FROM projects_monthlyprogress h WHERE h.project_id = p.id AND h.month = {month}))
ORDER BY p.id
""".replace(
    "{started_by_next_month}", any_event_of(("started", "commissioned", "at_capacity"), "{next_month}")
).replace("{stopped_reporting_by_month}", any_event_of(("commissioned", "at_capacity", "terminated"), "{month}"))

WEEK_PROBLEM_COLUMNS = """
SELECT q.id, q.title, p.name, z.name, o.name, u.username, q.state, q.solve_due, q.tier{more}
FROM problems_problem q
JOIN zones_zone z ON z.id = q.zone_id
LEFT JOIN projects_project p ON p.id = q.project_id
LEFT JOIN accounts_orgunit o ON o.id = q.owner_org_id
LEFT JOIN accounts_user u ON u.id = q.owner_id
WHERE q.province_id = '{province}' AND {where}
ORDER BY q.id
"""
WEEK_PROBLEMS_SQL = WEEK_PROBLEM_COLUMNS.replace("{where}", "q.{column} >= {first} AND q.{column} < {after}").replace(
    "{more}", ""
)
# The running deadlines missed; days overdue count from the earliest (`days_overdue`: SQLite has no LEAST and no date
# arithmetic, so the three engines share this SQL and the subtraction is done on the rows).
WEEK_OVERDUE_SQL = WEEK_PROBLEM_COLUMNS.replace(
    "{more}",
    """, CASE WHEN q.state = 'raised' AND q.plan_due < {as_of} THEN q.plan_due END,
       CASE WHEN q.state IN ('raised', 'planned') AND q.reply_due < {as_of} THEN q.reply_due END,
       CASE WHEN q.state IN {open} AND q.solve_due < {as_of} THEN q.solve_due END""",
).replace(
    "{where}",
    """((q.state = 'raised' AND q.plan_due < {as_of}) OR (q.state IN ('raised', 'planned') AND q.reply_due < {as_of})
     OR (q.state IN {open} AND q.solve_due < {as_of}))""",
)


def ids(rows):
    return [row[0] for row in rows]


def days_overdue(missed, as_of):
    """Days since the earliest of the deadlines missed (None where one is not)."""
    return (as_of - min(_date(day) for day in missed if day is not None)).days


# -- the measures --------------------------------------------------------------------------------------------------


def measures(run, *, nation_viewer, province_viewer, province_user):
    """(name, kind, the application's side, the hand-written side taking a `run(sql)`) for each measure."""
    from django.core.paginator import Paginator

    from zoneledger.accounts.scope import user_scope, user_scope_in
    from zoneledger.core.calendar import WorkingCalendar
    from zoneledger.milestones.selectors import yellow_days as milestone_yellow_days
    from zoneledger.problems.choices import OPEN_STATES
    from zoneledger.problems.selectors import problem_filter, queue_rows
    from zoneledger.progress.selectors import last_due_month
    from zoneledger.projects.selectors import project_list, project_page_rows
    from zoneledger.reports.figures import Period, batch_figures, breakdown, signed_not_started_rows
    from zoneledger.reports.weekly import week_of, weekly_pack

    nation = user_scope(nation_viewer)
    province = user_scope_in(province_viewer, PROVINCE)
    year, round_ = Period.for_year(YEAR), Period(*ROUND)
    literals = {"province": PROVINCE, "as_of": literal(TODAY)}

    def figures(scope, viewer, sql_province):
        return (
            lambda known_at=None: orm_numbers(
                batch_figures(user=viewer, scope=scope, period=year, as_of=AS_OF, known_at=known_at)
            ),
            lambda run: tuple(
                _number(value) for value in run(figures_sql("total", sequence=0, province=sql_province))[0]
            ),
        )

    def bulletin(scope, viewer, groups, sql_province):
        def application(known_at=None):
            moments = {"as_of": AS_OF, "known_at": known_at}
            total = orm_numbers(batch_figures(user=viewer, scope=scope, period=round_, **moments))[:10]
            rows = {
                group: sorted(
                    orm_numbers(row, row.key)[:11]
                    for row in breakdown(user=viewer, scope=scope, period=round_, by=group, **moments)
                )
                for group in groups
            }
            return total, rows

        def hand(run):
            total = tuple(
                _number(value) for value in run(figures_sql("total", sequence=ROUND[1], province=sql_province))[0][:10]
            )
            rows = {
                group: sorted(
                    tuple(_number(value) for value in row[:11])
                    for row in run(figures_sql(group, sequence=ROUND[1], province=sql_province))
                )
                for group in groups
            }
            return total, rows

        return application, hand

    ledger_filters = {"stage": "started", "sort": "-investment"}
    # The ministry's ledger: the longest list anyone pages through.
    ledger_count = project_list(user=nation_viewer, filters=ledger_filters).count()
    deep = max(1, ledger_count // PAGE // 2)

    def ledger(number):
        def application():
            rows = project_page_rows(project_list(user=nation_viewer, filters=ledger_filters))  # as the page
            page = Paginator(rows, PAGE).get_page(number)
            shown = [(project.pk, project.zone.name, project.chain.name if project.chain else None) for project in page]
            return page.paginator.count, shown

        def hand(run):
            count = run(LEDGER_COUNT.format(**literals))[0][0]
            offset = (number - 1) * PAGE
            return count, [tuple(row[:3]) for row in run(LEDGER_SQL.format(**literals, limit=PAGE, offset=offset))]

        return application, hand

    def warnings():
        rows = signed_not_started_rows(user=province_viewer, scope=province, as_of=TODAY)
        return rows.count(), [(row.project_id, row.signed_on, row.target_missed) for row in rows[:PAGE]]

    def warnings_hand(run):
        found = run(SIGNED_NOT_STARTED_SQL.format(**literals, level=""))
        return len(found), [(row[0], _date(row[1]), bool(row[2])) for row in found[:PAGE]]

    def queue():
        queue = problem_filter(user=province_user, data={}, as_of=TODAY, listed=True)  # as the page asks
        page = Paginator(queue_rows(queue.qs), PAGE).get_page(1)
        return page.paginator.count, [
            (row.pk, row.colour, row.title, row.project_name, row.zone_name, row.state, row.owner_org, row.solve_due)
            for row in page.object_list
        ]

    def queue_hand(run):
        calendar = WorkingCalendar(overrides=dict(run(CALENDAR_SQL.format(**literals))))
        open_states = "(" + ", ".join(f"'{state}'" for state in OPEN_STATES) + ")"
        due_by = literal(calendar.add_working_days(TODAY, 1))
        rows = run(PROBLEMS_SQL.format(**literals, due_by=due_by, open=open_states, limit=PAGE))
        return run(PROBLEMS_COUNT.format(**literals))[0][0], [(*row[:5], row[8], *row[10:]) for row in rows]

    start, end = week_of(WEEK_DAY)
    week_as_of = min(end, TODAY)
    report_month = last_due_month(week_as_of)

    def pack():
        made = weekly_pack(user=province_viewer, scope=province, day=WEEK_DAY, today=TODAY)
        return (
            sorted(event.pk for event in made.stage_changes),
            sorted(row.project_id for row in made.signed_not_started),
            sorted((milestone.pk, milestone.light) for milestone in made.milestones),
            sorted((row.project.pk, row.state) for row in made.missing_reports),
            sorted(problem.pk for problem in made.problems.raised),
            sorted(problem.pk for problem in made.problems.solved),
            sorted((late.problem.pk, late.days) for late in made.problems.overdue),
        )

    def pack_hand(run):
        from django.conf import settings

        yellow_days = settings.ZONELEDGER_WARNING_YELLOW_DAYS
        week = {"province": PROVINCE, "start": literal(start), "end": literal(end), "as_of": literal(week_as_of)}
        yellow = literal(week_as_of - timedelta(days=yellow_days))
        first = datetime.combine(start, datetime.min.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
        after = first + timedelta(days=7)
        month = {"month": literal(report_month), "next_month": literal(first_of_next_month(report_month))}
        problems = {"province": PROVINCE, "first": literal(first), "after": literal(after)}
        until = literal(start + timedelta(weeks=2, days=-1))
        lights = {"until": until, "yellow_until": literal(week_as_of + timedelta(days=milestone_yellow_days()))}
        open_states = "(" + ", ".join(f"'{state}'" for state in OPEN_STATES) + ")"
        return (
            sorted(ids(run(WEEK_CHANGES_SQL.format(**week)))),
            sorted(
                ids(run(SIGNED_NOT_STARTED_SQL.format(**week, level=f"AND (signed_on <= {yellow} OR target_missed)")))
            ),
            sorted((row[0], row[-1]) for row in run(WEEK_MILESTONES_SQL.format(**week, **lights))),
            sorted((row[0], row[-1]) for row in run(WEEK_MISSING_SQL.format(province=PROVINCE, **month))),
            ids(run(WEEK_PROBLEMS_SQL.format(**problems, column="raised_at"))),
            ids(run(WEEK_PROBLEMS_SQL.format(**problems, column="solved_at"))),
            sorted(
                (row[0], days_overdue(row[-3:], week_as_of))
                for row in run(WEEK_OVERDUE_SQL.format(**week, open=open_states))
            ),
        )

    return [
        ("national year figures 2024", "figure", *figures(nation, nation_viewer, None)),
        ("province year figures 2024", "figure", *figures(province, province_viewer, PROVINCE)),
        ("round bulletin 2024-4 by province (nation)", "figure", *bulletin(nation, nation_viewer, ["province"], None)),
        (
            "round bulletin 2024-4 by city and zone (province)",
            "figure",
            *bulletin(province, province_viewer, ["city", "zone"], PROVINCE),
        ),
        ("ledger page 1 (nation, started, by investment)", "page", *ledger(1)),
        (f"ledger page {deep} of the same", "page", *ledger(deep)),
        ("warnings 签约未开工 page 1", "page", warnings, warnings_hand),
        ("problem queue page 1", "page", queue, queue_hand),
        ("weekly pack (province)", "page", pack, pack_hand),
    ]


def _number(value):
    return value if isinstance(value, str) else int(value or 0)


def _date(value):
    """A date as the database gave it: SQLite's SQL gives text, PostgreSQL and DuckDB give dates."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def sent_statements(work):
    """The SQL statements `work()` sends to the database, as sent (parameters bound)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sent:
        work()
    return [query["sql"] for query in sent.captured_queries]


def server_seconds(statements):
    """The PostgreSQL server's own time for `statements`, summed: each one's planning and execution as `EXPLAIN
    ANALYZE` reports them (without per-node timing, whose clock reads would weigh on small plans)."""
    from django.db import connection

    total = 0.0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            summary = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            total += summary["Planning Time"] + summary["Execution Time"]
    return total / 1000


def server_medians(sides, turns):
    """{side: median server seconds} for the statements each of `sides` sends, in turns alternating which goes
    first."""
    statements = {side: sent_statements(work) for side, work in sides.items()}
    times = {side: [] for side in sides}
    for turn in range(turns):
        for side in list(sides) if turn % 2 == 0 else list(reversed(sides)):
            times[side].append(server_seconds(statements[side]))
    return {f"server {side}": statistics.median(values) for side, values in times.items()}


def generated(scale, *, reuse):
    """(sizes, seconds) of the ledger in the database: generated now, or (`reuse`) as recorded by an earlier run at
    the same scale."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_national (scale TEXT PRIMARY KEY, sizes TEXT, seconds REAL)")
        cursor.execute("SELECT scale, sizes, seconds FROM bench_national")
        recorded = cursor.fetchall()
    if reuse and [row[0] for row in recorded] == [str(scale)]:
        return json.loads(recorded[0][1]), recorded[0][2]
    if recorded:
        raise SystemExit(f"{DATABASE} holds another ledger; run without --reuse to generate it again")
    started = time.perf_counter()
    with transaction.atomic():
        sizes = generate(scale)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_national VALUES (%s, %s, %s)", [str(scale), json.dumps(sizes), seconds])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return sizes, seconds


def run_backend(backend, scale, turns, *, reuse=False, only=None):
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(backend, Path(workdir), database=DATABASE, keep=reuse)
        from django.db import connection

        from zoneledger.accounts.models import OrgUnit, User

        sizes, generated_in = generated(scale, reuse=reuse)
        folder = Path(workdir) / "parquet"
        folder.mkdir()
        export_parquet(folder)
        duck = duckdb_session(folder)

        nation_viewer = User(username="bench-nation", org=OrgUnit.objects.get(kind="nation"), role="viewer")
        province_org = OrgUnit.objects.get(kind="province", division_id=PROVINCE)
        province_viewer = User(username="bench-viewer", org=province_org, role="viewer")
        province_user = User.objects.get(username=f"bench-{PROVINCE}")

        def on_database(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

        def on_duckdb(sql):
            return duck.execute(sql).fetchall()

        results = {"backend": backend, "scale": scale, "sizes": sizes, "generated_in": generated_in, "rows": []}
        chosen = measures(
            on_database, nation_viewer=nation_viewer, province_viewer=province_viewer, province_user=province_user
        )
        for name, kind, application, hand in chosen:
            if only and only not in name:
                continue
            sides = {
                "application": application,
                "hand SQL": lambda hand=hand: hand(on_database),
                "DuckDB": lambda hand=hand: hand(on_duckdb),
            }
            times = {side: [] for side in sides}
            answers = {}
            for turn in range(turns):
                order = list(sides) if turn % 2 == 0 else list(reversed(sides))
                for side in order:
                    seconds, answers[side] = timed(sides[side])
                    times[side].append(seconds)
            if not (answers["application"] == answers["hand SQL"] == answers["DuckDB"]):
                raise SystemExit(f"{backend}: {name}: the application, the hand SQL and DuckDB disagree")
            # Both ways: the live figures read the days cached on the projects; as known now, the events themselves.
            if kind == "figure" and application(known_at=datetime.now(UTC)) != answers["application"]:
                raise SystemExit(f"{backend}: {name}: the figures from the cached days and from the events disagree")
            medians = {side: statistics.median(values) for side, values in times.items()}
            if kind == "page" and backend == "postgres":
                medians |= server_medians({side: sides[side] for side in ("application", "hand SQL")}, turns)
            results["rows"].append({"measure": name, "kind": kind, **medians})
        duck.close()
        connection.close()
        return results


def table(results):
    lines = [
        f"national ledger on {results['backend']}, scale {results['scale']}: "
        + ", ".join(f"{value:,} {name}" for name, value in results["sizes"].items())
        + f" (generated in {results['generated_in']:.0f} s)",
        "",
        "| measure | application (s) | hand SQL (s) | DuckDB (s) | ÷ hand SQL | ÷ DuckDB | server ÷ hand SQL |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        app, sql, duck = row["application"], row["hand SQL"], row["DuckDB"]
        server = f"{_server_ratio(row):.2f}" if "server application" in row else ""
        lines.append(
            f"| {row['measure']} | {app:.3f} | {sql:.3f} | {duck:.3f} | {app / sql:.2f} | {app / duck:.2f} | {server} |"
        )
    return "\n".join(lines)


def _server_ratio(row):
    return row["server application"] / row["server hand SQL"]


def ratios(results):
    return {
        row["measure"]: {
            "vs_sql": round(row["application"] / row["hand SQL"], 2),
            "vs_duckdb": round(row["application"] / row["DuckDB"], 2),
            **({"server_vs_sql": round(_server_ratio(row), 2)} if "server application" in row else {}),
        }
        for row in results["rows"]
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep a PostgreSQL ledger generated at this scale")
    parser.add_argument("--only", help="measure only those whose name holds this text")
    options = parser.parse_args()
    results = run_backend(options.backend, options.scale, options.turns, reuse=options.reuse, only=options.only)
    print(table(results))
    print(json.dumps(ratios(results), ensure_ascii=False))


if __name__ == "__main__":
    main()
