"""core.attachments: images known by their content, re-encoded without metadata, limited in size, pixels and count."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from tests.images import GPS_TAG, image_bytes, upload
from zoneledger.core.attachments import clean_image, clean_images, sniff


@pytest.mark.parametrize(
    ("kind", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_each_accepted_kind_is_known_by_its_bytes_whatever_its_name(kind, content_type):
    data = image_bytes(kind)
    assert sniff(data[:16]) == kind
    # The name and the browser's type say otherwise; the content decides.
    clean = clean_image(upload(data, name="scan.pdf", content_type="application/pdf"))
    assert (clean.kind, clean.content_type, clean.width, clean.height) == (kind, content_type, 64, 48)
    assert Image.open(io.BytesIO(clean.content)).format == kind
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) <= 320


def test_metadata_is_stripped_and_the_picture_turned_upright():
    data = image_bytes("JPEG", size=(60, 20), gps=True, orientation=6)  # 6: rotate 90° to be upright
    assert GPS_TAG in Image.open(io.BytesIO(data)).getexif()
    clean = clean_image(upload(data))
    stored = Image.open(io.BytesIO(clean.content))
    assert not stored.getexif()  # no GPS, no camera, no orientation left
    assert b"TestCamera" not in clean.content
    assert stored.size == (20, 60)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"0" * 100,  # another kind of file named .jpg
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",  # SVG: scripts inside an "image"
        b"GIF89a" + b"\x00" * 50,  # a kind not accepted
        b"",
    ],
)
def test_a_file_that_is_not_an_accepted_image_is_refused_by_its_content(data):
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(data, name="photo.jpg"))
    assert "photo.jpg" in refused.value.messages[0]


def test_a_file_with_an_image_s_first_bytes_but_no_image_is_refused():
    truncated = image_bytes("PNG")[:40]
    with pytest.raises(ValidationError):
        clean_image(upload(truncated, name="half.png"))
    with pytest.raises(ValidationError):
        clean_image(upload(b"\xff\xd8\xff\xe0" + b"junk" * 50, name="fake.jpg"))


def test_the_size_limit(settings):
    settings.ZONELEDGER_ATTACHMENT_MAX_BYTES = 1024 * 1024
    assert clean_image(upload(image_bytes("PNG", size=(300, 300)), name="ok.png"))
    padded = image_bytes("PNG") + b"\0" * (1024 * 1024)  # a PNG with a megabyte after its end
    with pytest.raises(ValidationError) as refused:
        clean_image(upload(padded, name="huge.png"))
    assert "huge.png" in refused.value.messages[0]


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(settings):
    settings.ZONELEDGER_ATTACHMENT_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError):
        clean_image(upload(image_bytes("PNG", size=(200, 200)), name="bomb.png"))


def test_the_count_limit_counts_those_already_there(settings):
    settings.ZONELEDGER_ATTACHMENT_MAX_COUNT = 3
    photos = [upload(image_bytes()) for _ in range(2)]
    assert len(clean_images(photos, existing=1)) == 2
    with pytest.raises(ValidationError) as refused:
        clean_images(photos, existing=2)
    assert "3" in refused.value.messages[0]


def test_every_refused_file_is_named_at_once():
    with pytest.raises(ValidationError) as refused:
        clean_images([upload(b"a", name="a.jpg"), upload(image_bytes()), upload(b"b", name="b.png")], existing=0)
    assert [message.split(":")[0] for message in refused.value.messages] == ["a.jpg", "b.png"]
