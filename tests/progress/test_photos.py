"""Photos of a monthly report: added with the month on its form, shown as thumbnails, served only within scope;
a refused photo refuses the month and stores nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.images import image_bytes, upload
from tests.progress.conftest import state_of_everything
from tests.security.sessions import log_in
from zoneledger.accounts.choices import Role
from zoneledger.progress.models import ReportPhoto, ReportVersion
from zoneledger.progress.services import progress_approve, progress_submit, report_photo_remove, report_photos_add
from zoneledger.progress.workflow import TransitionRefused

pytestmark = pytest.mark.django_db
JUNE = date(2024, 6, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def everything(media):
    return state_of_everything(), list(ReportPhoto.objects.values_list("pk", "sha256")), stored_files(media)


def edit_url(project, month=JUNE):
    return reverse("progress:report_edit", args=[project.pk, month.year, month.month])


def test_an_editor_submits_a_month_with_photos_and_the_reviewer_sees_them(client, project, editor, reviewer, media):
    log_in(client, editor)
    response = client.post(
        edit_url(project),
        {
            "amount": "120.50",
            "physical_progress": "厂房钢结构吊装",
            "action": "submit",
            "photos": [upload(image_bytes("JPEG", gps=True), "现场.jpg"), upload(image_bytes("PNG"), "全景.png")],
        },
    )
    assert response.status_code == 302
    version = ReportVersion.objects.get(project=project, month=JUNE)
    photos = list(version.photos.all())
    assert [(photo.name, photo.content_type) for photo in photos] == [
        ("现场.jpg", "image/jpeg"),
        ("全景.png", "image/png"),
    ]
    assert len(stored_files(media)) == 4  # each photo and its thumbnail, under random names
    assert all("现场" not in name for name in stored_files(media))

    log_in(client, reviewer)
    queue = client.get(reverse("progress:queue"), {"zone": project.zone_id}).content.decode()
    url = reverse("progress:report_photo", args=[photos[0].pk])
    assert f"{url}?size=thumb" in queue
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(url, {"size": "thumb"}).status_code == 200
    project_page = client.get(reverse("progress:project_reports", args=[project.pk])).content.decode()
    assert f"{url}?size=thumb" in project_page


def test_a_photo_is_not_found_outside_the_project_s_scope(client, project, editor, make_user):
    from tests.factories import ZoneFactory

    version = progress_submit(
        actor=editor, project=project, month=JUNE, amount=Decimal("1"), photos=[upload(image_bytes())]
    )
    url = reverse("progress:report_photo", args=[version.photos.get().pk])
    log_in(client, make_user(ZoneFactory(), Role.REVIEWER))
    assert client.get(url).status_code == 404
    assert client.get(reverse("progress:report_photo", args=[999_999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page


@pytest.mark.parametrize(
    ("photo", "why"),
    [
        (upload(b"MZ\x90\x00 not an image at all", "photo.jpg"), "not a JPEG"),
        (upload(b"<svg onload='alert(1)'/>", "photo.png", "image/png"), "not a JPEG"),
        (upload(image_bytes("PNG")[:30], "cut.png", "image/png"), "damaged"),
    ],
)
def test_a_bad_photo_refuses_the_whole_month_and_stores_nothing(client, project, editor, media, photo, why):
    log_in(client, editor)
    before = everything(media)
    response = client.post(edit_url(project), {"amount": "10", "action": "submit", "photos": [photo]})
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert everything(media) == before


def test_too_large_or_too_many_photos_change_nothing(project, editor, media, settings):
    version = progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("1"))
    settings.ZONELEDGER_ATTACHMENT_MAX_COUNT = 2
    before = everything(media)
    with pytest.raises(ValidationError):
        report_photos_add(actor=editor, version=version, photos=[upload(image_bytes()) for _ in range(3)])
    settings.ZONELEDGER_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        report_photos_add(actor=editor, version=version, photos=[upload(image_bytes())])
    assert everything(media) == before


def test_a_viewer_or_another_zone_cannot_add_photos(project, editor, make_user, media):
    from tests.factories import ZoneFactory

    version = progress_submit(actor=editor, project=project, month=JUNE, amount=Decimal("1"))
    before = everything(media)
    for outsider in (make_user(project.zone, Role.VIEWER), make_user(ZoneFactory(), Role.EDITOR)):
        with pytest.raises(PermissionDenied):
            report_photos_add(actor=outsider, version=version, photos=[upload(image_bytes())])
    assert everything(media) == before


def test_an_approved_report_keeps_its_photos_and_a_correction_brings_new_ones(project, editor, reviewer, media):
    version = progress_submit(
        actor=editor, project=project, month=JUNE, amount=Decimal("1"), photos=[upload(image_bytes())]
    )
    progress_approve(actor=reviewer, version=version)
    photo = version.photos.get()
    before = everything(media)
    with pytest.raises(TransitionRefused):
        report_photos_add(actor=editor, version=version, photos=[upload(image_bytes("PNG"))])
    with pytest.raises(TransitionRefused):
        report_photo_remove(actor=editor, photo=photo)
    assert everything(media) == before

    correction = progress_submit(
        actor=editor, project=project, month=JUNE, amount=Decimal("2"), photos=[upload(image_bytes("WEBP"))]
    )
    assert correction.number == 2
    assert [p.content_type for p in correction.photos.all()] == ["image/webp"]
    assert version.photos.count() == 1


def test_a_photo_is_removed_from_an_open_report_with_its_files(
    client, project, editor, media, django_capture_on_commit_callbacks
):
    version = progress_submit(
        actor=editor, project=project, month=JUNE, amount=Decimal("1"), photos=[upload(image_bytes())]
    )
    photo = version.photos.get()
    log_in(client, editor)
    assert photo.name in client.get(edit_url(project)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("progress:report_photo_remove", args=[photo.pk]))
    assert response.status_code == 302
    assert not ReportPhoto.objects.filter(pk=photo.pk).exists()
    assert stored_files(media) == []
