"""/metrics: the Prometheus text format, for the bearer of ZONELEDGER_METRICS_TOKEN only."""

import re

import pytest

from tests.security.sessions import log_in
from zoneledger.jobs.choices import JobKind, JobState
from zoneledger.jobs.models import Job
from zoneledger.ops.metrics import BUCKETS, RequestMetrics

TOKEN = "metrics-token-for-the-tests-0123456789"
SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="(?:[^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$')


@pytest.fixture
def token(settings):
    settings.ZONELEDGER_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def test_without_a_configured_token_metrics_do_not_exist(client, settings, db):
    settings.ZONELEDGER_METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert scrape(client, "").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_missing_or_wrong_token_is_401(client, token, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "zoneledger_" not in response.content.decode()


def test_a_signed_in_administrator_without_the_token_is_refused(client, token, db):
    from zoneledger.accounts.models import User

    log_in(client, User.objects.get(username="province-admin"))

    assert client.get("/metrics").status_code == 401


def test_the_exposition_counts_requests_by_view_and_status(client, token, db):
    client.get("/accounts/login/")
    client.get("/accounts/login/")
    client.get("/no-such-page/")

    response = scrape(client, token)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert all(SAMPLE.match(line) for line in lines), [line for line in lines if not SAMPLE.match(line)]
    counts = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith("zoneledger_http_requests_total")
    }
    assert counts['zoneledger_http_requests_total{view="accounts:login",method="GET",status="200"}'] >= 2
    assert counts['zoneledger_http_requests_total{view="unresolved",method="GET",status="404"}'] >= 1
    assert "# TYPE zoneledger_http_request_duration_seconds histogram" in text
    assert 'zoneledger_http_request_duration_seconds_bucket{view="accounts:login",le="+Inf"}' in text


def test_the_queue_and_failures_come_from_the_database(client, token, db):
    Job.objects.create(kind=JobKind.IMPORT_CHECK, state=JobState.QUEUED)
    Job.objects.create(kind=JobKind.IMPORT_CHECK, state=JobState.QUEUED)
    Job.objects.create(kind=JobKind.IMPORT_APPLY, state=JobState.FAILED)

    text = scrape(client, token).content.decode()

    assert 'zoneledger_jobs{state="queued"} 2' in text
    assert 'zoneledger_jobs{state="failed"} 1' in text
    assert "zoneledger_tasks_failed 0" in text
    assert "zoneledger_workers_alive 0" in text


def test_the_histogram_is_cumulative_and_labels_are_escaped():
    metrics = RequestMetrics()
    metrics.observe(view='a"b', method="GET", status=200, seconds=0.001)
    metrics.observe(view='a"b', method="GET", status=500, seconds=0.3)
    metrics.observe(view='a"b', method="POST", status=200, seconds=60)

    lines = metrics.lines()

    buckets = [line for line in lines if line.startswith("zoneledger_http_request_duration_seconds_bucket")]
    assert len(buckets) == len(BUCKETS) + 1
    assert buckets[0] == 'zoneledger_http_request_duration_seconds_bucket{view="a\\"b",le="0.005"} 1'
    assert buckets[BUCKETS.index(0.5)].endswith(" 2")
    assert buckets[-1].endswith('le="+Inf"} 3')
    assert 'zoneledger_http_request_duration_seconds_count{view="a\\"b"} 3' in lines
    assert 'zoneledger_http_requests_total{view="a\\"b",method="GET",status="500"} 1' in lines
