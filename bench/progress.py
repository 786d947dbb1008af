"""Benchmark: a reviewer approving a province's month in one action, and the review pages at the demo's size.

    .venv/bin/python -m bench.progress [--reports 3000] [--repeat 3] [--profile FILE]

In a temporary SQLite database holding the demo ledger (its ~1,080 months waiting for review included),
`--reports` more months of Shanxi's started projects are submitted by the province's editor (setup, not timed).

1. Approving them: `services.progress_review_bulk` (scope and four eyes per report, the transition table, the
   conditional UPDATE, the MonthlyProgress rows the figures read, one history row and one audit record in the
   province's hash chain each) against plain SQL writing the very same rows (UPDATEs of the versions and the
   MonthlyProgress rows through executemany, the history and as many audit rows inserted with executemany; no rules,
   no chain). Each run is rolled back, so both start from the same state; their turns alternate. Best of `--repeat`
   each; the ratio is the plain SQL's time over the service's (the issue asks ≥ 1/3).
2. The pages: the reviewer's queue (/progress/review/, first page of all waiting), the province's month
   (/progress/?month=…, every project that must report it) and, as the same run's baseline, the ledger's first page
   (/projects/), with their query counts before and after the `--reports` months were added: a count that does
   not move is one that does not grow with the rows.
"""

import argparse
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from bench import demo_database

CENT = Decimal("0.01")
MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def best(function, repeat):
    times = []
    for _turn in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", help="write cProfile statistics of one more approval run to this file")
    options = parser.parse_args()
    demo_database("progress")
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, transaction
    from django.test import Client

    from zoneledger.accounts.models import User
    from zoneledger.progress import services
    from zoneledger.progress.models import ReportVersion
    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import MonthlyProgress, Project

    editor = User.objects.get(username="province-editor")
    reviewer = User.objects.get(username="province-reviewer")

    # As Django's test runner does: a request must not close the connection whose queries are being counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(reviewer)
    pages = {
        "queue": "/progress/review/",
        "province month": f"/progress/?month={MONTHS[0]:%Y-%m}",
        "ledger (baseline)": "/projects/",
    }

    def measure_pages():
        figures = {}
        for name, url in pages.items():
            client.get(url)  # warm
            queries: list[str] = []

            def count(execute, sql, *args, queries=queries):
                queries.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            figures[name] = (best(lambda url=url: client.get(url), options.repeat), len(queries))
        return figures

    before = measure_pages()
    started = list(
        Project.objects.filter(
            zone__province_id="140000", events__stage=Stage.STARTED, events__happened_on__lt=MONTHS[0]
        )
        .select_related("zone")
        .distinct()
        .order_by("pk")
    )
    pairs = [(project, month) for month in MONTHS for project in started][: options.reports]
    assert len(pairs) == options.reports, f"only {len(pairs)} project-months to submit"
    result = services.progress_submit_bulk(
        actor=editor,
        entries=[
            services.MonthEntry(project, month, (project.total_investment / 100).quantize(CENT))
            for project, month in pairs
        ],
    )
    ids = [version.pk for version in result.versions]
    waiting = ReportVersion.objects.filter(state="submitted").count()
    after = measure_pages()

    def service_run():
        versions = list(ReportVersion.objects.filter(pk__in=ids))
        with transaction.atomic():
            start = time.perf_counter()
            services.progress_review_bulk(actor=reviewer, versions=versions, approve=True)
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
        return elapsed

    rows = list(
        ReportVersion.objects.filter(pk__in=ids).values_list("pk", "project_id", "month", "amount", "province_id")
    )
    head_of = {
        (project_id, month): pk
        for pk, project_id, month in MonthlyProgress.objects.filter(
            project_id__in={project.pk for project, _month in pairs}, month__in=MONTHS
        ).values_list("pk", "project_id", "month")
    }

    def sql_run(turn):
        now = datetime.now(UTC)
        with transaction.atomic():
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE progress_reportversion SET state = 'approved', reviewed_by_id = %s, reviewed_at = %s,"
                    " return_reason = '' WHERE id = %s",
                    [(reviewer.pk, now, pk) for pk, *_rest in rows],
                )
                cursor.executemany(
                    "UPDATE projects_monthlyprogress SET status = 'approved', reviewed_by_id = %s, reviewed_at = %s,"
                    " review_note = '' WHERE id = %s",
                    [(reviewer.pk, now, head_of[(project_id, month)]) for _pk, project_id, month, *_rest in rows],
                )
                cursor.executemany(
                    "INSERT INTO progress_reporttransition (version_id, project_id, province_id, from_state,"
                    " to_state, amount, actor_id, at, reason) VALUES (%s, %s, %s, 'submitted', 'approved', %s, %s,"
                    " %s, '')",
                    [
                        (pk, project_id, province, int(amount * 100), reviewer.pk, now)
                        for pk, project_id, _m, amount, province in rows
                    ],
                )
                cursor.executemany(
                    "INSERT INTO audit_auditrecord (at, actor_name, org_name, request_id, action, object_type,"
                    " object_id, object_repr, before, after, message, success, previous_hash, record_hash, sequence,"
                    " province, related_type, related_id, source_address)"
                    " VALUES (%s, '', '', '', 'progress.approve', 'progress.reportversion', %s, '',"
                    " '{\"state\": \"submitted\"}', '{\"state\": \"approved\"}', '', 1, '', %s, %s, '140000',"
                    " 'projects.project', %s, NULL)",
                    [
                        (now, str(pk), uuid.uuid4().hex, 10**9 + turn * 10**7 + number, str(project_id))
                        for number, (pk, project_id, *_rest) in enumerate(rows)
                    ],
                )
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
        return elapsed

    # Turns alternate (service, SQL, service, SQL, …) so that a busy moment of a shared machine falls on both.
    turns = [(service_run(), sql_run(turn)) for turn in range(options.repeat)]
    service = min(service_time for service_time, _sql in turns)
    sql = min(sql_time for _service, sql_time in turns)
    if options.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(service_run)
        profiler.dump_stats(options.profile)
    print(f"reports approved in one action: {options.reports} (of {waiting} waiting)")
    print(
        f"progress_review_bulk: {service:.2f} s   plain SQL: {sql:.2f} s   ratio (SQL / service): {sql / service:.2f}"
    )
    print(f"pages as province-reviewer, before → after adding {options.reports} waiting reports:")
    baseline = after["ledger (baseline)"][0]
    for name in pages:
        (time_before, queries_before), (time_after, queries_after) = before[name], after[name]
        print(
            f"  {name:18} {time_before * 1000:7.0f} ms → {time_after * 1000:7.0f} ms"
            f"   queries {queries_before} → {queries_after}   ÷ ledger: {time_after / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
