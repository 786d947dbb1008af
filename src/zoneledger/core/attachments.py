"""Photos attached to the things people report (a monthly report, a problem): one set of rules for all of them.

- Only JPEG, PNG and WebP, known by their first bytes and confirmed by Pillow decoding the whole image: a file's
  name and the browser's content type are never believed.
- A size limit per file and a count limit per object (settings `ZONELEDGER_ATTACHMENT_MAX_BYTES`,
  `ZONELEDGER_ATTACHMENT_MAX_COUNT`), and a pixel limit against decompression bombs.
- Every image is decoded and encoded again, turned upright by its EXIF orientation, without its metadata (EXIF, GPS,
  XMP, comments): what is stored is only pixels. A thumbnail is made at the same time.
- Stored through Django's storage API (`STORAGES["default"]`: a folder under MEDIA_ROOT here, an S3-compatible store
  by setting), under a random name; never served as a static file. Each app serves its own attachments through its
  scoped selector (out of scope is a 404), with `attachment_response`.

An app keeps its attachments in a model of its own (`Attachment` is abstract: the owner's foreign key and its scope
belong to the app) and writes them through `attachments_store` inside its own audited service.
"""

import hashlib
import io
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

# kind: (first bytes' test, content type, file extension)
KINDS: dict[str, tuple[Callable[[bytes], bool], str, str]] = {
    "JPEG": (lambda head: head[:3] == b"\xff\xd8\xff", "image/jpeg", "jpg"),
    "PNG": (lambda head: head[:8] == b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    "WEBP": (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "image/webp", "webp"),
}
THUMBNAIL_SIZE = (320, 320)


def sniff(head: bytes) -> str | None:
    """The image kind ("JPEG", "PNG", "WEBP") the first bytes of a file announce, or None."""
    return next((kind for kind, (test, _type, _ext) in KINDS.items() if test(head)), None)


def max_bytes() -> int:
    return int(settings.ZONELEDGER_ATTACHMENT_MAX_BYTES)


def max_count() -> int:
    return int(settings.ZONELEDGER_ATTACHMENT_MAX_COUNT)


@dataclass(frozen=True)
class CleanImage:
    """An uploaded image decoded, checked and encoded again without metadata, with its thumbnail."""

    name: str  # the name it was uploaded under, for people (never a path)
    kind: str
    content: bytes
    thumbnail: bytes
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][2]


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError({"photos": [f"{name}: {reason}"]}, code="photo")


def _encode(image: Image.Image, kind: str) -> bytes:
    """The image in `kind`, from its pixels only (no EXIF, ICC, XMP or text chunks are passed on)."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        keep = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
        keep.save(out, "PNG", optimize=True)
    else:
        image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "WEBP", quality=85)
    return out.getvalue()


def clean_image(upload: File) -> CleanImage:
    """The upload as a `CleanImage`, or ValidationError on `photos` naming the file and saying why."""
    name = get_valid_filename(str(upload.name or "photo").rsplit("/", 1)[-1])[:100] or "photo"
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise _refuse(name, _("larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(name, _("larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)})
    kind = sniff(data[:16])
    if kind is None:
        raise _refuse(name, _("not a JPEG, PNG or WebP image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as opened:
                width, height = opened.size
                if width * height > settings.ZONELEDGER_ATTACHMENT_MAX_PIXELS:
                    raise _refuse(name, _("the picture has too many pixels."))
                opened.load()  # the whole image decodes, not only its header
                image = ImageOps.exif_transpose(opened)
                content = _encode(image, kind)
                thumbnail = image.copy()
                thumbnail.thumbnail(THUMBNAIL_SIZE)
                small = _encode(thumbnail, kind)
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, _("the picture is damaged or not an image.")) from None
    return CleanImage(name, kind, content, small, image.width, image.height)


def clean_images(uploads: Sequence[File], *, existing: int) -> list[CleanImage]:
    """Every upload cleaned, within the count limit given `existing` ones; ValidationError listing each refusal."""
    if existing + len(uploads) > max_count():
        raise ValidationError(
            {"photos": [_("At most %(count)d photos each; remove one first.") % {"count": max_count()}]},
            code="count",
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_image(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"photos": errors}, code="photo")
    return cleaned


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one file input (checked by `clean_images` in the service, not here: a form only collects)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[File]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super().clean(one, initial) for one in files]


def upload_path(instance: models.Model, filename: str) -> str:
    """attachments/<app>/<year>/<month>/<random>.<ext>: nothing of the uploaded name reaches the path."""
    now = timezone.now()
    extension = filename.rsplit(".", 1)[-1]
    return f"attachments/{instance._meta.app_label}/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A stored image: the file and its thumbnail (through the storage API), what it is, who added it and when."""

    file = models.FileField(gettext_lazy("file"), upload_to=upload_path, max_length=200)
    thumbnail = models.FileField(gettext_lazy("thumbnail"), upload_to=upload_path, max_length=200)
    name = models.CharField(gettext_lazy("name"), max_length=100)
    content_type = models.CharField(gettext_lazy("content type"), max_length=20)
    size = models.PositiveIntegerField(gettext_lazy("size (bytes)"))
    width = models.PositiveIntegerField(gettext_lazy("width"))
    height = models.PositiveIntegerField(gettext_lazy("height"))
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("added by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(gettext_lazy("added at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.name

    @property
    def audit_facts(self) -> dict[str, str]:
        """What an audit record says of the photo: its name and the SHA-256 of what was stored."""
        return {"name": self.name, "sha256": self.sha256}


def attachments_store[A: Attachment](
    model: type[A], images: Sequence[CleanImage], *, actor: Any, owner: dict[str, Any]
) -> list[A]:
    """Store `images` (cleaned) and their rows of `model`, each with the `owner` fields; in the caller's transaction.

    The files go to the storage first and are deleted again if storing the rows fails. A transaction rolled back
    later leaves files without rows: never served (only a row leads to a file), and the refusals that matter (a bad
    image, too many, no right) all come before this call.
    """
    stored: list[str] = []
    rows: list[A] = []
    try:
        for image in images:
            row = model(
                name=image.name,
                content_type=image.content_type,
                size=len(image.content),
                width=image.width,
                height=image.height,
                sha256=hashlib.sha256(image.content).hexdigest(),
                added_by=actor,
                **owner,
            )
            row.file.save(f"photo.{image.extension}", ContentFile(image.content), save=False)
            stored.append(row.file.name)
            row.thumbnail.save(f"thumbnail.{image.extension}", ContentFile(image.thumbnail), save=False)
            stored.append(row.thumbnail.name)
            rows.append(row)
        created = model.objects.bulk_create(rows)
    except BaseException:
        _delete_files(stored)
        raise
    return cast(list[A], created)


def attachments_add[A: Attachment](
    model: type[A], uploads: Sequence[File], *, existing: int, actor: Any, owner: dict[str, Any]
) -> list[A]:
    """`clean_images` then `attachments_store`: every upload checked before anything is stored."""
    return attachments_store(model, clean_images(uploads, existing=existing), actor=actor, owner=owner)


def attachment_delete(row: Attachment) -> dict[str, str]:
    """Delete the row now and its files once the transaction commits; returns its `audit_facts`."""
    type(row).objects.filter(pk=row.pk).delete()
    names = [name for name in (row.file.name, row.thumbnail.name) if name]
    transaction.on_commit(lambda: _delete_files(names))
    return row.audit_facts


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)


def attachment_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The stored image as an inline download: its own content type, never sniffed again by the browser."""
    field = attachment.thumbnail if thumbnail else attachment.file
    response = FileResponse(
        field.open("rb"), content_type=attachment.content_type, as_attachment=False, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
