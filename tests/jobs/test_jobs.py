"""Jobs are rows: started, run (inline in tests), finished or failed with a message, requeued once, swept when
their worker died; periodic tasks are enqueued once when due."""

import os
import socket
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from tests.jobs import tasks_for_tests
from zoneledger.core.errors import NotFound
from zoneledger.jobs import schedule, selectors, services
from zoneledger.jobs.choices import JobKind, JobState
from zoneledger.jobs.models import Job, PeriodicRun, WorkerProcess

pytestmark = pytest.mark.django_db


def test_a_job_runs_and_keeps_its_result_as_a_row(wenshui_editor):
    job = services.job_start(
        owner=wenshui_editor, kind=JobKind.IMPORT_CHECK, task=tasks_for_tests.count_to_three, language="en"
    )

    assert job.state == JobState.DONE
    assert job.result == {"counted": 3, "language": "en"}
    assert (job.started_at is not None, job.finished_at is not None, job.worker) == (True, True, "inline")


def test_a_refused_job_fails_with_its_message(wenshui_editor):
    job = services.job_start(owner=wenshui_editor, kind=JobKind.IMPORT_CHECK, task=tasks_for_tests.refuse)

    assert (job.state, job.message) == (JobState.FAILED, "这个文件不能导入。")


@pytest.mark.parametrize(("language", "expected"), [("en", "unexpected problem"), ("zh-hans", "意外")])
def test_a_job_that_crashes_fails_with_a_message_in_its_owners_language(wenshui_editor, language, expected):
    job = services.job_start(
        owner=wenshui_editor, kind=JobKind.IMPORT_CHECK, task=tasks_for_tests.crash, language=language
    )

    assert job.state == JobState.FAILED
    assert expected in job.message
    assert "a bug" not in job.message  # the traceback goes to the log, not to the user


def test_a_job_is_started_once_however_often_it_is_confirmed(wenshui_editor):
    job = services.job_start(owner=wenshui_editor, kind=JobKind.IMPORT_CHECK, task=tasks_for_tests.count_to_three)
    checked = Q(kind=JobKind.IMPORT_CHECK, state=JobState.DONE)
    apply = {"kind": JobKind.IMPORT_APPLY, "task": tasks_for_tests.count_to_three, "only_if": checked}

    first = services.job_requeue(job=job, **apply)
    second = services.job_requeue(job=job, **apply)

    job.refresh_from_db()
    assert (first, second) == (True, False)
    assert (job.kind, job.state) == (JobKind.IMPORT_APPLY, JobState.DONE)


def test_a_running_job_whose_worker_went_silent_is_failed_with_a_message(wenshui_editor):
    job = Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_APPLY, language="en")
    services.job_begin(job_id=job.pk, worker="gone")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    alive = Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_APPLY)
    services.job_begin(job_id=alive.pk, worker="here")

    seen = selectors.job_get(user=wenshui_editor, pk=job.pk)

    assert seen.state == JobState.FAILED
    assert "nothing was written" in seen.message
    assert Job.objects.get(pk=alive.pk).state == JobState.RUNNING


def test_a_silent_job_whose_worker_lives_on_this_machine_is_not_failed(wenshui_editor):
    # On SQLite an import's transaction holds the write lock: no heartbeat can be written while it lasts.
    services.worker_register(worker_id="busy-here", host=socket.gethostname(), pid=os.getpid(), concurrency=1)
    job = Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_APPLY)
    services.job_begin(job_id=job.pk, worker="busy-here")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=an_hour_ago)
    WorkerProcess.objects.filter(id="busy-here").update(heartbeat_at=an_hour_ago)

    assert services.jobs_fail_stale() == 0
    assert services.workers_forget_stale() == []
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING


def test_a_job_is_its_owners_alone(wenshui_editor, xiaoyi_editor):
    job = Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_CHECK)

    with pytest.raises(NotFound):
        selectors.job_get(user=xiaoyi_editor, pk=job.pk)


def test_a_queued_job_knows_how_many_wait_before_it(wenshui_editor):
    now = timezone.now()
    first, second, third = (
        Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_CHECK, created_at=now + timedelta(seconds=n))
        for n in range(3)
    )

    assert [selectors.jobs_ahead(job=job) for job in (first, second, third)] == [0, 1, 2]


def test_progress_is_written_at_most_once_a_second(wenshui_editor, monkeypatch):
    job = Job.objects.create(owner=wenshui_editor, kind=JobKind.IMPORT_CHECK)
    services.job_begin(job_id=job.pk, worker="w")
    clock = iter([100.0, 100.5, 101.2])
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(services, "_inside_transaction", lambda: False)  # the test's own transaction aside
    progress = services.Progress(job)

    progress(10, 100)
    progress(20, 100)  # half a second later: not written
    assert Job.objects.get(pk=job.pk).done == 10
    progress(30, 100)
    assert Job.objects.get(pk=job.pk).done == 30


@pytest.fixture
def tick_every_hour(monkeypatch):
    monkeypatch.setattr(schedule, "_registry", {})
    tasks_for_tests.ticks.clear()
    schedule.periodic(every=timedelta(hours=1))(tasks_for_tests.tick)
    return tasks_for_tests.tick.module_path


def test_a_periodic_task_runs_once_each_time_it_is_due(tick_every_hour):
    start = timezone.now()

    assert schedule.run_due(now=start) == []  # first seen: due an interval later
    assert schedule.run_due(now=start + timedelta(minutes=59)) == []
    assert schedule.run_due(now=start + timedelta(minutes=61)) == [tick_every_hour]
    assert schedule.run_due(now=start + timedelta(minutes=61)) == []  # another worker, same moment
    assert tasks_for_tests.ticks == [1]


def test_a_worker_back_after_a_day_runs_a_periodic_task_once_not_for_every_hour_missed(tick_every_hour):
    start = timezone.now()
    schedule.run_due(now=start)

    schedule.run_due(now=start + timedelta(hours=25, minutes=30))

    assert tasks_for_tests.ticks == [1]
    assert PeriodicRun.objects.get().due_at == start + timedelta(hours=26)


def test_periodic_goes_above_task():
    with pytest.raises(TypeError):
        schedule.periodic(every=timedelta(hours=1))(lambda: None)
