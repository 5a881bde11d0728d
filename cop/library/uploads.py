"""What a file attached to the library (consent evidence, a case study's resources, any Wagtail
document or image uploaded in the admin) must not be: an executable, whatever its name says, or an SVG
that can run script.

The name's extension and the first bytes are both checked (a program renamed "report.pdf" is still a
program). An SVG is parsed with defusedxml (no DTDs, no entity expansion) and refused if any element is
a script, a foreign object or another embedding element, if any attribute is an event handler
(on...), or if a link or style reaches for `javascript:` or HTML data.
"""

from pathlib import PurePath

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .exceptions import UploadRefused

EXECUTABLE_EXTENSIONS = frozenset(
    [
        "app",
        "apk",
        "appimage",
        "bat",
        "bin",
        "cmd",
        "com",
        "cpl",
        "dll",
        "dmg",
        "elf",
        "exe",
        "gadget",
        "hta",
        "jar",
        "js",
        "jse",
        "ko",
        "lnk",
        "msc",
        "msi",
        "msp",
        "mst",
        "o",
        "pif",
        "ps1",
        "ps2",
        "psm1",
        "reg",
        "run",
        "scf",
        "scr",
        "sh",
        "so",
        "sys",
        "vb",
        "vbe",
        "vbs",
        "ws",
        "wsc",
        "wsf",
        "wsh",
        "xpi",
    ]
)
# First bytes of executable formats: Windows PE ("MZ"), ELF, Mach-O (both byte orders, 32 and 64 bits),
# universal binaries and Java classes (CAFEBABE), scripts with an interpreter line ("#!").
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
SVG_FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "handler",
        "listener",
        "applet",
        "frame",
        "frameset",
    }
)
SVG_FORBIDDEN_VALUES = ("javascript:", "vbscript:", "data:text/html", "data:application", "expression(")
SVG_MAX_BYTES = 5 * 1024 * 1024


def _local(name: str) -> str:
    """An XML name without its namespace ("{http://www.w3.org/2000/svg}script" -> "script")."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _read(file) -> bytes:
    position = file.tell() if hasattr(file, "tell") else None
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(SVG_MAX_BYTES + 1)
    finally:
        if hasattr(file, "seek"):
            file.seek(position or 0)
    return data if isinstance(data, bytes) else data.encode()


def _looks_like_svg(name: str, head: bytes) -> bool:
    if PurePath(name).suffix.lower() in (".svg", ".svgz"):
        return True
    text = head[:1024].lstrip().lower()
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text)


def svg_check(data: bytes) -> None:
    """Refuses an SVG that could run script (see the module's docstring)."""
    if len(data) > SVG_MAX_BYTES:
        raise UploadRefused(_("This SVG image is too large to be checked."))
    try:
        root = SafeElementTree.fromstring(data)
    except (DefusedXmlException, SafeElementTree.ParseError, ValueError) as error:
        raise UploadRefused(_("This SVG image could not be read safely, so it was not attached.")) from error
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag) in SVG_FORBIDDEN_ELEMENTS:
            raise UploadRefused(_("SVG images with scripts or embedded content cannot be attached."))
        for attribute, value in element.attrib.items():
            lowered = "".join(value.split()).lower()
            if _local(attribute).startswith("on") or any(bad in lowered for bad in SVG_FORBIDDEN_VALUES):
                raise UploadRefused(_("SVG images with scripts or embedded content cannot be attached."))
        if _local(element.tag) == "style" and element.text:
            lowered = "".join(element.text.split()).lower()
            if any(bad in lowered for bad in SVG_FORBIDDEN_VALUES):
                raise UploadRefused(_("SVG images with scripts or embedded content cannot be attached."))


def upload_check(file, *, name: str | None = None) -> None:
    """Refuses an executable or an SVG with script (UploadRefused, with a message for the uploader)."""
    name = name or getattr(file, "name", "") or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in EXECUTABLE_EXTENSIONS:
        raise UploadRefused(
            _("Programs and scripts cannot be attached (.%(extension)s files).") % {"extension": extension}
        )
    data = _read(file)
    if data.startswith(EXECUTABLE_MAGIC):
        raise UploadRefused(_("This file is a program, whatever its name says: programs cannot be attached."))
    if _looks_like_svg(name, data):
        svg_check(data)


def validate_upload(file) -> None:
    """The same check as a form field validator."""
    try:
        upload_check(file)
    except UploadRefused as error:
        raise ValidationError(str(error.message), code="upload_refused") from error


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) with the check above."""

    def clean_file(self):
        file = super().clean_file() if hasattr(super(), "clean_file") else self.cleaned_data.get("file")
        if file is not None and hasattr(file, "content_type"):  # a new upload, not the stored file
            validate_upload(file)
        return file


class CheckedImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE) with the check above."""

    def clean_file(self):
        file = super().clean_file() if hasattr(super(), "clean_file") else self.cleaned_data.get("file")
        if file is not None and hasattr(file, "content_type"):
            validate_upload(file)
        return file


class EvidenceField(forms.FileField):
    default_error_messages = {"required": gettext_lazy("Attach the evidence of consent.")}
    default_validators = [validate_upload]
