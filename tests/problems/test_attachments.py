"""A problem's photos (issue 15, under the monthly report's photo rules): added on its page by those who write its
zone, served only within its scope, refused with nothing stored for a bad file, a viewer, or a closed problem."""

import pytest
from django.urls import reverse

from tests.images import image_bytes, upload
from tests.problems.test_services import fingerprint
from tests.security.sessions import log_in
from zoneledger.audit.models import AuditRecord
from zoneledger.problems.choices import State
from zoneledger.problems.models import Problem, ProblemAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def everything(media):
    return (
        fingerprint(),
        list(ProblemAttachment.objects.values_list("pk", "sha256")),
        sorted(str(path) for path in media.rglob("*") if path.is_file()),
    )


def add_url(problem):
    return reverse("problems:attachments_add", args=[problem.pk])


def test_an_editor_adds_photos_and_those_in_scope_see_them(client, raise_problem, user, media):
    problem = raise_problem()
    log_in(client, user("wenshui-editor"))
    response = client.post(add_url(problem), {"photos": [upload(image_bytes(gps=True), "围墙.jpg")]})
    assert response.status_code == 302
    photo = problem.attachments.get()
    assert (photo.name, photo.content_type, photo.added_by.username) == ("围墙.jpg", "image/jpeg", "wenshui-editor")
    record = AuditRecord.objects.get(action="problem.attachment_add", object_id=str(problem.pk))
    assert record.after["photos"][0]["sha256"] == photo.sha256

    url = reverse("problems:attachment", args=[photo.pk])
    log_in(client, user("lvliang-viewer"))  # the city's viewer
    page = client.get(reverse("problems:problem_detail", args=[problem.pk])).content.decode()
    assert f"{url}?size=thumb" in page
    assert 'data-testid="attach-form"' not in page  # a viewer adds nothing
    served = client.get(url)
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"

    log_in(client, user("xiaoyi-editor"))  # another zone
    assert client.get(url).status_code == 404
    assert client.post(reverse("problems:attachment_remove", args=[photo.pk])).status_code == 404


@pytest.mark.parametrize(
    "photo",
    [
        upload(b"PK\x03\x04 a zip named like a photo", "photo.jpg"),
        upload(image_bytes("PNG")[:30], "cut.png", "image/png"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_and_nothing_is_stored(client, raise_problem, user, media, photo):
    problem = raise_problem()
    log_in(client, user("wenshui-editor"))
    before = everything(media)
    response = client.post(add_url(problem), {"photos": [photo]})
    assert response.status_code == 200
    assert photo.name in response.content.decode()  # the refusal names the file
    assert everything(media) == before


def test_no_file_too_many_a_viewer_or_a_closed_problem_change_nothing(client, raise_problem, user, media, settings):
    problem = raise_problem()
    before = everything(media)
    log_in(client, user("wenshui-viewer"))
    assert client.post(add_url(problem), {"photos": [upload(image_bytes())]}).status_code == 403
    log_in(client, user("wenshui-editor"))
    assert client.post(add_url(problem), {}).status_code == 200  # nothing chosen: the form says so
    settings.ZONELEDGER_ATTACHMENT_MAX_COUNT = 1
    assert client.post(add_url(problem), {"photos": [upload(image_bytes()), upload(image_bytes())]}).status_code == 200
    Problem.objects.filter(pk=problem.pk).update(state=State.CLOSED)
    closed = client.post(add_url(problem), {"photos": [upload(image_bytes())]})
    assert closed.status_code == 200
    assert "销号" in closed.content.decode()
    assert everything(media)[1:] == before[1:]


def test_a_photo_is_removed_by_an_editor_with_its_files(
    client, raise_problem, user, media, django_capture_on_commit_callbacks
):
    problem = raise_problem()
    log_in(client, user("wenshui-editor"))
    client.post(add_url(problem), {"photos": [upload(image_bytes("WEBP"), "a.webp", "image/webp")]})
    photo = problem.attachments.get()
    log_in(client, user("wenshui-viewer"))
    assert client.post(reverse("problems:attachment_remove", args=[photo.pk])).status_code == 403
    log_in(client, user("lvliang-editor"))  # the city's editor writes the zone too
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("problems:attachment_remove", args=[photo.pk]))
    assert response.status_code == 302
    assert not problem.attachments.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]
