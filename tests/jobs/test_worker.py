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


def wait_for(check, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def states(other_processes, ids):
    jobs = other_processes.jobs()
    return [jobs[key] for key in ids]


def test_queued_jobs_run_one_at_a_time_with_concurrency_one(other_processes):
    ids = other_processes.run(START_NAPS.format(seconds=0.5, count=3))
    assert {state for state, _result, _message in states(other_processes, ids)} == {"queued"}

    worker = other_processes.start("worker", "--concurrency", "1", "--interval", "0.1")
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
    worker = other_processes.start("worker", "--concurrency", "2", "--interval", "0.1")
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
