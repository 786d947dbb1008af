"""Benchmark: the province's figures on a province-scale ledger, against one hand-written SQL query per figure.

    .venv/bin/python -m bench.figures [--backend sqlite|postgres|both] [--projects 50000] [--months 1000000]

Generates, deterministically and in bulk, a ledger of one zone per county of Shanxi (117 zones), `--projects`
projects with their stage events over 2020–2025 (rounds 2023-1 … 2024-4) and `--months` monthly progress rows, in
a database of its own: a temporary SQLite file, or the PostgreSQL database `zl_bench` (dropped and re-created;
server from BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). Then it times, best of `--repeat`:

- the province's 2024 year figures (`batch_figures`) against one SQL query giving the same numbers;
- the figures of the round bulletin 2024-4 (total, by city, by zone: three ORM queries) against three SQL queries;
- writing the bulletin workbook (figures and xlsx), for scale.

Both sides must give the same numbers, or the run fails. Each backend runs in a process of its own (Django's
settings are per process); `--backend both` runs them one after the other and prints one table.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SEED = 20241231
LEDGER_END = date(2025, 6, 30)
ROUND_DAYS = {
    (2023, 1): date(2023, 2, 22),
    (2023, 2): date(2023, 5, 29),
    (2023, 3): date(2023, 8, 31),
    (2023, 4): date(2023, 12, 1),
    (2024, 1): date(2024, 3, 1),
    (2024, 2): date(2024, 6, 1),
    (2024, 3): date(2024, 9, 1),
    (2024, 4): date(2024, 12, 1),
}
YEAR, ROUND, AS_OF = 2024, (2024, 4), date(2024, 12, 31)
LOADED_AT = datetime(2025, 7, 1, tzinfo=UTC)
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def setup_django(backend, workdir, *, database="zl_bench", keep=False):
    """Point Django at the bench database (before settings are read), create it and migrate it; with `keep`, a
    PostgreSQL database left by an earlier run is kept (and migrated forward)."""
    if backend == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
            exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            if not (keep and exists):
                server.execute(f"DROP DATABASE IF EXISTS {database}")
                server.execute(f"CREATE DATABASE {database}")
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{database}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["ZONELEDGER_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zoneledger.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)


# -- the ledger ----------------------------------------------------------------------------------------------------


def next_round(day, rounds):
    """The first round held on or after `day` within 100 days, or None."""
    for held_on, round_id in rounds:
        if day <= held_on <= day + timedelta(days=100):
            return held_on, round_id
    return None


def plan_events(rng, project_id, rounds, *, first=date(2020, 1, 1), years=5):
    """The stage events of one project: (project, stage, day, round id or None), in lifecycle order; signed on a
    day of the `years` from `first`."""
    events = []
    day = first + timedelta(days=rng.randrange(years * 365))
    for stage, chance, gap in (
        ("signed", 1.0, (0, 0)),
        ("started", 0.8, (30, 400)),
        ("commissioned", 0.55, (150, 600)),
        ("at_capacity", 0.5, (60, 300)),
    ):
        if rng.random() >= chance:
            break
        day += timedelta(days=rng.randint(*gap))
        round_id = None
        tagged = next_round(day, rounds) if rng.random() < 0.8 else None
        if tagged:
            day, round_id = tagged
        if day > LEDGER_END:
            break
        events.append((project_id, stage, day, round_id))
    return events


def first_of_next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def generate(projects, months):
    """Zones, rounds, projects, events and monthly rows, in bulk; returns the row counts."""
    from zoneledger.campaigns.models import Round
    from zoneledger.chains.models import Chain
    from zoneledger.core.bulk import copy_rows
    from zoneledger.projects.models import Project
    from zoneledger.projects.services import refresh_lifecycle
    from zoneledger.zones.models import Division, Zone

    rng = random.Random(SEED)
    counties = list(Division.objects.filter(level="county", parent__parent_id="140000").order_by("code"))
    zones = Zone.objects.bulk_create(
        Zone(
            name=f"{county.name}经济开发区（{county.code}）",
            kind="edz",
            level="provincial",
            division=county,
            city_id=county.parent_id,
            province_id="140000",
        )
        for county in counties
    )
    chains = Chain.objects.bulk_create(Chain(province_id="140000", name=f"产业链{number}") for number in range(10))
    round_rows = Round.objects.bulk_create(
        Round(province_id="140000", year=year, sequence=sequence, held_on=held_on)
        for (year, sequence), held_on in ROUND_DAYS.items()
    )
    rounds = [(round_.held_on, round_.pk) for round_ in round_rows]
    Project.objects.bulk_create(
        (
            Project(
                name=f"项目{number:06d}",
                zone=zones[number % len(zones)],
                province_id="140000",
                chain=chains[rng.randrange(len(chains))],
                total_investment=rng.choice([1500, 3000, 5000, 8000, 12000, 20000, 50000, 120000]),
                expected_output=rng.choice([None, 2000, 6000, 15000]),
                actual_output=rng.choice([None, None, 1800, 5000, 16000]),
            )
            for number in range(projects)
        ),
        batch_size=5000,
    )
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    events = [event for project_id in project_ids for event in plan_events(rng, project_id, rounds)]
    progress = []
    started = [(project_id, day) for project_id, stage, day, _ in events if stage == "started"]
    for project_id, day in started:
        month = date(day.year, day.month, 1)
        while month <= LEDGER_END and len(progress) < months:
            status = "approved" if rng.random() < 0.95 else "submitted"
            progress.append((project_id, month, rng.randint(100, 500000), status))
            month = first_of_next_month(month)
    if len(progress) < months:
        raise SystemExit(f"only {len(progress)} monthly rows fit the ledger; give more projects")
    copy_rows(
        "projects_stageevent",
        [
            "project_id",
            "stage",
            "happened_on",
            "round_id",
            "note",
            "recorded_at",
            "voided",
            "void_reason",
            "province_id",
        ],
        [(*event, "", LOADED_AT, False, "", "140000") for event in events],
    )
    copy_rows(
        "projects_monthlyprogress",
        [
            "project_id",
            "month",
            "completed_investment",
            "status",
            "progress_note",
            "submitted_at",
            "review_note",
            "province_id",
        ],
        [(*row, "", LOADED_AT, "", "140000") for row in progress],
    )
    refresh_lifecycle(project_ids)  # the caches the services keep beside the events
    return {"zones": len(zones), "projects": len(project_ids), "events": len(events), "monthly rows": len(progress)}


# -- the same figures, by hand -------------------------------------------------------------------------------------

HAND_SQL = """
WITH events AS (
    SELECT e.project_id, e.stage, e.happened_on,
           COALESCE(r.year = %(year)s AND (%(sequence)s = 0 OR r.sequence = %(sequence)s), FALSE) AS in_batch,
           (%(sequence)s = 0 AND e.stage = 'signed' AND e.happened_on >= %(year_start)s
            AND e.happened_on <= %(year_end)s) AS in_year
    FROM projects_stageevent e
    LEFT JOIN campaigns_round r ON r.id = e.round_id
    WHERE {where}NOT e.voided AND e.happened_on <= %(as_of)s AND e.stage IN ('signed', 'started', 'commissioned')
      AND ((r.year = %(year)s AND (%(sequence)s = 0 OR r.sequence = %(sequence)s))
           OR (%(sequence)s = 0 AND e.stage = 'signed' AND e.happened_on >= %(year_start)s
               AND e.happened_on <= %(year_end)s))
),
reached AS (
    -- A stage is reached by its own event or by any later stage event, on the first of their dates.
    SELECT project_id,
           1 AS started,
           CASE WHEN MIN(happened_on) >= %(year_start)s AND MIN(happened_on) <= %(year_end)s
                THEN 1 ELSE 0 END AS started_in_year,
           MAX(CASE WHEN stage IN ('commissioned', 'at_capacity') THEN 1 ELSE 0 END) AS commissioned,
           MAX(CASE WHEN stage = 'at_capacity' THEN 1 ELSE 0 END) AS at_capacity
    FROM projects_stageevent
    WHERE NOT voided AND happened_on <= %(as_of)s AND stage IN ('started', 'commissioned', 'at_capacity')
      AND project_id IN (SELECT project_id FROM events)
    GROUP BY project_id
),
completed AS (
    SELECT project_id, SUM(completed_investment) AS amount
    FROM projects_monthlyprogress
    WHERE status = 'approved' AND month <= %(as_of)s
      AND project_id IN (SELECT project_id FROM events WHERE in_batch AND stage = 'started')
    GROUP BY project_id
)
SELECT {group}
    SUM(CASE WHEN e.in_batch AND e.stage = 'signed' THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'signed' THEN p.total_investment ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'signed' THEN COALESCE(x.started, 0) ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'started' THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'started' THEN p.total_investment ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'started' THEN COALESCE(c.amount, 0) ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'started' THEN COALESCE(x.commissioned, 0) ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'commissioned' THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'commissioned' THEN p.total_investment ELSE 0 END),
    SUM(CASE WHEN e.in_batch AND e.stage = 'commissioned' THEN COALESCE(x.at_capacity, 0) ELSE 0 END),
    SUM(CASE WHEN e.in_year THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.in_year THEN COALESCE(x.started_in_year, 0) ELSE 0 END)
FROM events e
JOIN projects_project p ON p.id = e.project_id
JOIN zones_zone z ON z.id = p.zone_id
LEFT JOIN reached x ON x.project_id = e.project_id
LEFT JOIN completed c ON c.project_id = e.project_id
{group_by}
"""


def hand_sql(group, *, sequence):
    """Rows of plain numbers from one hand-written query: (group key, …12 figures), or the 12 figures."""
    from django.db import connection

    column = {"total": None, "city": "z.city_id", "zone": "z.id"}[group]
    sql = HAND_SQL.format(
        group=f"{column}," if column else "",
        group_by=f"GROUP BY {column} ORDER BY {column}" if column else "",
        where="",
    )
    year_end = min(AS_OF, date(YEAR, 12, 31))
    params = {
        "year": YEAR,
        "sequence": sequence,
        "as_of": AS_OF,
        "year_start": date(YEAR, 1, 1),
        "year_end": year_end,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(_plain(value) for value in row) for row in cursor.fetchall()]


def _plain(value):
    return value if isinstance(value, str) else int(value or 0)


def orm_numbers(figures, key=None):
    """The ORM's figures as the hand query's row: amounts in hundredths, the same order."""
    hundredths = [figures.signed.investment, figures.started.investment, figures.started.completed]
    signed_wan, started_wan, completed_wan = (int(amount * 100) for amount in hundredths)
    same_year = figures.same_year
    row = (
        figures.signed.count,
        signed_wan,
        figures.signed.started,
        figures.started.count,
        started_wan,
        completed_wan,
        figures.started.commissioned,
        figures.commissioned.count,
        int(figures.commissioned.investment * 100),
        figures.commissioned.at_capacity,
    )
    if same_year is not None:
        row += (same_year.signed, same_year.started)
    return row if key is None else (_plain(key), *row)


def best_of(repeat, work):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def run_backend(backend, projects, months, repeat):
    """Generate the ledger on `backend`, time both sides, and return the results as a dict."""
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(backend, Path(workdir))
        from django.db import connection, transaction

        from zoneledger.accounts.models import OrgUnit, User
        from zoneledger.accounts.scope import user_scope_in
        from zoneledger.reports.bulletin import write_bulletin_xlsx
        from zoneledger.reports.figures import Period, batch_figures, breakdown

        started = time.perf_counter()
        with transaction.atomic():
            sizes = generate(projects, months)
        generated_in = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as any production database would have statistics
        province_org = OrgUnit.objects.create(kind="province", name="山西省商务厅", division_id="140000")
        viewer = User(username="bench", org=province_org, role="viewer")
        province = user_scope_in(viewer, "province")
        year, round_ = Period.for_year(YEAR), Period(*ROUND)

        def year_orm():
            return orm_numbers(batch_figures(user=viewer, scope=province, period=year, as_of=AS_OF))

        def year_sql():
            return hand_sql("total", sequence=0)[0]

        def bulletin_orm():
            total = batch_figures(user=viewer, scope=province, period=round_, as_of=AS_OF)
            by = {
                group: breakdown(user=viewer, scope=province, period=round_, by=group, as_of=AS_OF)
                for group in ("city", "zone")
            }
            rows = {group: sorted(orm_numbers(row, row.key)[:11] for row in by[group]) for group in by}
            return orm_numbers(total)[:10], rows

        def bulletin_sql():
            total = hand_sql("total", sequence=ROUND[1])[0][:10]
            rows = {group: sorted(row[:11] for row in hand_sql(group, sequence=ROUND[1])) for group in ("city", "zone")}
            return total, rows

        results = {"backend": backend, "sizes": sizes, "generated_in": generated_in, "timings": []}
        for name, orm, sql in (
            ("province year figures 2024", year_orm, year_sql),
            ("round bulletin 2024-4 figures (total, by city, by zone)", bulletin_orm, bulletin_sql),
        ):
            orm_time, orm_result = best_of(repeat, orm)
            sql_time, sql_result = best_of(repeat, sql)
            if orm_result != sql_result:
                raise SystemExit(f"{backend}: {name}: the ORM and the hand-written SQL disagree")
            results["timings"].append({"figure": name, "orm": orm_time, "sql": sql_time})
        with tempfile.TemporaryDirectory() as out:
            workbook_time, _ = best_of(
                repeat,
                lambda: write_bulletin_xlsx(
                    user=viewer, scope=province, period=round_, as_of=AS_OF, file=Path(out) / "bulletin.xlsx"
                ),
            )
        results["timings"].append({"figure": "round bulletin workbook (figures + xlsx)", "orm": workbook_time})
        connection.close()
        return results


def table(all_results):
    lines = [
        "| backend | figure | ORM (s) | hand SQL (s) | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for results in all_results:
        for timing in results["timings"]:
            sql = timing.get("sql")
            ratio = f"{timing['orm'] / sql:.2f}×" if sql else "—"
            sql_text = f"{sql:.3f}" if sql else "—"
            lines.append(f"| {results['backend']} | {timing['figure']} | {timing['orm']:.3f} | {sql_text} | {ratio} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the results as JSON (used between processes)")
    options = parser.parse_args()
    if options.backend != "both":
        results = run_backend(options.backend, options.projects, options.months, options.repeat)
        print(json.dumps(results) if options.json else table([results]))
        return
    all_results = []
    for backend in ("sqlite", "postgres"):
        command = [sys.executable, "-m", "bench.figures", "--backend", backend, "--json"]
        command += ["--projects", str(options.projects), "--months", str(options.months)]
        command += ["--repeat", str(options.repeat)]
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        all_results.append(json.loads(output.strip().splitlines()[-1]))
    for results in all_results:
        sizes = ", ".join(f"{count:,} {name}" for name, count in results["sizes"].items())
        print(f"{results['backend']}: {sizes}; generated in {results['generated_in']:.0f} s")
    print(table(all_results))


if __name__ == "__main__":
    main()
