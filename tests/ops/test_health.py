"""/healthz: 200 with the database, a live worker and room on disk; 503 naming each thing wrong; nothing secret."""

import json
import os
import socket
from collections import namedtuple
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import OperationalError
from django.utils import timezone

from zoneledger.jobs import services
from zoneledger.jobs.models import WorkerProcess

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def worker(db):
    services.worker_register(worker_id="health-worker", host=socket.gethostname(), pid=os.getpid(), concurrency=1)
    return WorkerProcess.objects.get(pk="health-worker")


@pytest.fixture
def roomy_disk(settings):
    settings.ZONELEDGER_MIN_FREE_MB = 1


def test_healthy_is_200_with_each_check(client, worker, roomy_disk):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "worker": True,
        "disk": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_worker_is_503_naming_the_worker(client, roomy_disk, db):
    WorkerProcess.objects.all().delete()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert "no worker" in response.json()["checks"]["worker"]["problem"]


def test_a_silent_worker_is_503(client, worker, roomy_disk, settings):
    WorkerProcess.objects.filter(pk=worker.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ZONELEDGER_JOB_STALE_SECONDS + 5)
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "no worker heartbeat for" in response.json()["checks"]["worker"]["problem"]


def test_a_full_disk_is_503_naming_the_disk(client, worker, settings, monkeypatch):
    settings.ZONELEDGER_MIN_FREE_MB = 500
    monkeypatch.setattr("zoneledger.ops.health.shutil.disk_usage", lambda path: Usage(10**9, 10**9, 100 * 2**20))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["disk"]
    assert body["checks"]["disk"] == {
        "ok": False,
        "problem": "100 MB free in the data folder, less than 500 MB",
        "free_mb": 100,
    }


def test_an_unreachable_database_is_503_naming_the_database(client, roomy_disk, db):
    refused = OperationalError("connection refused")

    with patch("django.db.backends.utils.CursorWrapper.execute", side_effect=refused):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "worker"]
    assert response.json()["checks"]["worker"]["problem"].startswith("unknown")


def test_health_shows_no_host_path_or_setting(client, worker, roomy_disk, settings):
    text = json.dumps(client.get("/healthz").json())

    for secret in (
        socket.gethostname(),
        str(settings.DATA_DIR),
        settings.SECRET_KEY,
        "health-worker",
        str(os.getpid()),
    ):
        assert secret not in text


def test_health_needs_no_log_in_and_sets_no_cookie(client, worker, roomy_disk):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies
