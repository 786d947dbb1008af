"""Images for the tests of attachments: real ones made with Pillow, and files that only pretend to be images."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


def image_bytes(kind="JPEG", size=(64, 48), colour=(200, 30, 30), *, gps=False, orientation=None):
    """An image of `kind` (JPEG, PNG, WEBP); a JPEG may carry a GPS position and an EXIF orientation."""
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    extra = {}
    if kind == "JPEG" and (gps or orientation):
        exif = Image.Exif()
        if gps:
            exif[GPS_TAG] = {1: "N", 2: (37.0, 22.0, 1.0), 3: "E", 4: (112.0, 10.0, 3.0)}
        if orientation:
            exif[ORIENTATION_TAG] = orientation
        exif[0x010F] = "TestCamera"  # Make
        extra["exif"] = exif.tobytes()
    image.save(out, kind, **extra)
    return out.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
