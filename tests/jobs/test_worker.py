"""`zoneledger worker` in a process of its own: it runs queued jobs a bounded number at a time, and stops
gracefully, letting the running job finish."""

import itertools
import signal
import time

import pytest
from django.core.management import CommandError, call_command

# The test database must exist (other_processes copies it); the test's own transaction is not used.
pytestmark = pytest.mark.django_db

START_NAPS = """
from zoneledger.accounts.models import User
from zoneledger.jobs.services import job_start
from tests.jobs.tasks_for_tests import nap
user = User.objects.get(username="wenshui-editor")
parameters = {{"seconds": {seconds}}}
jobs = [job_start(owner=user, kind="import_check", task=nap, parameters=parameters) for _ in range({count})]
print(json.dumps([job.pk.hex for job in jobs]))
"""


def wait_for(check, *, timeout=180):  # a loaded machine starts a process in tens of seconds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def started_worker(other_processes, *arguments):
    """`zoneledger worker ARGUMENTS…`, once it has registered (and so handles SIGTERM)."""
    worker = other_processes.start("worker", *arguments)
    registered = "SELECT count(*) FROM jobs_workerprocess WHERE pid = ?"
    wait_for(lambda: other_processes.query(registered, (worker.pid,))[0][0] or worker.poll() is not None)
    return worker


def states(other_processes, ids):
    jobs = other_processes.jobs()
    return [jobs[key] for key in ids]


def test_queued_jobs_run_one_at_a_time_with_concurrency_one(other_processes):
    ids = other_processes.run(START_NAPS.format(seconds=0.5, count=3))
    assert {state for state, _result, _message in states(other_processes, ids)} == {"queued"}

    worker = started_worker(other_processes, "--concurrency", "1", "--interval", "0.1")
    try:
        wait_for(lambda: all(state == "done" for state, _r, _m in states(other_processes, ids)))
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0

    spans = sorted((result["started"], result["finished"]) for _state, result, _m in states(other_processes, ids))
    assert all(previous[1] <= following[0] for previous, following in itertools.pairwise(spans))
    assert other_processes.query("SELECT count(*) FROM jobs_workerprocess") == [(0,)]  # it removed its row


def test_a_stopped_worker_lets_its_running_job_finish(other_processes):
    ids = other_processes.run(START_NAPS.format(seconds=3, count=1))
    worker = started_worker(other_processes, "--concurrency", "2", "--interval", "0.1")
    try:
        wait_for(lambda: states(other_processes, ids)[0][0] == "running")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()

    assert [state for state, _r, _m in states(other_processes, ids)] == ["done"]


@pytest.mark.parametrize("option", [["--concurrency", "0"], ["--interval", "0"]])
def test_the_worker_refuses_options_that_would_never_run_a_job(option):
    with pytest.raises(CommandError, match=option[0]):
        call_command("worker", *option)


def test_the_demo_runs_a_worker_beside_the_server_and_stops_it_with_it(other_processes, monkeypatch):
    from zoneledger.core.server import worker_alongside

    for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ZONELEDGER_DATA_DIR", "PYTHONPATH"):
        monkeypatch.setenv(key, other_processes.env[key])
    workers = "SELECT count(*) FROM jobs_workerprocess"

    with worker_alongside() as worker:
        wait_for(lambda: other_processes.query(workers) == [(1,)])

    assert worker.returncode == 0  # stopped gracefully
    assert other_processes.query(workers) == [(0,)]


START_APPLY = """
from django.core.files import File
from zoneledger.accounts.models import User
from zoneledger.ingest.tasks import import_job
from zoneledger.jobs.services import job_start
with open({path!r}, "rb") as upload:
    job = job_start(owner=User.objects.get(username="province-reviewer"), kind="import_apply", task=import_job,
                    upload=File(upload, name="ledger.xlsx"), filename="ledger.xlsx", language="en")
print(json.dumps(job.pk.hex))
"""


def writing(other_processes, temporary):
    """Whether the worker holds the write lock of its copy of the database, where an apply writes before it carries
    its rows over (SQLite: core.db.staged_writes, in the worker's temporary folder `temporary`), or has rows of
    projects written but not committed (PostgreSQL)."""
    if other_processes.vendor == "sqlite":
        import sqlite3

        copies = list(temporary.glob("zoneledger-apply-*/copy.sqlite3"))
        if not copies:
            return False
        probe = sqlite3.connect(copies[0], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    rows = other_processes.query(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'projects_project' AND l.mode = 'RowExclusiveLock' AND l.granted"
    )
    return rows[0][0] > 0


def test_a_worker_killed_while_it_writes_an_import_leaves_nothing_written_and_the_job_failed(other_processes, tmp_path):
    from argparse import Namespace

    from bench.ingest import step_build

    workbook = tmp_path / "ledger.xlsx"
    step_build(Namespace(file=str(workbook), projects=6000, months_each=5))
    job = other_processes.run(START_APPLY.format(path=str(workbook)))
    other_processes.env["ZONELEDGER_JOB_STALE_SECONDS"] = "3"
    temporary = tmp_path / "worker-tmp"  # where the worker's apply keeps its copy of an SQLite database
    temporary.mkdir()
    other_processes.env["TMPDIR"] = str(temporary)
    imported = "SELECT count(*) FROM projects_project WHERE name LIKE '基准测试项目%'"

    def is_writing():
        return writing(other_processes, temporary)

    worker = started_worker(other_processes, "--interval", "0.1")
    try:
        wait_for(lambda: other_processes.jobs()[job][0] == "running")
        wait_for(lambda: is_writing() and (time.sleep(0.3) or is_writing()))
    finally:
        worker.kill()
        worker.wait()
    assert other_processes.jobs()[job][0] == "running"  # killed before it could say anything

    sweeper = started_worker(other_processes, "--interval", "0.1")
    try:
        state, _result, message = wait_for(lambda: (found := other_processes.jobs()[job])[0] != "running" and found)
    finally:
        sweeper.send_signal(signal.SIGTERM)
        sweeper.wait(timeout=30)

    assert state == "failed"
    assert "stopped before it finished, so nothing was written" in message
    assert other_processes.query(imported) == [(0,)]
