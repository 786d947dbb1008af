"""Load test: users in a realistic mix against `zoneledger serve`, each page's latencies, the errors (none allowed).

    .venv/bin/python -m bench.load [--users 20] [--seconds 60] [--database postgres|sqlite] [--workers 2]
                                   [--threads 4] [--compare SECONDS] [--server gunicorn|granian] [--think S]
                                   [--national-scale S] [--kill-worker-at S [--import-projects N]]
                                   [--restart-database-at SECONDS --restart-command 'pg_ctl … restart']

Builds the demo ledger (Shanxi, DOMAIN.md §6) in a database of its own — the PostgreSQL database `zl_load`
(dropped and re-created; server from BENCH_POSTGRES_URL) or a SQLite file in a temporary folder — starts
`zoneledger serve` on it (gunicorn, `--workers` × `--threads`) and runs `--users` users for `--seconds`, each a
thread with its own keep-alive connection, signed in as a person of the demo:

- zone editors (文水, 孝义): the month page, the ledger, a project's page; through their API token they submit a
  month's report (a new amount each time) and record a stage and void it again (开工 on a signed project);
- city and province reviewers: the review queue page, and approve the oldest submitted report through the API;
- province users: the dashboard, the year summary, the warnings, the problem queue, the weekly pack;
- API clients (a read-only token of the province): the ledger's pages, the figures, the problem queue.

No user waits between requests unless `--think S` gives a mean pause (a closed loop without it: the numbers are the
server's capacity on this machine, with the load generator on the same cores; with it, people at work). A request
fails when it does not answer as the product answers a correct request (200, 201 or a redirect where one is due) —
except 409, the refusal of a stale write, which concurrent reviewers and editors meet by design and which is counted
apart. `--compare S` then runs the same users on the ledger page alone, on the log-in page alone (signed out) and on
the password page alone (the trivial page of a signed-in user), S seconds each, for the ledger's requests per second
as a share of each trivial page's. `--restart-database-at` restarts the database server (a server of the test's own,
named by BENCH_POSTGRES_URL — never one others use) that many seconds in: requests meanwhile may answer 503 (counted
apart) and anything else is an error. `--national-scale S` adds bench.national's ledger of the whole country at
scale S (every province's zones, projects, months, problems and milestones, Shanxi's among the demo's) before the
server starts, so the pages read a national database. `--kill-worker-at S` runs `zoneledger worker` beside the
server and, S seconds in, the province reviewer uploads a ledger of `--import-projects` projects (bench.ingest's
workbook), confirms it, and the worker is killed (SIGKILL) while it applies it; a new worker is started, the job
must end failed with nothing applied, and the same file uploaded again must then be applied whole. Prints a table
per page (requests, errors, p50/p95/p99 ms, req/s) and, last, one JSON line; the exit status is 1 on any error."""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from datetime import date
from pathlib import Path

POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "zl_load"
PASSWORD = "Demo-2024-zl"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Answers counted apart from errors: a stale write refused (by design under concurrency), the database away (503,
# expected only while `--restart-database-at` restarts it).
OUTCOMES = {409: "stale", 503: "unavailable"}


# -- the database and the server -----------------------------------------------------------------------------------


def environment(database, folder):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="zoneledger.settings", ZONELEDGER_DATA_DIR=str(folder))
    env["ZONELEDGER_API_RATE_PER_MINUTE"] = "1000000"  # the load is the point, not the per-token limit
    env["ZONELEDGER_JOB_STALE_SECONDS"] = "10"  # a killed worker's job is found within seconds
    if database == "postgres":
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/{DATABASE}"
    else:
        env.pop("DATABASE_URL", None)
    return env


def prepare(database, folder, *, national_scale=0, import_projects=0):
    """The demo ledger in the load test's database (with the national ledger at `national_scale` around it), API
    tokens for its people, the rows the users act on, and (`import_projects`) the workbook the uploader imports."""
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            server.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.update(environment(database, folder))
    if database != "postgres":
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from zoneledger.accounts.models import User
    from zoneledger.accounts.tokens import token_create
    from zoneledger.demo.builder import build_orgs, ensure_demo_users, load_demo, load_demo_reports
    from zoneledger.demo.problems import load_demo_problems
    from zoneledger.projects.models import Project

    load_demo()
    build_orgs()
    ensure_demo_users()
    load_demo_problems()
    load_demo_reports()
    tokens = {}
    for username, read_only in (
        ("wenshui-editor", False),
        ("xiaoyi-editor", False),
        ("lvliang-reviewer", False),
        ("province-reviewer", False),
        ("province-viewer", True),
    ):
        user = User.objects.get(username=username)
        tokens[username] = token_create(actor=None, user=user, name="load test", read_only=read_only)[1]
    zones = {}
    for username in ("wenshui-editor", "xiaoyi-editor"):
        user = User.objects.get(username=username)
        projects = Project.objects.visible_to(user).order_by("pk")
        zones[username] = {
            "zone": user.org.zone_id,
            "started": list(projects.filter(stage="started").values_list("pk", flat=True)),
            "signed": list(projects.filter(stage="signed").values_list("pk", flat=True)),
        }
    if import_projects:  # the demo's zones only: the uploader is Shanxi's
        from argparse import Namespace

        from bench.ingest import step_build

        step_build(Namespace(file=str(folder / "ledger.xlsx"), projects=import_projects, months_each=5))
    if national_scale:
        from bench.national import generate

        started = time.perf_counter()
        counts = generate(national_scale)
        print(f"national ledger at scale {national_scale} in {time.perf_counter() - started:.0f} s: {counts}")
    from django.db import connection

    connection.close()
    return tokens, zones


def start_server(database, folder, port, workers, threads, server_name="gunicorn"):
    """`zoneledger serve` (gunicorn), or granian serving the same WSGI application with as many workers and
    blocking threads, for the choice between them."""
    env = environment(database, folder)
    bin_folder = Path(sys.executable).parent
    if server_name == "granian":
        subprocess.run([str(bin_folder / "zoneledger"), "collectstatic", "--noinput"], env=env, check=True)
        command = [str(bin_folder / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers), "--blocking-threads", str(threads), "zoneledger.wsgi:application"]
    else:
        command = [str(bin_folder / "zoneledger"), "serve", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(workers), "--threads", str(threads)]
    log = open(folder / "server.log", "w")  # noqa: SIM115  # open for the server's lifetime
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {folder / 'server.log'}")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 120 s")


# -- one user ------------------------------------------------------------------------------------------------------


class Failed(Exception):
    pass


class Client:
    """One person's keep-alive connection, cookies and CSRF token; every request timed under a page's name."""

    def __init__(self, port, record):
        self.port, self.record = port, record
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        self.token = None
        self.last_location = ""
        self.sent = self.resent = 0

    def request(self, name, method, path, *, body=None, headers=None, expect=(200,)):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        started = time.perf_counter()
        try:
            response, content = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self._reconnect()
            self.record(name, time.perf_counter() - started, f"connection: {type(error).__name__}")
            raise Failed from error
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            key, _, rest = header.partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
        self.last_location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        outcome = "ok" if response.status in expect else OUTCOMES.get(response.status, str(response.status))
        self.record(name, elapsed, outcome)
        if outcome not in ("ok", "stale"):
            raise Failed(f"{name}: {response.status}")
        return response.status, content

    def _send(self, method, path, body, headers):
        """One request; on a kept-alive connection the server has closed meanwhile (gunicorn closes idle ones
        after its keep-alive seconds), sent again once on a new connection, as browsers and HTTP libraries do."""
        reused = self.sent > 0
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if not reused:
                raise
            self._reconnect()
            self.resent += 1
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        self.sent += 1
        return response, response.read()

    def _reconnect(self):
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.sent = 0

    def get(self, name, path):
        return self.request(name, "GET", path)[1]

    def log_in(self, username):
        page = self.get("log-in page", "/accounts/login/").decode()
        csrf = CSRF_RE.search(page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"}
        self.request("log in", "POST", "/accounts/login/", body=form, headers=headers, expect=(302,))

    def api(self, name, method, path, payload=None, expect=(200,)):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload)
            headers["Content-Type"] = "application/json"
        cookies, self.cookies = self.cookies, {}  # a token client sends no session
        try:
            status, content = self.request(name, method, f"/api/v1{path}", body=body, headers=headers, expect=expect)
        finally:
            self.cookies = cookies
        return status, json.loads(content) if content else None


def zone_editor(client, rng, plan):
    """A zone editor: looks at the month, the ledger and a project; reports a month; records a stage, voids it."""
    if plan["unvoided"]:
        void_stages(client, plan)
        return
    month = f"2026-{rng.randint(1, 10):02d}"
    started = plan["started"]  # none, for an editor among more users than their zone has started projects
    project = started[rng.randrange(len(started))] if started else None
    choice = rng.random()
    if choice < 0.2:
        client.get("month page", f"/progress/?zone={plan['zone']}&month={month}")
    elif choice < 0.4 or (project is None and choice < 0.85):
        client.get("ledger page", "/projects/?sort=-investment")
    elif choice < 0.55:
        client.get("project page", f"/projects/{project}/")
    elif choice < 0.85:
        payload = {"month": month, "amount": f"{rng.randint(1, 900)}.{rng.randint(0, 99):02d}"}
        client.api("API: submit a month", "POST", f"/progress/projects/{project}/reports", payload, expect=(201, 200))
    elif plan["signed"]:
        signed = plan["signed"][rng.randrange(len(plan["signed"]))]
        status, event = client.api(
            "API: record a stage",
            "POST",
            f"/projects/{signed}/events",
            {"stage": "started", "happened_on": date(2026, 11, rng.randint(1, 28)).isoformat()},
            expect=(201,),
        )
        if status == 201:
            plan["unvoided"].append((signed, event["id"]))
            void_stages(client, plan)


def void_stages(client, plan):
    """Void the stages this editor recorded and has not voided yet (a void refused with a 503 is tried again)."""
    while plan["unvoided"]:
        signed, event = plan["unvoided"][0]
        client.api("API: void a stage", "POST", f"/projects/{signed}/events/{event}/void", {"reason": "压测撤销"})
        plan["unvoided"].pop(0)


def reviewer(client, rng, plan):
    """A city or province reviewer: the queue page, and approves the oldest submitted report through the API."""
    if rng.random() < 0.4:
        client.get("review queue page", "/progress/review/")
        return
    _status, page = client.api("API: reports to review", "GET", "/progress/reviews?page_size=20")
    # Not one they submitted themselves (四眼原则: refused, 403): the province reviewer also uploads the import.
    items = [item for item in page.get("items") or [] if item.get("submitted_by") != plan["username"]]
    if items:
        version = items[rng.randrange(len(items))]
        client.api("API: approve a report", "POST", f"/progress/reports/{version['id']}/approve")


PROVINCE_PAGES = [
    ("dashboard", "/"),
    ("year summary", "/summary/"),
    ("warnings page", "/warnings/"),
    ("problem queue page", "/problems/"),
    ("weekly pack page", "/weekly/"),
    ("ledger page", "/projects/?sort=-investment"),
]


def province_user(client, rng, plan):
    name, path = PROVINCE_PAGES[rng.randrange(len(PROVINCE_PAGES))]
    client.get(name, path)


def api_client(client, rng, plan):
    choice = rng.random()
    if choice < 0.5:
        client.api("API: ledger page", "GET", f"/projects/?page={rng.randint(1, 5)}")
    elif choice < 0.8:
        client.api("API: figures", "GET", "/figures/?scope=province&year=2024")
    else:
        client.api("API: problem queue", "GET", "/problems/")


# (username, the role's loop, the token's user or None, the share of users)
ROLES = [
    ("wenshui-editor", zone_editor, "wenshui-editor", 0.15),
    ("xiaoyi-editor", zone_editor, "xiaoyi-editor", 0.15),
    ("lvliang-reviewer", reviewer, "lvliang-reviewer", 0.08),
    ("province-reviewer", reviewer, "province-reviewer", 0.07),
    ("province-viewer", province_user, None, 0.3),
    ("province-viewer", api_client, "province-viewer", 0.25),
]


def cast(users):
    """The role of each of `users` users, in the shares of ROLES (every role at least once from 6 users)."""
    counts = [max(1, round(users * share)) for *_rest, share in ROLES]
    while sum(counts) > users and max(counts) > 1:
        counts[counts.index(max(counts))] -= 1
    return [role for role, count in zip(ROLES, counts, strict=True) for _ in range(count)]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = defaultdict(list)
        self.outcomes = defaultdict(lambda: defaultdict(int))
        self.errors = []
        self.resent = 0  # requests sent again on a new connection (the server had closed the kept-alive one)
        self.unavailable_at = []

    def __call__(self, name, seconds, outcome):
        with self.lock:
            self.samples[name].append(seconds)
            self.outcomes[name][outcome] += 1
            if outcome == "unavailable":
                self.unavailable_at.append(time.perf_counter())
            elif outcome != "ok" and outcome != "stale" and len(self.errors) < 20:
                self.errors.append(f"{name}: {outcome}")


def own_share(plan, roles, index):
    """The projects of a zone editor's plan this user acts on: every n-th, n the users signed in as the same person,
    so two users never record the same project's stage at once."""
    same = [position for position, role in enumerate(roles) if role[0] == roles[index][0]]
    n, k = len(same), same.index(index)
    share = {key: value[k::n] if isinstance(value, list) else value for key, value in plan.items()}
    return share | {"unvoided": [], "username": roles[index][0]}


def run_users(port, roles, seconds, tokens, zones, seed, scenario=None, think=0):
    """Every user signs in, then all run in threads for `seconds` (and, with a `scenario`, until it has run in a
    thread of its own from the start: `scenario(recorder)`); returns the recorder and the seconds measured. With
    `think`, each user pauses between two actions for a random time of that mean (exponential), as people do.

    Signing in (a password hash each) happens before the clock starts and is not among the pages measured.
    """
    recorder = Recorder()
    ready = threading.Barrier(len(roles) + 1)
    stop = threading.Event()

    def user(index, role):
        username, loop, token_user, _share = role
        rng = random.Random(seed * 1000 + index)
        client = Client(port, lambda *sample: None)
        client.token = tokens.get(token_user) if token_user else None
        plan = own_share(zones.get(username, {}), roles, index)
        try:
            if loop is not api_client and username:
                client.log_in(username)
        finally:
            ready.wait()
        client.record = recorder
        while not stop.is_set():
            try:
                loop(client, rng, plan)
            except Failed:
                time.sleep(0.05)
            if think:
                stop.wait(rng.expovariate(1 / think))
        with recorder.lock:
            recorder.resent += client.resent

    threads = [threading.Thread(target=user, args=(index, role), daemon=True) for index, role in enumerate(roles)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    happening = threading.Thread(target=scenario, args=(recorder,), daemon=True) if scenario else None
    if happening:
        happening.start()
    time.sleep(seconds)
    if happening:
        happening.join()  # the users go on working until it is over
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    return recorder, time.perf_counter() - started


def restarting_the_database(at, command):
    """A scenario: `at` seconds in, restart the database server with `command`; the recorder keeps when."""

    def scenario(recorder):
        time.sleep(at)
        recorder.restarted = [time.perf_counter()]
        subprocess.run(command, shell=True, check=True)
        recorder.restarted.append(time.perf_counter())

    return scenario


# -- the worker killed in the middle of an import ------------------------------------------------------------------

IMPORTED = "基准测试项目"  # how bench.ingest's workbook names its projects


def start_worker(database, folder):
    log = open(folder / "worker.log", "a")  # noqa: SIM115  # open for the worker's lifetime
    command = [str(Path(sys.executable).parent / "zoneledger"), "worker", "--interval", "0.5"]
    return subprocess.Popen(command, env=environment(database, folder), stdout=log, stderr=subprocess.STDOUT)


def imported_projects():
    from zoneledger.projects.models import Project

    return Project.objects.filter(name__startswith=IMPORTED).count()


def job_state(client, job):
    page = client.get("import: job page", job).decode()
    found = re.search(r'data-state="(\w+)" data-mode="(\w+)"', page)
    return found.groups() if found else (None, None)


def stored_state(job):
    """The state of the job at the address `job` (…/<uuid>/), as the database holds it now."""
    from zoneledger.jobs.models import Job

    return Job.objects.filter(pk=job.rstrip("/").rsplit("/", 1)[-1]).values_list("state", flat=True).first()


def wait_for_job(client, job, states, timeout=1800):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state, _mode = job_state(client, job)
        if state in states:
            return state
        time.sleep(0.5)
    return "timed out"


def upload_and_confirm(client, workbook):
    """Upload the workbook on the import page, wait for its check, confirm; the applying job's address."""
    from bench.availability import multipart_body

    csrf = CSRF_RE.search(client.get("import: page", "/import/").decode()).group(1)
    body, kind = multipart_body({"csrfmiddlewaretoken": csrf}, {"file": (workbook.name, workbook.read_bytes())})
    headers = {"Content-Type": kind, "Referer": f"http://127.0.0.1:{client.port}/import/"}
    client.request("import: upload", "POST", "/import/", body=body, headers=headers, expect=(302,))
    check = client.last_location
    if wait_for_job(client, check, {"done", "failed"}) != "done":
        raise Failed("the check of the workbook did not pass")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{client.port}/"}
    client.request("import: confirm", "POST", f"{check}confirm/", body=form, headers=headers, expect=(302,))
    return client.last_location


def killing_the_worker(at, port, workbook, workers, start):
    """A scenario: `at` seconds in, the province reviewer imports `workbook`; the worker is killed while it applies
    it, a new one started (`start()`, kept in `workers`); then the job must be failed with nothing applied, and the
    same file, uploaded again, applied whole. The recorder keeps what happened (`worker_kill`)."""

    def scenario(recorder):
        time.sleep(at)
        client = Client(port, recorder)
        outcome = recorder.worker_kill = {"expected": None, "failed_job": None, "rerun": None}
        try:
            client.log_in("province-reviewer")
            applying = upload_and_confirm(client, workbook)
            # Read from the database, not the job page: under load a page takes seconds, longer than an apply's
            # first seconds, so the kill came after a small apply had finished.
            deadline = time.monotonic() + 1800
            while stored_state(applying) not in ("running", "done", "failed") and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)  # into the apply's work
            outcome["state_when_killed"] = stored_state(applying)
            workers[-1].kill()
            workers[-1].wait()
            killed = time.perf_counter()
            workers.append(start())
            outcome["failed_job"] = wait_for_job(client, applying, {"done", "failed"})
            outcome["failed_after_s"] = round(time.perf_counter() - killed, 1)
            outcome["applied_after_kill"] = imported_projects()
            rerun = upload_and_confirm(client, workbook)
            outcome["rerun"] = wait_for_job(client, rerun, {"done", "failed"})
            outcome["applied_after_rerun"] = imported_projects()
            outcome["expected"] = len(workbook_projects(workbook))
        except Failed as error:
            outcome["error"] = str(error)

    return scenario


def workbook_projects(workbook):
    from openpyxl import load_workbook

    from zoneledger.ingest.columns import LEDGER_SHEET

    book = load_workbook(workbook, read_only=True)
    try:
        return [row for row in book[LEDGER_SHEET].iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]
    finally:
        book.close()


def kill_went_as_it_should(outcome):
    return (
        outcome.get("state_when_killed") == "running"
        and outcome["failed_job"] == "failed"
        and outcome.get("applied_after_kill") == 0
        and outcome["rerun"] == "done"
        and outcome.get("applied_after_rerun") == outcome["expected"]
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def page_rows(recorder, elapsed):
    rows = []
    for name in sorted(recorder.samples):
        values = recorder.samples[name]
        outcomes = recorder.outcomes[name]
        rows.append(
            {
                "page": name,
                "requests": len(values),
                "errors": sum(
                    count for outcome, count in outcomes.items() if outcome not in ("ok", "stale", "unavailable")
                ),
                "stale": outcomes.get("stale", 0),
                "unavailable": outcomes.get("unavailable", 0),
                "p50_ms": round(statistics.median(values) * 1000),
                "p95_ms": round(percentile(values, 0.95) * 1000),
                "p99_ms": round(percentile(values, 0.99) * 1000),
                "rps": round(len(values) / elapsed, 1),
            }
        )
    return rows


def table(rows):
    lines = [
        "| page | requests | errors | 409 stale | 503 | p50 ms | p95 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['errors']} | {row['stale']} | {row['unavailable']} |"
            f" {row['p50_ms']} |"
            f" {row['p95_ms']} | {row['p99_ms']} | {row['rps']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--compare", type=float, default=0, help="seconds of the ledger alone, then log-in alone")
    parser.add_argument("--port", type=int, default=8000 + secrets.randbelow(900) + 100)
    parser.add_argument(
        "--restart-database-at",
        type=float,
        help="seconds into the run to restart the database server with --restart-command (its own server, not a"
        " shared one); requests may then answer 503 until it is back, and nothing else",
    )
    parser.add_argument("--restart-command", help="a shell command restarting the database server")
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--think", type=float, default=0, help="a user's mean pause between actions, seconds")
    parser.add_argument("--national-scale", type=float, default=0, help="add bench.national's ledger at this scale")
    parser.add_argument("--kill-worker-at", type=float, help="seconds into the run to import and kill the worker")
    parser.add_argument("--import-projects", type=int, default=5000, help="the killed import's projects")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir)
        killing = options.kill_worker_at is not None
        tokens, zones = prepare(
            options.database,
            folder,
            national_scale=options.national_scale,
            import_projects=options.import_projects if killing else 0,
        )
        server = start_server(options.database, folder, options.port, options.workers, options.threads, options.server)
        workers = [start_worker(options.database, folder)] if killing else []
        try:
            restart = scenario = None
            if options.restart_database_at is not None:
                restart = options.restart_database_at
                scenario = restarting_the_database(restart, options.restart_command)
            if killing:
                scenario = killing_the_worker(
                    options.kill_worker_at,
                    options.port,
                    folder / "ledger.xlsx",
                    workers,
                    lambda: start_worker(options.database, folder),
                )
            recorder, elapsed = run_users(
                options.port,
                cast(options.users),
                options.seconds,
                tokens,
                zones,
                1,
                scenario=scenario,
                think=options.think,
            )
            rows = page_rows(recorder, elapsed)
            total = sum(row["requests"] for row in rows)
            errors = sum(row["errors"] for row in rows)
            unavailable = sum(row["unavailable"] for row in rows)
            if restart is None:
                errors += unavailable  # no 503 is expected without a restart
            print(
                f"{options.users} users (think {options.think:g} s) for {elapsed:.0f} s on {options.database},"
                f" {options.server}"
                f" {options.workers} workers × {options.threads} threads: {total} requests,"
                f" {total / elapsed:.1f} req/s, {errors} errors ({recorder.resent} requests sent again after an idle"
                " connection was closed)"
            )
            print(table(rows))
            for error in recorder.errors:
                print("error:", error)
            summary = {"users": options.users, "think_s": options.think, "rps": round(total / elapsed, 1)}
            summary |= {"errors": errors, "pages": rows}
            summary["resent"] = recorder.resent
            if restart is not None:
                down, up = recorder.restarted
                last = max(recorder.unavailable_at, default=down)
                summary["restart"] = {
                    "restart_s": round(up - down, 1),
                    "unavailable": unavailable,
                    "last_503_after_restart_began_s": round(last - down, 1),
                }
                print(
                    f"database restarted {options.restart_database_at:.0f} s in, taking {up - down:.1f} s:"
                    f" {unavailable} answers 503, the last {last - down:.1f} s after the restart began; {errors} errors"
                )
            if killing:
                summary["worker_kill"] = outcome = recorder.worker_kill
                if not kill_went_as_it_should(outcome):
                    errors += 1
                    summary["errors"] = errors
                print(
                    f"worker killed {options.kill_worker_at:.0f} s in while it applied {outcome['expected']} projects"
                    f" (job {outcome.get('state_when_killed')}): the job ended {outcome['failed_job']}"
                    f" {outcome.get('failed_after_s')} s later with {outcome.get('applied_after_kill')} projects"
                    f" applied; the file uploaded again: {outcome['rerun']},"
                    f" {outcome.get('applied_after_rerun')} projects applied"
                    + (f"; error: {outcome['error']}" if "error" in outcome else "")
                )
            if options.compare:
                alone = {}
                for name, path, username in (
                    ("ledger page", "/projects/?sort=-investment", "province-viewer"),
                    ("log-in page", "/accounts/login/", None),  # signed out: a signed-in user is sent on
                    # The trivial page of a signed-in user: a three-field form in the layout, read through the same
                    # session, user and org lookups and the same header as the ledger.
                    ("password page", "/accounts/password/", "province-viewer"),
                ):
                    role = (username, lambda client, rng, plan, name=name, path=path: client.get(name, path))
                    only, seconds = run_users(
                        options.port, [(*role, None, 1)] * options.users, options.compare, tokens, zones, 2
                    )
                    alone[name] = page_rows(only, seconds)
                    errors += sum(row["errors"] for row in alone[name])
                rps = {name: next(row["rps"] for row in rows if row["page"] == name) for name, rows in alone.items()}
                ledger_rps, login_rps, password_rps = rps["ledger page"], rps["log-in page"], rps["password page"]
                print(
                    f"alone, {options.users} users {options.compare:.0f} s each: ledger {ledger_rps} req/s, "
                    f"log-in page {login_rps} req/s, password page {password_rps} req/s: the ledger at"
                    f" {ledger_rps / login_rps:.2f} of the log-in page, {ledger_rps / password_rps:.2f} of the"
                    " signed-in trivial page"
                )
                summary["ledger_vs_trivial"] = round(ledger_rps / login_rps, 2)
                summary["ledger_vs_signed_in_trivial"] = round(ledger_rps / password_rps, 2)
                summary["errors"] = errors
            print(json.dumps(summary, ensure_ascii=False))
        finally:
            for process in [server, *workers]:
                process.terminate()
                process.wait(timeout=30)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
