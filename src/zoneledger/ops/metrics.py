"""Metrics in the Prometheus text format (version 0.0.4), kept in the process without a client library.

Requests are counted by view (the URL's name, so the series are few and carry no ids) and status, with their
durations in a histogram. These counters live in the memory of the process that answered: under gunicorn with
several workers, a scrape reaches one of them and sees its share only (docs/DEPLOY.md, "Metrics"). The job
figures are read from the database at each scrape, so they are the same whichever process answers.
"""

import os
import threading
import time
from bisect import bisect_left
from collections import defaultdict

from zoneledger.jobs.selectors import queue_figures

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STARTED = time.time()


class RequestMetrics:
    """Counts and duration histograms of the requests this process answered, safe to update from threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: defaultdict[tuple[str, str, str], int] = defaultdict(int)  # (view, method, status) -> count
        self.buckets: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))  # view -> counts
        self.seconds: defaultdict[str, float] = defaultdict(float)  # view -> total duration

    def observe(self, *, view: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[view, method, str(status)] += 1
            self.buckets[view][bisect_left(BUCKETS, seconds)] += 1
            self.seconds[view] += seconds

    def lines(self) -> list[str]:
        with self._lock:
            requests = sorted(self.requests.items())
            buckets = sorted((view, list(counts)) for view, counts in self.buckets.items())
            seconds = dict(self.seconds)
        lines = [
            "# HELP zoneledger_http_requests_total Requests answered by this process, by view and status.",
            "# TYPE zoneledger_http_requests_total counter",
        ]
        for (view, method, status), count in requests:
            lines.append(f"zoneledger_http_requests_total{_labels(view=view, method=method, status=status)} {count}")
        lines += [
            "# HELP zoneledger_http_request_duration_seconds Time to answer a request in this process, by view.",
            "# TYPE zoneledger_http_request_duration_seconds histogram",
        ]
        for view, counts in buckets:
            cumulative = 0
            for bound, count in zip((*BUCKETS, "+Inf"), counts, strict=True):
                cumulative += count
                le = bound if isinstance(bound, str) else repr(bound)
                lines.append(f"zoneledger_http_request_duration_seconds_bucket{_labels(view=view, le=le)} {cumulative}")
            lines.append(f"zoneledger_http_request_duration_seconds_sum{_labels(view=view)} {seconds[view]:.6f}")
            lines.append(f"zoneledger_http_request_duration_seconds_count{_labels(view=view)} {cumulative}")
        return lines


REQUESTS = RequestMetrics()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _gauge(name: str, help_text: str, values: list[tuple[dict[str, str], float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{_labels(**labels) if labels else ''} {_number(value)}" for labels, value in values]
    return lines


def exposition() -> str:
    """Everything /metrics shows, as one text in the exposition format."""
    queue = queue_figures()
    lines = REQUESTS.lines()
    lines += _gauge(
        "zoneledger_jobs",
        "Background jobs kept (ZONELEDGER_JOB_KEEP_HOURS), by state; queued is the queue's depth.",
        [({"state": state}, count) for state, count in queue.jobs.items()],
    )
    lines += _gauge(
        "zoneledger_tasks_ready", "Tasks waiting for a worker, periodic ones included.", [({}, queue.tasks_ready)]
    )
    lines += _gauge(
        "zoneledger_tasks_failed",
        "Tasks that ended with an error, kept as long as the jobs (a rise is a failure).",
        [({}, queue.tasks_failed)],
    )
    lines += _gauge("zoneledger_workers_alive", "Workers with a recent heartbeat.", [({}, queue.workers)])
    lines += _gauge("zoneledger_process_start_time_seconds", "When this process started (Unix time).", [({}, STARTED)])
    lines += _gauge("zoneledger_process_id", "The id of the process that answered this scrape.", [({}, os.getpid())])
    return "\n".join(lines) + "\n"
