"""The JSON API under load, by token, against the product as it runs in production (`zoneledger serve`).

    .venv/bin/python -m bench.api [--clients 8] [--seconds 20] [--database sqlite]

A fresh demo ledger (`zoneledger demo --no-serve`, SQLite in a temporary folder, or PostgreSQL with
`--database postgres`: BENCH_PG_SERVER, database zl_bench_api, dropped and re-created) gets two tokens: the
province reviewer's (reads the whole province) and the Wenshui editor's (writes). `zoneledger serve` (gunicorn,
2 workers × 4 threads, the per-token rate limit off: ZONELEDGER_API_RATE_PER_MINUTE=0) is started, and
`--clients` threads, one connection per request as a remote client makes, send for `--seconds` each:

  baseline    GET /api/v1/zones/<id>: a trivial JSON endpoint (the token checked, one row read)
  projects    GET /api/v1/projects/?page_size=100 (the province's ledger, a page of 100)
  figures     GET /api/v1/figures/?year=<the latest year of a round held> (the province's three batches)
  mixed       by token, 4 reads to 1 write: the ledger's first page, a project, 签约未开工, the figures; the
              editor records a stage on a project of its own and voids it (two writes, each with an
              Idempotency-Key)

Printed: per phase, requests per second, latency (median, p95, max), failures (any status but the expected one)
and the ratio of its requests per second to the baseline's, measured in the same run on the same server. The issue
asks the projects page and the figures to hold at least 0.40 of the baseline.
"""

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.availability import free_port, fresh_environment, start_product, stop_product

REPO = Path(__file__).resolve().parents[1]
PG_DATABASE = "zl_bench_api"
FLOOR = 0.40  # the issue's: the ledger's page of 100 and the figures hold this share of the baseline


# -- the set-up (in a process with Django) ----------------------------------------------------------------------
def make_tokens(projects):
    """Tokens of the province reviewer and the Wenshui editor, a zone's id, `projects` new projects of the editor's
    (one per client: a client's writes never wait on another's stage order), the latest year of a round held."""
    from django.utils import timezone

    from zoneledger.accounts.models import User
    from zoneledger.accounts.tokens import token_create
    from zoneledger.campaigns.models import Round
    from zoneledger.projects.models import Project
    from zoneledger.zones.models import Zone

    secrets = {}
    for username in ("province-reviewer", "wenshui-editor"):
        user = User.objects.get(username=username)
        _token, secrets[username] = token_create(actor=user, user=user, name="bench")
    zone = Zone.objects.get(name="文水经济开发区")
    made = [
        Project.objects.create(zone=zone, name=f"接口负载{number:02d}-{uuid.uuid4().hex[:6]}", total_investment=1000)
        for number in range(projects)
    ]
    # The latest year with a round held: the demo defines the next round ahead, maybe in the next year, where the
    # figures would be empty and a stage dated in it would be refused as in the future.
    held = Round.objects.filter(province_id="140000", held_on__lte=timezone.localdate())
    year = held.order_by("-year").values_list("year", flat=True).first()
    return {"reader": secrets["province-reviewer"], "writer": secrets["wenshui-editor"], "zone": zone.pk,
            "projects": [project.pk for project in made], "year": year}  # fmt: skip


# -- the clients ------------------------------------------------------------------------------------------------
class Client:
    """One token's requests over a new connection each; every answer's (kind, status, seconds) is kept."""

    def __init__(self, address, token, rows, lock):
        self.address, self.token, self.rows, self.lock = address, token, rows, lock

    def request(self, kind, method, path, body=None, expect=200, key=None):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        started = time.perf_counter()
        connection = http.client.HTTPConnection(*self.address, timeout=120)
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        finally:
            connection.close()
        with self.lock:
            self.rows.append((kind, status == expect, status, time.perf_counter() - started))
        return status, (json.loads(payload) if payload and status < 500 else None)


def run_phase(address, clients, seconds, work):
    """`clients` threads calling `work(client, n)` until `seconds` have passed; [(kind, ok, status, seconds)], the
    seconds it took."""
    rows, lock, stop = [], threading.Lock(), threading.Event()

    def loop(number):
        client_of = {name: Client(address, token, rows, lock) for name, token in TOKENS.items()}
        n = 0
        while not stop.is_set():
            work(client_of, number, n)
            n += 1

    threads = [threading.Thread(target=loop, args=(number,)) for number in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return rows, time.perf_counter() - started


TOKENS = {}


def phases(setup):
    """The phases' work: each is called in a loop by every client thread."""
    zone, own_projects, year = setup["zone"], setup["projects"], setup["year"]

    def baseline(client, _number, _n):
        client["reader"].request("zone", "GET", f"/api/v1/zones/{zone}")

    def ledger(client, _number, _n):
        client["reader"].request("projects", "GET", "/api/v1/projects/?page_size=100")

    def figures(client, _number, _n):
        client["reader"].request("figures", "GET", f"/api/v1/figures/?year={year}")

    def mixed(client, number, n):
        project = own_projects[number]
        if n % 5 == 4:  # one write turn in five: record a stage and void it, each once whatever is retried
            key = f"bench-{number}-{n}-{uuid.uuid4().hex[:8]}"
            event = {"stage": "signed", "happened_on": f"{year}-01-15", "note": "负载"}
            status, recorded = client["writer"].request(
                "write: record a stage", "POST", f"/api/v1/projects/{project}/events", event, 201, key + "-r"
            )
            if status == 201:
                client["writer"].request(
                    "write: void it",
                    "POST",
                    f"/api/v1/projects/{project}/events/{recorded['id']}/void",
                    {"reason": "负载测试"},
                    200,
                    key + "-v",
                )
            return
        path, kind = [
            ("/api/v1/projects/?page_size=100", "read: projects"),
            (f"/api/v1/projects/{project}", "read: a project"),
            ("/api/v1/warnings/signed-not-started?page_size=50", "read: signed, not started"),
            (f"/api/v1/figures/?year={year}", "read: figures"),
        ][n % 5]
        client["reader"].request(kind, "GET", path)

    return {"baseline": baseline, "projects": ledger, "figures": figures, "mixed": mixed}


def summary(rows, elapsed):
    times = sorted(seconds * 1000 for _kind, _ok, _status, seconds in rows)
    failures = {}
    for kind, ok, status, _seconds in rows:
        if not ok:
            failures[f"{kind} {status}"] = failures.get(f"{kind} {status}", 0) + 1
    kinds = {}
    for kind, _ok, _status, _seconds in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "requests": len(rows),
        "per_second": round(len(rows) / elapsed, 1),
        "median_ms": round(statistics.median(times)) if times else None,
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)]) if times else None,
        "max_ms": round(times[-1]) if times else None,
        "kinds": kinds,
        "failures": failures,
    }


# -- the bench --------------------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--step", choices=["tokens"])
    arguments = parser.parse_args()
    if arguments.step == "tokens":
        import django

        django.setup()
        print(json.dumps(make_tokens(arguments.clients)))
        return
    folder = Path(tempfile.mkdtemp(prefix="zl-bench-api-"))
    environment = fresh_environment(folder, arguments.database, PG_DATABASE, ZONELEDGER_API_RATE_PER_MINUTE="0")
    command = [sys.executable, "-m", "zoneledger.cli"]
    subprocess.run([*command, "demo", "--no-serve"], env=environment, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    made = subprocess.run(
        [sys.executable, "-m", "bench.api", "--step", "tokens", "--clients", str(arguments.clients)],
        env=environment,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    TOKENS.update(reader=setup["reader"], writer=setup["writer"])
    address = ("127.0.0.1", free_port())
    server, worker = start_product(environment, address)
    report = {
        "database": arguments.database,
        "clients": arguments.clients,
        "seconds_each": arguments.seconds,
        "figures_year": setup["year"],
    }
    try:
        for name, work in phases(setup).items():
            rows, elapsed = run_phase(address, 2, 2, work)  # warm both workers up
            rows, elapsed = run_phase(address, arguments.clients, arguments.seconds, work)
            report[name] = summary(rows, elapsed)
    finally:
        stop_product(server, worker)
    base = report["baseline"]["per_second"] or 1
    for name in ("projects", "figures", "mixed"):
        report[name]["ratio_to_baseline"] = round(report[name]["per_second"] / base, 2)
    report["floor"] = FLOOR
    report["projects_and_figures_hold_the_floor"] = all(
        report[name]["ratio_to_baseline"] >= FLOOR for name in ("projects", "figures")
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
