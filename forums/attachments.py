"""Checks an uploaded file by its content, not its name: images are decoded by Pillow and re-encoded
(which drops EXIF, GPS and other metadata); documents must start with the signature of an allowed
format (PDF, OpenDocument, Office Open XML, plain text/CSV)."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import AttachmentRejected

MAX_IMAGE_SIDE = 2560
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# Formats that are re-encoded as PNG (GIF keeps its first frame only: no animation, no payload).
IMAGE_TO_PNG = {"GIF", "BMP"}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def max_bytes() -> int:
    return getattr(settings, "FORUMS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)


@dataclass
class CheckedFile:
    kind: str
    content: bytes
    name: str
    content_type: str
    width: int | None = None
    height: int | None = None


def _forbidden() -> AttachmentRejected:
    return AttachmentRejected(
        _("This type of file is not allowed. Attach images (JPEG, PNG, GIF, WebP) or documents "
          "(PDF, OpenDocument, Word, Excel, PowerPoint, plain text or CSV).")
    )  # fmt: skip


def _stem(name: str) -> str:
    stem = get_valid_filename(PurePath(name).stem)[:80] or "file"
    return stem


def _check_image(data: bytes, name: str) -> CheckedFile | None:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if image_format not in IMAGE_FORMATS and image_format not in IMAGE_TO_PNG:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            target = "PNG" if image_format in IMAGE_TO_PNG else image_format
            if target == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            output = io.BytesIO()
            # A fresh save with no `exif`/`pnginfo`/`icc_profile` argument writes pixels only.
            options = {"quality": 85, "optimize": True} if target in ("JPEG", "WEBP") else {"optimize": True}
            image.save(output, format=target, **options)
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    extension, content_type = IMAGE_FORMATS[target]
    return CheckedFile("image", output.getvalue(), f"{_stem(name)}.{extension}", content_type, width, height)


def _check_document(data: bytes, name: str) -> CheckedFile | None:
    stem = _stem(name)
    if data.startswith(b"%PDF-"):
        return CheckedFile("document", data, f"{stem}.pdf", "application/pdf")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in ODF_TYPES:
                        return CheckedFile("document", data, f"{stem}.{ODF_TYPES[mimetype]}", mimetype)
                if "[Content_Types].xml" in names:
                    for prefix, (extension, content_type) in OOXML_TYPES.items():
                        if any(n.startswith(prefix) for n in names):
                            return CheckedFile("document", data, f"{stem}.{extension}", content_type)
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        return None
    extension = PurePath(name).suffix.lower()
    if extension in (".txt", ".csv") and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        content_type = "text/csv" if extension == ".csv" else "text/plain"
        return CheckedFile("document", data, f"{stem}{extension}", f"{content_type}; charset=utf-8")
    return None


def check_upload(uploaded) -> CheckedFile:
    """Reads an uploaded file and returns what may be stored, or raises AttachmentRejected."""
    limit = max_bytes()
    if uploaded.size > limit:
        raise AttachmentRejected(
            _("“%(name)s” is too large: the limit is %(size)s MB per file.")
            % {"name": uploaded.name, "size": limit // (1024 * 1024)}
        )
    data = uploaded.read()
    if not data:
        raise AttachmentRejected(_("“%(name)s” is empty.") % {"name": uploaded.name})
    checked = _check_image(data, uploaded.name) or _check_document(data, uploaded.name)
    if checked is None:
        raise _forbidden()
    return checked
