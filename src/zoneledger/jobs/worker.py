"""`zoneledger worker`: runs the tasks the database backend holds, a bounded number at a time.

One process: `concurrency` threads each claim a ready task (a row of django-tasks-db's table, locked so no other
worker takes it) and run it; the main thread keeps the heartbeats (this worker's and its running jobs'), fails the
jobs of workers that died, and enqueues the periodic tasks that are due. SIGTERM or SIGINT stops claiming and
lets the running tasks finish; a second one ends the process at once (their transactions roll back, and the next
sweep marks their jobs failed).
"""

import logging
import os
import signal
import socket
import threading
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.tasks import TaskContext
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from . import schedule, services
from .models import WorkerProcess

logger = logging.getLogger(__name__)


class WorkerDied(Exception):
    """Recorded on a task whose worker stopped renewing its heartbeat while the task ran."""


class Worker:
    def __init__(self, *, concurrency: int, interval: float = 1.0, backend: str = "default", queues=("default",)):
        self.id = get_random_string(32)
        self.concurrency = concurrency
        self.interval = interval
        self.backend = backend
        self.queues = list(queues)
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    # -- the process -------------------------------------------------------------------------------
    def run(self) -> None:
        """Run until `stop()` (or a signal, when called from the main thread), then wait for the running tasks."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._signalled)
            signal.signal(signal.SIGINT, self._signalled)
        schedule.discover()
        services.worker_register(
            worker_id=self.id, host=socket.gethostname(), pid=os.getpid(), concurrency=self.concurrency
        )
        logger.info("worker %s: %d at a time", self.id, self.concurrency)
        try:
            for number in range(self.concurrency):
                thread = threading.Thread(target=self._claim_and_run, name=f"worker-{number}", daemon=True)
                thread.start()
                self.threads.append(thread)
            while not self.stopping.is_set():
                self.look_after()
                self.stopping.wait(self.heartbeat_seconds)
            for thread in self.threads:
                thread.join()
        finally:
            self._quietly(services.worker_unregister, worker_id=self.id)
            connection.close()

    @property
    def heartbeat_seconds(self) -> float:
        return min(settings.ZONELEDGER_JOB_HEARTBEAT_SECONDS, max(self.interval, 0.1))

    def stop(self) -> None:
        self.stopping.set()

    def _signalled(self, signum, frame) -> None:
        if self.stopping.is_set():
            logger.warning("worker %s: stopping now; the running tasks are abandoned", self.id)
            os._exit(1)
        logger.warning("worker %s: stopping once the running tasks finish (again to stop now)", self.id)
        self.stop()

    # -- the main thread's round -------------------------------------------------------------------
    def look_after(self) -> None:
        """Heartbeats, the sweep of dead workers' jobs and tasks, and the periodic tasks that are due."""
        self._quietly(services.worker_heartbeat, worker_id=self.id)
        self._quietly(services.jobs_fail_stale)
        self._quietly(self._fail_tasks_of_dead_workers)
        self._quietly(schedule.run_due)
        close_old_connections()

    def _fail_tasks_of_dead_workers(self) -> None:
        services.workers_forget_stale()
        alive = set(WorkerProcess.objects.values_list("id", flat=True))
        limit = timezone.now() - timedelta(seconds=settings.ZONELEDGER_JOB_STALE_SECONDS)
        for task_result in DBTaskResult.objects.running().filter(backend_name=self.backend, started_at__lt=limit):
            if not task_result.worker_ids or task_result.worker_ids[-1] not in alive:
                task_result.set_failed(WorkerDied(f"worker {task_result.worker_ids[-1:]} stopped"))

    def _quietly(self, step, **kwargs) -> None:
        # The database may be busy or away for a moment: the next round tries again.
        try:
            step(**kwargs)
        except DatabaseError:
            logger.warning("worker %s: %s failed; trying again later", self.id, step.__name__, exc_info=True)

    # -- the threads -------------------------------------------------------------------------------
    def _claim_and_run(self) -> None:
        services.current_worker.set(self.id)
        try:
            while not self.stopping.is_set():
                close_old_connections()
                task_result = self._claim()
                if task_result is None:
                    self.stopping.wait(self.interval)
                    continue
                self.run_task(task_result)
        finally:
            connection.close()

    def _claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend, queue_name__in=self.queues)
        if not ready.exists():  # a read first: on SQLite the claim's transaction holds the write lock
            return None
        try:
            with exclusive_transaction(ready.db):
                task_result = ready.get_locked()
                if task_result is not None:
                    task_result.claim(self.id)
                return task_result
        except OperationalError:  # a busy SQLite database: look again after the interval
            logger.debug("worker %s: could not claim a task", self.id, exc_info=True)
            return None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task and record how it ended (as django-tasks-db's own worker does)."""
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            sender = type(task.get_backend())
            task_started.send(sender=sender, task_result=task_result)
            arguments = task_result.args, task_result.kwargs
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *arguments[0], **arguments[1])
            else:
                value = task.call(*arguments[0], **arguments[1])
            db_task_result.set_successful(value)
        except Exception as error:
            logger.error("task %s failed: %s", db_task_result.id, "".join(format_exception(error)))
            db_task_result.set_failed(error)
        else:
            task_finished.send(sender=sender, task_result=db_task_result.task_result)
