"""The import page: upload → check with every error by row and column → fix and re-upload → confirm."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.ingest.conftest import ledger_fingerprint, project_row, write_workbook
from zoneledger.accounts.models import User
from zoneledger.jobs.choices import JobKind, JobState
from zoneledger.jobs.models import Job
from zoneledger.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    """Uploads are stored in the test's own folder; the jobs run inline (tests/conftest.py)."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def nothing_written(db):
    """The ledger is as it was: projects, events, monthly rows, enterprises (log-ins still leave audit records)."""
    counts, projects, progress = ledger_fingerprint()
    yield
    after_counts, after_projects, after_progress = ledger_fingerprint()
    assert after_counts[:4] == counts[:4]
    assert (after_projects, after_progress) == (projects, progress)


def upload(client, path, name=None):
    with open(path, "rb") as handle:
        data = handle.read()
    file = SimpleUploadedFile(name or path.name, data, content_type=XLSX)
    return client.post(reverse("ingest:upload"), {"file": file})


def logged_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def job_of(response):
    """The job a successful upload redirected to."""
    assert response.status_code == 302
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def a_job(user, **fields):
    """A job row as the worker leaves it part of the way (tests run jobs inline, so they never stay running)."""
    return Job.objects.create(owner=user, kind=JobKind.IMPORT_CHECK, filename="ledger.xlsx", **fields)


def test_upload_page_offers_the_form_and_the_template(client):
    logged_in(client, "wenshui-editor")

    response = client.get(reverse("ingest:upload"))

    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert reverse("ingest:template").encode() in response.content


def test_template_download_is_the_empty_template(client):
    logged_in(client, "wenshui-editor")

    response = client.get(reverse("ingest:template"))

    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "项目台账" in book.sheetnames


@pytest.mark.parametrize("username", ["wenshui-viewer", "lvliang-viewer", "province-viewer"])
def test_a_reader_may_not_import(client, username, tmp_path):
    logged_in(client, username)
    path = write_workbook(tmp_path / "ledger.xlsx", [project_row("读者不能导入的项目")])

    assert client.get(reverse("ingest:upload")).status_code == 403
    assert upload(client, path).status_code == 403
    assert not Project.objects.filter(name="读者不能导入的项目").exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("ingest:upload"))

    assert response.status_code == 302
    assert "login" in response.url


def test_a_file_that_is_not_a_workbook_is_refused_by_name(client, nothing_written):
    logged_in(client, "wenshui-editor")

    response = client.post(reverse("ingest:upload"), {"file": SimpleUploadedFile("notes.txt", b"hello")})

    assert response.status_code == 200
    assert "notes.txt" in response.context["form"].errors["file"][0]


def test_an_upload_without_a_file_names_the_field(client):
    logged_in(client, "wenshui-editor")

    response = client.post(reverse("ingest:upload"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_file_over_the_limit_is_refused(client, settings, nothing_written):
    settings.ZONELEDGER_IMPORT_MAX_BYTES = 1024 * 1024
    logged_in(client, "wenshui-editor")

    response = client.post(
        reverse("ingest:upload"), {"file": SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 1024 * 1024)}
    )

    assert "1 MB" in response.context["form"].errors["file"][0]


def test_a_damaged_workbook_is_reported_on_the_job_page(client, nothing_written):
    logged_in(client, "wenshui-editor")

    token = job_of(client.post(reverse("ingest:upload"), {"file": SimpleUploadedFile("broken.xlsx", b"PK\x03\x04x")}))
    response = client.get(reverse("ingest:job", args=[token]))

    assert response.context["result"]["ok"] is False
    assert len(response.context["errors"]) == 1


def test_a_bad_row_is_shown_with_its_row_and_column_and_nothing_is_written(client, tmp_path, nothing_written):
    logged_in(client, "wenshui-editor")
    rows = [project_row("网页导入好项目甲"), project_row("网页导入坏项目乙", **{"总投资（万元）": "很多"})]
    path = write_workbook(tmp_path / "ledger.xlsx", rows)

    token = job_of(upload(client, path))
    response = client.get(reverse("ingest:job", args=[token]))

    errors = list(response.context["errors"])
    assert [(sheet, row, column) for sheet, row, column, _message in errors] == [("项目台账", 3, "总投资（万元）")]
    assert 'data-row="3"' in response.content.decode()
    assert b"confirm-import" not in response.content


def test_fix_reupload_and_confirm_imports_the_workbook(client, tmp_path):
    logged_in(client, "wenshui-editor")
    bad = write_workbook(tmp_path / "bad.xlsx", [project_row("网页导入项目丙", **{"总投资（万元）": -1})])
    good = write_workbook(tmp_path / "good.xlsx", [project_row("网页导入项目丙")])
    assert client.get(reverse("ingest:job", args=[job_of(upload(client, bad))])).context["result"]["ok"] is False

    token = job_of(upload(client, good))
    checked = client.get(reverse("ingest:job", args=[token]))
    assert checked.context["result"]["ok"] is True
    assert not Project.objects.filter(name="网页导入项目丙").exists()  # the check writes nothing

    confirmed = client.post(reverse("ingest:confirm", args=[token]))
    applied = client.get(confirmed.url)

    assert applied.context["result"]["applied"] is True
    assert applied.context["result"]["sheets"][0] == {"sheet": "项目台账", "created": 1, "updated": 0, "unchanged": 0}
    assert Project.objects.filter(name="网页导入项目丙", zone__name="文水经济开发区").count() == 1


def test_confirming_twice_imports_once(client, tmp_path):
    logged_in(client, "wenshui-editor")
    token = job_of(upload(client, write_workbook(tmp_path / "once.xlsx", [project_row("只导入一次的项目")])))

    client.post(reverse("ingest:confirm", args=[token]))
    client.post(reverse("ingest:confirm", args=[token]))

    assert Project.objects.filter(name="只导入一次的项目").count() == 1


def test_a_job_that_failed_its_check_cannot_be_confirmed(client, tmp_path, nothing_written):
    logged_in(client, "wenshui-editor")
    rows = [project_row("他区项目", **{"开发区": "孝义经济开发区"})]
    token = job_of(upload(client, write_workbook(tmp_path / "other-zone.xlsx", rows)))

    client.post(reverse("ingest:confirm", args=[token]))

    assert client.get(reverse("ingest:job", args=[token])).context["mode"] == "check"


def test_another_users_job_is_not_found(client, tmp_path):
    logged_in(client, "wenshui-editor")
    token = job_of(upload(client, write_workbook(tmp_path / "mine.xlsx", [project_row("别人看不到的导入")])))

    other = logged_in(Client(), "xiaoyi-editor")

    assert other.get(reverse("ingest:job", args=[token])).status_code == 404
    assert other.post(reverse("ingest:confirm", args=[token])).status_code == 404
    assert not Project.objects.filter(name="别人看不到的导入").exists()


@pytest.mark.parametrize("path", ["/import/short/", "/import/12345678-1234-1234-1234-1234567890ab/"])
def test_a_malformed_or_unknown_job_is_not_found(client, path):
    logged_in(client, "wenshui-editor")

    assert client.get(path).status_code == 404


def test_a_running_job_polls_for_its_progress(client):
    logged_in(client, "wenshui-editor")
    user = User.objects.get(username="wenshui-editor")
    job = a_job(user, state=JobState.RUNNING, done=2000, total=8000, heartbeat_at=timezone.now())

    response = client.get(reverse("ingest:job", args=[job.pk]), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert response.context["percent"] == 25
    assert "<html" not in body  # the partial alone


def test_a_job_whose_worker_went_silent_is_shown_as_failed_with_nothing_written(client):
    logged_in(client, "wenshui-editor")
    user = User.objects.get(username="wenshui-editor")
    job = a_job(user, state=JobState.RUNNING, language="en", heartbeat_at=timezone.now() - timedelta(hours=1))

    response = client.get(reverse("ingest:job", args=[job.pk]))

    assert response.context["running"] is False
    assert b'data-testid="job-failed"' in response.content
    assert "nothing was written" in response.content.decode()
    assert b"every 1s" not in response.content


def test_a_queued_job_says_how_many_are_ahead_and_that_no_worker_runs(client, xiaoyi_editor):
    logged_in(client, "wenshui-editor")
    user = User.objects.get(username="wenshui-editor")
    a_job(xiaoyi_editor, created_at=timezone.now() - timedelta(minutes=1))
    job = a_job(user)

    response = client.get(reverse("ingest:job", args=[job.pk]), headers={"Accept-Language": "en"})

    body = response.content.decode()
    assert response.context["ahead"] == 1
    assert "1 job is ahead of this one" in body
    assert 'data-testid="no-worker"' in body
    assert 'hx-trigger="every 1s"' in body


def test_uploads_wait_their_turn_and_a_user_may_not_queue_more_than_the_limit(client, settings, tmp_path):
    settings.ZONELEDGER_IMPORT_JOBS_PER_USER = 2
    logged_in(client, "wenshui-editor")
    user = User.objects.get(username="wenshui-editor")
    a_job(user)
    a_job(user, state=JobState.RUNNING, heartbeat_at=timezone.now())

    response = upload(client, write_workbook(tmp_path / "third.xlsx", [project_row("第三个导入")]))

    assert response.status_code == 200
    assert "2" in response.context["form"].errors["file"][0]
    assert Job.objects.filter(owner=user).count() == 2


def test_an_htmx_upload_answers_with_a_redirect_header(client, tmp_path):
    logged_in(client, "wenshui-editor")
    path = write_workbook(tmp_path / "htmx.xlsx", [project_row("用htmx上传的项目")])
    with open(path, "rb") as handle:
        file = SimpleUploadedFile("htmx.xlsx", handle.read(), content_type=XLSX)

    response = client.post(reverse("ingest:upload"), {"file": file}, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/import/")
