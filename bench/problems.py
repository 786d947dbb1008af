"""Benchmark: escalating a province's 20,000 overdue problems, against plain bulk SQL doing the same writes.

    .venv/bin/python -m bench.problems [--problems 20000] [--repeat 3]

In a temporary SQLite database holding the demo ledger, `--problems` open problems spread over Shanxi's zones, all
past their solve deadline, are escalated by `services.problem_escalate` (the clock per problem, the conditional
bulk update, one history row each, one audit record each in the province's hash chain), and then — after the same
rows are put back — by plain SQL writing the very same values (an UPDATE per problem through executemany, the
history rows and as many audit rows inserted with executemany, no rules, no chain). Best of `--repeat`; the
ratio is the plain SQL's time over the service's (the issue asks ≥ 1/3).
"""

import argparse
import time
import uuid
from datetime import UTC, date, datetime

from bench import demo_database

AS_OF = date(2025, 12, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where one run of the service spends its time")
    options = parser.parse_args()
    demo_database("problems")
    from django.db import connection, transaction
    from django.urls import reverse

    from zoneledger.accounts.models import User
    from zoneledger.problems import services
    from zoneledger.problems.models import Problem, ProblemStep
    from zoneledger.zones.models import Zone

    editor = User.objects.get(username="province-editor")
    zones = list(Zone.objects.filter(province_id="140000"))
    raised = datetime(2025, 6, 2, 1, tzinfo=UTC)
    Problem.objects.bulk_create(
        Problem(
            province_id="140000",
            zone=zones[number % len(zones)],
            title=f"基准问题{number}",
            category="land",
            raised_by=editor,
            raised_at=raised,
            owner_org=editor.org,
            plan_due=date(2025, 6, 3),
            reply_due=date(2025, 6, 5),
            solve_due=date(2025, 6, 11),
        )
        for number in range(options.problems)
    )
    original = list(Problem.objects.values_list("pk", "tier", "solve_due", "version"))
    reverse("problems:problem_list")  # the URLconf loaded, as in a worker that has run a task before

    def reset():
        with transaction.atomic():
            ProblemStep.objects.filter(step="escalate").delete()
            Problem.objects.bulk_update(
                [Problem(pk=pk, tier=tier, solve_due=due, version=version, escalated_on=None)
                 for pk, tier, due, version in original],
                ["tier", "solve_due", "version", "escalated_on"], batch_size=2000,
            )  # fmt: skip

    if options.profile:
        import cProfile
        import pstats

        reset()
        profile = cProfile.Profile()
        profile.runcall(services.problem_escalate, as_of=AS_OF)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        return
    service_times, sql_times = [], []
    for turn in range(options.repeat):
        reset()
        start = time.perf_counter()
        run = services.problem_escalate(as_of=AS_OF)
        service_times.append(time.perf_counter() - start)
        assert run.problems == options.problems, run
        after = list(Problem.objects.values_list("pk", "tier", "escalated_on", "solve_due", "version"))
        steps = list(ProblemStep.objects.filter(step="escalate").values_list("problem_id", "tier", "solve_due", "at"))
        reset()
        now = datetime.now(UTC)
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE problems_problem SET tier = %s, escalated_on = %s, solve_due = %s, version = %s WHERE id = %s",
                [(tier, on, due, version, pk) for pk, tier, on, due, version in after],
            )
            cursor.executemany(
                "INSERT INTO problems_problemstep (problem_id, step, from_state, to_state, at, note, tier, solve_due)"
                " VALUES (%s, 'escalate', 'raised', 'raised', %s, '', %s, %s)",
                [(pk, at, tier, due) for pk, tier, due, at in steps],
            )
            cursor.executemany(
                "INSERT INTO audit_auditrecord (at, actor_name, org_name, request_id, action, object_type, object_id,"
                " object_repr, before, after, message, success, previous_hash, record_hash, sequence, province,"
                " related_type, related_id, source_address)"
                " VALUES (%s, '', '', '', 'problem.escalate', 'problems.problem', %s, '', '{}', %s, '', 1, '', %s,"
                " %s, '140000', '', '', NULL)",
                [
                    (now, str(pk), f'{{"tier": "{tier}"}}', uuid.uuid4().hex, 10**9 + turn * 10**7 + number)
                    for number, (pk, tier, _on, _due, _version) in enumerate(after)
                ],
            )
        sql_times.append(time.perf_counter() - start)
    service, sql = min(service_times), min(sql_times)
    print(f"problems: {options.problems}, escalation steps per problem: 2 (zone → city → province)")
    print(f"problem_escalate: {service:.2f} s   plain SQL: {sql:.2f} s   ratio (SQL / service): {sql / service:.2f}")


if __name__ == "__main__":
    main()
