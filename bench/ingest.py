"""Import and export speed, against the ceiling of the same work done with no rules at all (not run in CI).

    .venv/bin/python bench/ingest.py [--projects 50000] [--months-each 12] [--export-projects 100000]
                                     [--repeat 5] [--databases sqlite postgres] [--only export]

For each database, in a fresh database holding only the reference data (zones, rounds, chains, users):
  1. ceiling — python-calamine reads the workbook (both sheets) and the rows the import writes (enterprises,
     projects, stage events, monthly rows with their report versions and history rows, one audit record per
     object written, every column filled as the import fills it) go into the same tables with executemany
     (SQLite) or COPY (PostgreSQL), no checks, then rolled back (on PostgreSQL after the foreign-key checks a
     commit would make);
  2. import  — `import_workbook` of the same workbook as a province reviewer: every rule, one transaction;
  3. export  — `write_ledger_xlsx` of `--export-projects` projects with their monthly rows, against xlsxwriter
     writing the very same cells (read back from the export, held in memory) with the same formats, directly:
     once through the same cell writers as the export, dates already serial numbers ("direct"), and once through
     xlsxwriter's public API as a program would ("public": write_string, write_number, write_datetime); on
     PostgreSQL after an ANALYZE, as autovacuum would have made.
Each group (ceiling and import; export, direct and public) runs `--repeat` turns, one after the other, taking
turns at going first; a ratio reported is the median of the turns' ratios (the import's by CPU seconds too, its
sheet reader's included: `import_vs_ceiling_cpu`). The machines here are
noisy, and their speed drifts over minutes: a turn's two runs see much the same machine. Each step runs in its
own process, so its peak memory (max RSS) is its own; the import's sheet reader, a child process of its own, is
reported beside it. A smaller file is imported too, to show whether memory grows with the file. `--only export`
imports the big file and measures only the export.
PostgreSQL: BENCH_PG_SERVER (default postgres://postgres@127.0.0.1:5432), database BENCH_PG_DATABASE (default
zl_bench_ingest), dropped and re-created.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "zl_bench_ingest")


# -- the parent: one child process per step ---------------------------------------------------------------------
def child(step, database, folder, **options):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {
        "ZONELEDGER_DATA_DIR": str(folder / "data"),
        "DJANGO_SETTINGS_MODULE": "zoneledger.settings",
        "ZONELEDGER_IMPORT_MAX_MB": "2000",
        "ZONELEDGER_IMPORT_MAX_UNPACKED_MB": "20000",
        "DEBUG": "0",
    }
    if database == "postgres":
        environment["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    command = [sys.executable, __file__, "--step", step, "--folder", str(folder)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    finished = subprocess.run(command, env=environment, cwd=REPO, capture_output=True, text=True, check=False)
    if finished.returncode:
        sys.exit(f"{step} on {database} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def fresh_database(database, folder):
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            connection.execute(f"CREATE DATABASE {PG_DATABASE}")
    else:
        for path in (folder / "data").glob("zoneledger.sqlite3*"):
            path.unlink()
    child("setup", database, folder)


def analyze_postgres():
    """Planner statistics for the imported rows, as autovacuum gathers them after an import (this server runs
    without it): without them each chunk's look-up of its projects' months is planned as a scan of the whole
    monthly table."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as connection:
        connection.execute("ANALYZE")


def run(arguments):
    folder = Path(tempfile.mkdtemp(prefix="zl-bench-ingest-"))
    (folder / "data").mkdir()
    export_only = arguments.only == "export"
    report = {}
    for database in arguments.databases:
        fresh_database(database, folder)
        big = folder / "ledger.xlsx"
        small = folder / "ledger-small.xlsx"
        if not big.exists():
            child("build", database, folder, projects=arguments.projects, months_each=arguments.months_each, file=big)
        if not export_only and not small.exists():
            child(
                "build",
                database,
                folder,
                projects=arguments.projects // 5,
                months_each=arguments.months_each,
                file=small,
            )
        if export_only:
            report[database] = {}
        else:
            ceilings, imports = [], []
            for turn in range(arguments.repeat):
                if turn % 2 == 0:
                    ceilings.append(child("ceiling", database, folder, file=big))  # rolled back: the database stays
                    imports.append(child("import", database, folder, file=big))
                    fresh_database(database, folder)
                else:
                    imports.append(child("import", database, folder, file=big))
                    fresh_database(database, folder)
                    ceilings.append(child("ceiling", database, folder, file=big))
            imported_small = child("import", database, folder, file=small)
            fresh_database(database, folder)
            ratio, ratios = paired_ratio([i["seconds"] for i in imports], [c["seconds"] for c in ceilings])
            cpu_ratio, cpu_ratios = paired_ratio(
                [i["cpu_seconds"] for i in imports], [c["cpu_seconds"] for c in ceilings]
            )
            report[database] = {
                "ceiling": fastest(ceilings),
                "import": fastest(imports),
                "import_small_file": imported_small,
                "import_vs_ceiling": ratio,
                "import_vs_ceiling_each": ratios,
                # The same by CPU seconds (the import's sheet reader's included): on a machine others share, how
                # much of a core each got moves the seconds more than the work does.
                "import_vs_ceiling_cpu": cpu_ratio,
                "import_vs_ceiling_cpu_each": cpu_ratios,
            }
        # The export reads the big file's projects and months, imported into a database holding nothing else.
        child("import", database, folder, file=big)
        if database == "postgres":
            analyze_postgres()
        report[database]["export"] = child(
            "export", database, folder, export_projects=arguments.export_projects, repeat=arguments.repeat
        )
        print(json.dumps({database: report[database]}, indent=2), flush=True)
    return report


def paired_ratio(ours, baseline):
    """The median over the turns of baseline seconds ÷ our seconds (our rows per second as a share of the
    baseline's), with each turn's: a turn runs both, one after the other, so a machine slowing down or speeding
    up weighs on both sides of its ratio. Turns take turns at going first."""
    ratios = [round(theirs / mine, 3) for mine, theirs in zip(ours, baseline, strict=True)]
    return statistics.median(ratios), ratios


def fastest(measurements):
    """The fastest of repeated measurements, with the time of each and the highest peaks of all."""
    best = min(measurements, key=lambda measurement: measurement["seconds"])
    peaks = {key: max(m[key] for m in measurements) for key in best if key.endswith("peak_mb")}
    each = {"seconds_each": [m["seconds"] for m in measurements]}
    if "cpu_seconds" in best:
        each["cpu_seconds_each"] = [m["cpu_seconds"] for m in measurements]
    return best | peaks | each


# -- the children ------------------------------------------------------------------------------------------------
def clock():
    """Now, as (wall seconds, CPU seconds of this process and of its children that have ended)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def measured(rows, started, **extra):
    """Rows per second since `started` (a `clock()`), the CPU seconds spent meanwhile (the sheet reader's too), and
    the peak memory of this process."""
    wall, cpu = clock()
    seconds = wall - started[0]
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu - started[1], 2),
        "rows_per_second": round(rows / seconds),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    } | extra


class ChildPeak(threading.Thread):
    """The highest peak memory (VmHWM) seen of this process's sheet-reader children, looked at every 100 ms.

    Not RUSAGE_CHILDREN: Linux counts in a child's maximum the parent's memory it shared until its exec. A reader's
    memory is flat after its first block and VmHWM keeps its highest, so a look now and then finds it; looking every
    20 ms cost the import it watches 2-3 % of a core and the interpreter's lock 50 times a second.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb, self.running = 0, True

    def run(self):
        while self.running:
            for children in Path("/proc/self/task").glob("*/children"):
                for pid in children.read_text().split():
                    self.peak_kb = max(self.peak_kb, _reader_peak_kb(pid))
            time.sleep(0.1)

    def stop(self):
        self.running = False
        self.join()
        return self.peak_kb // 1024


def _reader_peak_kb(pid):
    try:
        if b"zoneledger.ingest.xlsx" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return 0  # not (yet) the reader: before its exec a child is a copy of this process
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone meanwhile
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def step_setup(_arguments):
    from django.core.management import call_command

    from zoneledger.demo.builder import DemoBuilder, build_orgs, ensure_demo_users

    call_command("migrate", verbosity=0)
    DemoBuilder().build_reference()
    build_orgs()
    ensure_demo_users()
    return {}


def step_build(arguments):
    """A ledger of `projects` rows spread over every zone, each with `months_each` monthly rows."""
    import xlsxwriter
    from stdnum.cn import uscc

    from zoneledger.campaigns.models import Round
    from zoneledger.ingest.columns import LEDGER_COLUMNS, LEDGER_SHEET, MONTHLY_COLUMNS, MONTHLY_SHEET
    from zoneledger.zones.models import Zone

    zones = list(Zone.objects.order_by("pk"))
    rounds = list(Round.objects.filter(year=2023))
    book = xlsxwriter.Workbook(arguments.file, {"constant_memory": True})
    ledger, monthly = book.add_worksheet(LEDGER_SHEET), book.add_worksheet(MONTHLY_SHEET)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    headers = [column.header for column in LEDGER_COLUMNS]
    for position, header in enumerate(headers):
        ledger.write_string(0, position, header)
    for position, column in enumerate(MONTHLY_COLUMNS):
        monthly.write_string(0, position, column.header)
    at = {header: position for position, header in enumerate(headers)}
    month_row = 0
    for n in range(arguments.projects):
        zone, round_ = zones[n % len(zones)], rounds[n % len(rounds)]
        row = n + 1
        code = f"2023-{zone.division_id}-30-03-{n:05d}{n % 10}"
        ledger.write_string(row, at["项目代码"], code)
        ledger.write_string(row, at["项目名称"], f"基准测试项目{n:06d}")
        ledger.write_string(row, at["开发区"], zone.name)
        if n % 2:
            body = f"91140000{500_000_000 + n:09d}"  # clear of the reference data's enterprises
            ledger.write_string(row, at["建设单位"], f"山西基准{n:06d}有限公司")
            ledger.write_string(row, at["统一社会信用代码"], body + uscc.calc_check_digit(body))
        ledger.write_string(row, at["行业代码"], "C30")
        ledger.write_number(row, at["总投资（万元）"], 1000 + n % 5000)
        ledger.write_number(row, at["用地面积（亩）"], 10 + n % 300)
        ledger.write_datetime(row, at["签约日期"], round_.held_on, day)
        ledger.write_string(row, at["签约批次"], round_.label)
        if n % 2 == 0:
            ledger.write_string(row, at["开工日期"], "2024-01-02")  # no month of 2024 before the start
        for month in range(1, arguments.months_each + 1):
            month_row += 1
            monthly.write_string(month_row, 0, code)
            monthly.write_string(month_row, 3, f"2024-{month:02d}")
            monthly.write_number(month_row, 4, (n % 97) + month / 4)
    book.close()
    return {"projects": arguments.projects, "months": month_row}


def step_ceiling(arguments):
    """calamine reads every row; executemany/COPY puts the rows the import writes into the same tables, every
    column as the import fills it, as plain values: no look-ups but the ids rows point at, no checks."""
    import python_calamine
    from django.db import connection, transaction
    from django.utils import timezone

    from zoneledger.accounts.models import User
    from zoneledger.audit.models import AuditRecord
    from zoneledger.campaigns.models import Round
    from zoneledger.core.bulk import allocate_ids, copy_rows
    from zoneledger.enterprises.models import Enterprise
    from zoneledger.ingest.columns import LEDGER_SHEET, MONTHLY_SHEET
    from zoneledger.progress.models import ReportTransition, ReportVersion
    from zoneledger.projects.models import MonthlyProgress, Project, StageEvent
    from zoneledger.zones.models import Zone

    zone_ids = dict(Zone.objects.values_list("name", "pk"))
    zone_provinces = dict(Zone.objects.values_list("pk", "province_id"))
    round_ids = {f"{year}-{sequence}": pk for pk, year, sequence in Round.objects.values_list("pk", "year", "sequence")}
    user_id = User.objects.get(username="province-reviewer").pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        started = clock()
        book = python_calamine.CalamineWorkbook.from_path(str(arguments.file))
        ledger = book.get_sheet_by_name(LEDGER_SHEET).iter_rows()
        at = {header: position for position, header in enumerate(next(ledger))}
        rows = list(ledger)
        project_ids = allocate_ids(Project, len(rows))
        enterprise_ids = iter(allocate_ids(Enterprise, sum(1 for row in rows if row[at["统一社会信用代码"]])))
        projects, enterprises, events, by_code, provinces = [], [], [], {}, {}
        for pk, row in zip(project_ids, rows, strict=True):
            enterprise_id = None
            if row[at["统一社会信用代码"]]:
                enterprise_id = next(enterprise_ids)
                enterprises.append((enterprise_id, row[at["建设单位"]], row[at["统一社会信用代码"]], None))
            code = row[at["项目代码"]]
            by_code[code] = pk
            started_on = row[at["开工日期"]] or None
            stage = "started" if started_on else "signed"
            zone_id, cents = zone_ids[row[at["开发区"]]], round(row[at["总投资（万元）"]] * 100)
            province = provinces[pk] = zone_provinces[zone_id]
            facts = (code, row[at["项目名称"]], zone_id, province, row[at["建设单位"]], enterprise_id)
            facts += (row[at["行业代码"]],)
            facts += (None, None, cents, str(row[at["用地面积（亩）"]]))
            reached = (started_on, None, None)  # started_on, commissioned_on, at_capacity_on: the import's caches
            projects.append((pk, *facts, None, None, None, "", "", "", "", stage, *reached, False, 1, now, now))
            signed_on, round_id = str(row[at["签约日期"]]), round_ids[row[at["签约批次"]]]
            events.append((pk, province, "signed", signed_on, round_id, "", now, user_id, False, "", None, None))
            if started_on:
                events.append((pk, province, "started", started_on, None, "", now, user_id, False, "", None, None))
        months = book.get_sheet_by_name(MONTHLY_SHEET).iter_rows()
        next(months)
        monthly = [(by_code[row[0]], f"{row[3]}-01", round(row[4] * 100)) for row in months]
        version_ids = allocate_ids(ReportVersion, len(monthly))
        unreviewed = (None, None, "", None)  # reviewed at, by, return reason, counted until
        versions = [
            (pk, project, provinces[project], month, 1, cents, "", "", "submitted", now, now, user_id, *unreviewed)
            for pk, (project, month, cents) in zip(version_ids, monthly, strict=True)
        ]
        transitions = [
            (pk, project, provinces[project], "", "submitted", cents, user_id, now, "")
            for pk, project, _p, _m, _n, cents, *_ in versions
        ]
        heads = [
            (project, provinces[project], month, cents, "", "submitted", now, user_id, None, None, "")
            for project, month, cents in monthly
        ]
        # One record per object written (enterprise, project, month), in one chain, as plain values.
        objects = [("enterprise", row[0]) for row in enterprises] + [("project", row[0]) for row in projects]
        objects += [("reportversion", row[0]) for row in versions]
        batch, after = str(uuid.uuid4()), json.dumps({"state": "submitted"})
        records = [
            (
                now,
                user_id,
                "",
                "",
                None,
                "",
                "import",
                kind,
                str(pk),
                str(pk),
                None,
                after,
                "",
                True,
                "",
                "",
                "14",
                batch,
                sequence,
                f"{sequence - 1:064x}",
                f"{sequence:064x}",
            )
            for sequence, (kind, pk) in enumerate(objects, start=1)
        ]
        copy_rows("projects_enterprise", columns(Enterprise), enterprises)
        copy_rows("projects_project", columns(Project), projects)
        copy_rows("projects_stageevent", columns(StageEvent)[1:], events)
        copy_rows("projects_monthlyprogress", columns(MonthlyProgress)[1:], heads)
        copy_rows(ReportVersion._meta.db_table, columns(ReportVersion), versions)
        copy_rows(ReportTransition._meta.db_table, columns(ReportTransition)[1:], transitions)
        copy_rows(AuditRecord._meta.db_table, columns(AuditRecord)[1:], records)
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit there (SQLite checks them as rows go in); the ceiling rolls
            # back, so it asks for the checks a commit would make.
            connection.check_constraints()
        measurement = measured(len(rows) + len(monthly), started)
        transaction.set_rollback(True)
    return measurement


def columns(model):
    return [field.column for field in model._meta.concrete_fields]


def step_import(arguments):
    from zoneledger.accounts.models import User
    from zoneledger.ingest.importer import import_workbook

    reviewer = User.objects.get(username="province-reviewer")
    readers = ChildPeak()
    readers.start()
    started = clock()
    result = import_workbook(file=arguments.file, user=reviewer)
    if not result.applied:
        raise SystemExit("\n".join(str(error) for error in result.errors[:20]))
    rows = sum(len(rows) for rows in result.created.values())
    size_mb = round(Path(arguments.file).stat().st_size / 2**20, 1)
    return measured(rows, started, reader_peak_mb=readers.stop(), size_mb=size_mb)


def step_export(arguments):
    """Export `export_projects` projects (the imported ones, doubled by SQL if needed) against xlsxwriter writing
    the same cells directly, `repeat` turns of both (see `paired_ratio`)."""
    from django.db import connection

    from zoneledger.ingest.writer import write_ledger_xlsx
    from zoneledger.projects.models import Project

    missing = arguments.export_projects - Project.objects.count()
    if missing > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO projects_project (name, zone_id, enterprise_name, industry_code, total_investment,"
                " land_mu, construction_content, leader_in_charge, task_force, key_level, stage, is_illustrative,"
                " version, created_at, updated_at) SELECT name || '（二期）', zone_id, '', industry_code,"
                " total_investment, land_mu, '', '', '', '', stage, is_illustrative, 1, created_at, updated_at"
                " FROM projects_project"
                " ORDER BY id LIMIT %s",
                [missing],
            )
    folder = Path(arguments.folder)
    projects = Project.objects.all()[: arguments.export_projects]
    counts = write_ledger_xlsx(projects_queryset=projects, file=folder / "export.xlsx")
    values = exported_values(folder / "export.xlsx")
    cells = as_cells(values)
    gc.freeze()  # the millions of values held for the baselines would make every later collection walk them
    steps = {
        "ours": lambda: write_ledger_xlsx(projects_queryset=projects, file=folder / "export.xlsx"),
        "direct": lambda: write_cells_directly(cells, folder / "direct.xlsx"),
        "public": lambda: write_values_publicly(values, folder / "public.xlsx"),
    }
    seconds = {name: [] for name in steps}
    for turn in range(arguments.repeat):
        order = list(steps)[turn % 3 :] + list(steps)[: turn % 3]  # each goes first, second and third in turn
        for name in order:
            started = time.perf_counter()
            steps[name]()
            seconds[name].append(round(time.perf_counter() - started, 2))
    rows = sum(counts)
    report = {"projects": counts[0], "monthly_rows": counts[1]}
    for name, label in (("ours", ""), ("direct", "xlsxwriter_direct_"), ("public", "xlsxwriter_public_api_")):
        report |= {
            f"{label}seconds": min(seconds[name]),
            f"{label}seconds_each": seconds[name],
            f"{label}rows_per_second": round(rows / min(seconds[name])),
        }
    for name in ("direct", "public"):
        report[f"export_vs_{name}"], report[f"export_vs_{name}_each"] = paired_ratio(seconds["ours"], seconds[name])
    return report


def exported_values(path):
    """The export's cells, read back: (sheet, [(row, [(column, kind, value)])]) with each value as a program
    would hold it (text, a float amount, a datetime), and the kind of column (text, amount, date, month)."""
    import python_calamine

    from zoneledger.ingest.columns import AMOUNT, DATE, LEDGER_COLUMNS, MONTH, MONTHLY_COLUMNS, TEXT

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for name, columns in zip(book.sheet_names, (LEDGER_COLUMNS, MONTHLY_COLUMNS), strict=True):
        kinds = [column.kind if column.kind in (AMOUNT, DATE, MONTH) else TEXT for column in columns]
        rows = []
        for number, row in enumerate(book.get_sheet_by_name(name).to_python()):
            kind_of = kinds if number else [TEXT] * len(kinds)  # the header row is text
            cells = [
                (position, kind_of[position], value if kind_of[position] != TEXT else str(value))
                for position, value in enumerate(row)
                if value != ""
            ]
            rows.append((number, cells))
        sheets.append((name, rows))
    return sheets


def as_cells(sheets):
    """The same, each date already the number its cell holds (`writer.excel_serial`), as the export hands it on."""
    from datetime import datetime

    from zoneledger.ingest.columns import DATE, MONTH
    from zoneledger.ingest.writer import excel_serial

    def cell(value, kind):
        if kind in (DATE, MONTH):
            return excel_serial(value.date() if isinstance(value, datetime) else value)
        return value

    return [
        (name, [(number, [(at, kind, cell(value, kind)) for at, kind, value in row]) for number, row in rows])
        for name, rows in sheets
    ]


def _direct_book(path):
    import xlsxwriter

    from zoneledger.ingest.columns import AMOUNT, DATE, MONTH

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = {
        AMOUNT: book.add_format({"num_format": "#,##0.00"}),
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        MONTH: book.add_format({"num_format": "yyyy-mm"}),
    }
    return book, formats


def write_cells_directly(sheets, path):
    """xlsxwriter alone, in constant memory with the export's formats, writing the cells through the same calls
    as the export (the cell writers under the public ones' decorator, `writer._Book.cell_writers`)."""
    from zoneledger.ingest.columns import TEXT

    book, formats = _direct_book(path)
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        write_string, write_number = sheet._write_string, sheet._write_number
        for number, cells in rows:
            for position, kind, value in cells:
                if kind == TEXT:
                    write_string(number, position, value)
                else:
                    write_number(number, position, value, formats[kind])
    book.close()


def write_values_publicly(sheets, path):
    """xlsxwriter alone, as a program writes such a sheet with its public API: `write_string`, `write_number`
    and `write_datetime`, in constant memory with the export's formats."""
    from zoneledger.ingest.columns import AMOUNT, TEXT

    book, formats = _direct_book(path)
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for number, cells in rows:
            for position, kind, value in cells:
                if kind == TEXT:
                    sheet.write_string(number, position, value)
                elif kind == AMOUNT:
                    sheet.write_number(number, position, value, formats[kind])
                else:
                    sheet.write_datetime(number, position, value, formats[kind])
    book.close()


STEPS = {
    "setup": step_setup,
    "build": step_build,
    "ceiling": step_ceiling,
    "import": step_import,
    "export": step_export,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50000)
    parser.add_argument("--months-each", type=int, default=12)
    parser.add_argument("--export-projects", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5, help="turns of each pair of steps; the median ratio counts")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--only", choices=["export"], help="import the big file, then measure only the export")
    parser.add_argument("--step", choices=sorted(STEPS))
    parser.add_argument("--folder")
    parser.add_argument("--file")
    arguments = parser.parse_args()
    if arguments.step is None:
        run(arguments)
        return
    import django

    django.setup()
    print(json.dumps(STEPS[arguments.step](arguments)))


if __name__ == "__main__":
    main()
