"""One large import must not stop everyone: users log in and record stages while a workbook is checked and applied.

    .venv/bin/python bench/availability.py [--projects 50000] [--months-each 11] [--users 20] [--database sqlite]

In a fresh database holding the reference data (zones, rounds, chains, the demo users), a ledger workbook of
`--projects` projects with `--months-each` monthly rows each is written (50,000 × (1 + 11) = 600,000 rows), and
the product is started as in production: `zoneledger serve` (gunicorn, 2 workers × 4 threads) and
`zoneledger worker`. Then, at once:
  - the uploader (province-reviewer) uploads the workbook on the import page, waits for the check, confirms, and
    waits for the import to be applied;
  - `--users` editors, each in a session of its own, go round until the import is applied: log in, record a stage
    of their own project, open the project, void the event, log out.
Every request's status and time is kept. Printed: how many requests of each kind, how many failed (any status
but the expected one — a 500, a 503 "busy", a 400), their latency (median, p95, p99, max), and the check's and
the apply's time. tests/jobs/test_availability.py runs the same load, smaller, in the test suite.
PostgreSQL: `--database postgres` with BENCH_PG_SERVER (default postgres://postgres@127.0.0.1:5432), database
zl_bench_availability, dropped and re-created.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "Load-test-2024"
BUSY_RETRIES = 30
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "zl_bench_availability"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VOID_URL = re.compile(r'action="(/projects/\d+/events/\d+/void/)"')


# -- one user's browser -----------------------------------------------------------------------------------------
@dataclass
class Timings:
    """Every request made: (action, status, seconds), from all threads."""

    rows: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action, status, seconds):
        with self.lock:
            self.rows.append((action, status, seconds))


class Browser:
    """A user's session against the server: its cookies and CSRF token, one connection per request."""

    def __init__(self, address, timings):
        self.host, self.port = address
        self.timings = timings
        self.cookies = {}

    def request(self, action, method, path, fields=None, files=None, expect=(200,)):
        """(status, body text, Location); the status and time are recorded under `action`, an unexpected status as
        a failure. A "busy, try again" (503) is tried again, as its page asks, after its Retry-After."""
        for _attempt in range(BUSY_RETRIES):
            status, text, location = self._request(action, method, path, fields, files, expect)
            if status != 503:
                break
            time.sleep(1)
        return status, text, location

    def _request(self, action, method, path, fields, files, expect):
        headers = {"Host": f"{self.host}:{self.port}", "Referer": f"http://{self.host}:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if files:
            body, headers["Content-Type"] = multipart_body(fields or {}, files)
        elif fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            location = response.headers.get("Location", "")
        finally:
            connection.close()
        recorded = action if status in expect else f"{action} {'BUSY' if status == 503 else 'FAILED'} {status}"
        self.timings.add(recorded, status, time.perf_counter() - started)
        return status, text, location

    def csrf(self, path):
        _status, text, _location = self.request("page", "GET", path)
        found = _CSRF_FIELD.search(text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def log_in(self, username):
        token = self.csrf("/accounts/login/")
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _text, _location = self.request("log in", "POST", "/accounts/login/", fields, expect=(302,))
        return status == 302

    def log_out(self):
        token = self.cookies.get("csrftoken", "")
        self.request("log out", "POST", "/accounts/logout/", {"csrfmiddlewaretoken": token}, expect=(302,))
        self.cookies.clear()

    def post(self, action, path, fields, **options):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")} | fields
        return self.request(action, "POST", path, fields, **options)


def multipart_body(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- the people -------------------------------------------------------------------------------------------------
def editor_rounds(address, username, project, timings, stop, rounds, finished):
    """Log in, record a stage, open the project, void the event, log out — until `stop` (at least `rounds`);
    `finished[username]` counts the rounds in which the stage was recorded."""
    browser = Browser(address, timings)
    done = 0
    while done < rounds or not stop.is_set():
        if browser.log_in(username):
            path = f"/projects/{project}/"
            fields = {"stage": "signed", "happened_on": date.today().isoformat(), "note": "load"}
            status, _text, _location = browser.post("record a stage", f"{path}stages/", fields, expect=(302,))
            finished[username] += status == 302
            _status, page, _location = browser.request("open the project", "GET", path)
            for void in _VOID_URL.findall(page):
                browser.post("void the event", void, {"reason": "load test"}, expect=(302,))
            browser.log_out()
        done += 1
        if rounds and done >= rounds and stop.is_set():
            break


def upload_and_confirm(address, username, workbook, timings, phases, timeout=3600):
    """The uploader: upload, wait for the check, confirm, wait for the import; `phases` gets each one's seconds."""
    browser = Browser(address, timings)
    assert browser.log_in(username), "the uploader could not log in"
    token = browser.csrf("/import/")
    started = time.perf_counter()
    status, _text, job = browser.request(
        "upload",
        "POST",
        "/import/",
        {"csrfmiddlewaretoken": token},
        files={"file": (Path(workbook).name, Path(workbook).read_bytes())},
        expect=(302,),
    )
    assert status == 302, f"the upload answered {status}"
    job = job.split("//", 1)[-1].split("/", 1)[-1]
    job = "/" + job if not job.startswith("/") else job
    state = _wait_for_state(browser, job, timeout)
    phases["check"] = time.perf_counter() - started
    assert state == "done", f"the check ended {state}"
    started = time.perf_counter()
    browser.post("confirm", f"{job}confirm/", {}, expect=(302,))
    state = _wait_for_state(browser, job, timeout)
    phases["apply"] = time.perf_counter() - started
    phases["state"] = state


def _wait_for_state(browser, job, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _status, text, _location = browser.request("job page", "GET", job, expect=(200,))
        found = re.search(r'data-state="(\w+)"', text)
        if found and found.group(1) in ("done", "failed"):
            return found.group(1)
        time.sleep(0.5)
    return "timed out"


def run_load(address, *, uploader, workbook, editors, rounds=1):
    """The whole load; returns (Timings, phases: the check's and the apply's seconds, the job's end state, and
    how many rounds each editor recorded its stage in)."""
    timings, phases, stop = Timings(), {}, threading.Event()
    finished = phases["recorded"] = defaultdict(int)
    people = [
        threading.Thread(target=editor_rounds, args=(address, username, project, timings, stop, rounds, finished))
        for username, project in editors
    ]
    importing = threading.Thread(target=upload_and_confirm, args=(address, uploader, workbook, timings, phases))
    importing.start()
    for person in people:
        person.start()
    importing.join()
    stop.set()
    for person in people:
        person.join()
    return timings, phases


def summary(timings):
    """Per action: requests, latency in ms (median, p95, p99, max); failures (an unexpected status) and "busy"
    answers (503, tried again) by action and status."""
    by_action = defaultdict(list)
    failures, busy = defaultdict(int), defaultdict(int)
    for action, status, seconds in timings.rows:
        for marker, counts in ((" FAILED ", failures), (" BUSY ", busy)):
            if marker in action:
                action = action.split(marker)[0]
                counts[f"{action} {status}"] += 1
        by_action[action].append(seconds * 1000)
    report = {}
    for action, times in sorted(by_action.items()):
        times.sort()
        report[action] = {
            "requests": len(times),
            "median_ms": round(statistics.median(times)),
            "p95_ms": round(_percentile(times, 95)),
            "p99_ms": round(_percentile(times, 99)),
            "max_ms": round(times[-1]),
        }
    return {"actions": report, "failures": dict(failures), "busy": dict(busy)}


def _percentile(ordered, percent):
    position = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[position]


# -- the set-up (in a process with Django) ----------------------------------------------------------------------
def make_editors(count, zone_name="文水经济开发区"):
    """`count` editors of the zone with the load password, each with a pipeline project; [(username, project id)]."""
    from zoneledger.accounts.choices import Role
    from zoneledger.accounts.models import OrgUnit, User
    from zoneledger.projects.models import Project
    from zoneledger.zones.models import Zone

    zone = Zone.objects.get(name=zone_name)
    org = OrgUnit.objects.get(zone=zone)
    editors = []
    for number in range(count):
        username = f"load-{number:02d}"
        user = User.objects.filter(username=username).first() or User(username=username, org=org, role=Role.EDITOR)
        user.set_password(PASSWORD)
        user.save()
        project = Project.objects.create(
            zone=zone, name=f"负载测试项目{number:02d}-{secrets.token_hex(3)}", total_investment=1000
        )
        editors.append((username, project.pk))
    uploader = User.objects.get(username="province-reviewer")
    uploader.set_password(PASSWORD)
    uploader.save()
    return editors


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(address, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with socket.create_connection(address, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def fresh_environment(folder, database, pg_database, **settings):
    """The product's environment for a bench: its data in `folder`, production-like (no debug), `settings` added;
    on "postgres" the database `pg_database` of BENCH_PG_SERVER, dropped and created again."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {
        "ZONELEDGER_DATA_DIR": str(folder / "data"),
        "DJANGO_SETTINGS_MODULE": "zoneledger.settings",
        "DEBUG": "0",
        "PYTHONPATH": str(REPO),
        **settings,
    }
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {pg_database}")
        environment["DATABASE_URL"] = f"{PG_SERVER}/{pg_database}"
    return environment


def start_product(environment, address):
    """`zoneledger serve` and `zoneledger worker` in processes of their own; (server, worker)."""
    command = [sys.executable, "-m", "zoneledger.cli"]
    server = subprocess.Popen(
        [*command, "serve", "--bind", f"{address[0]}:{address[1]}", "--workers", "2", "--threads", "4"],
        env=environment,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    worker = subprocess.Popen([*command, "worker"], env=environment, cwd=REPO)
    wait_until_serving(address, server)
    return server, worker


def stop_product(*processes):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


# -- the bench --------------------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50000)
    parser.add_argument("--months-each", type=int, default=11)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--step", choices=["editors"])
    arguments = parser.parse_args()
    if arguments.step == "editors":
        import django

        django.setup()
        print(json.dumps(make_editors(arguments.users)))
        return
    folder = Path(tempfile.mkdtemp(prefix="zl-bench-availability-"))
    environment = fresh_environment(
        folder,
        arguments.database,
        PG_DATABASE,
        ZONELEDGER_IMPORT_MAX_MB="2000",
        ZONELEDGER_UPLOAD_MAX_MB="2000",
        ZONELEDGER_IMPORT_MAX_UNPACKED_MB="20000",
    )
    workbook = folder / "ledger.xlsx"
    ingest = [sys.executable, str(REPO / "bench" / "ingest.py"), "--folder", str(folder)]
    subprocess.run([*ingest, "--step", "setup"], env=environment, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            *ingest,
            "--step",
            "build",
            "--file",
            str(workbook),
            *("--projects", str(arguments.projects)),
            *("--months-each", str(arguments.months_each)),
        ],
        env=environment,
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    made = subprocess.run(
        [sys.executable, __file__, "--step", "editors", "--users", str(arguments.users)],
        env=environment,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    editors = json.loads(made.stdout.strip().splitlines()[-1])
    address = ("127.0.0.1", free_port())
    server, worker = start_product(environment, address)
    try:
        started = time.perf_counter()
        timings, phases = run_load(address, uploader="province-reviewer", workbook=workbook, editors=editors)
        elapsed = time.perf_counter() - started
    finally:
        stop_product(server, worker)
    rows = arguments.projects * (1 + arguments.months_each)
    report = {
        "database": arguments.database,
        "rows": rows,
        "users": arguments.users,
        "seconds": round(elapsed, 1),
        "check_s": round(phases.get("check", 0), 1),
        "apply_s": round(phases.get("apply", 0), 1),
        "import": phases.get("state"),
        "editors_who_recorded": sum(1 for count in phases["recorded"].values() if count),
    } | summary(timings)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
