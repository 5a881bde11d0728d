"""Attachments are checked by content, images re-encoded without metadata, and limits enforced."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forums.attachments import check_upload
from forums.exceptions import AttachmentRejected
from forums.models import Attachment, Post, Thread
from tests.factories import forums_thread


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (20, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0131] = "SecretSoftware"  # Software
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_jpeg_is_re_encoded_without_metadata():
    original = jpeg_with_exif()
    assert b"SecretCameraMaker" in original
    checked = check_upload(upload("holiday.jpg", original, "image/jpeg"))
    assert checked.kind == "image" and checked.content_type == "image/jpeg"
    assert b"SecretCameraMaker" not in checked.content
    assert not dict(Image.open(io.BytesIO(checked.content)).getexif())
    assert (checked.width, checked.height) == (64, 48)


def test_png_kept_as_png_and_gif_becomes_png():
    assert check_upload(upload("a.png", png_bytes())).content_type == "image/png"
    buffer = io.BytesIO()
    Image.new("P", (5, 5)).save(buffer, format="GIF")
    checked = check_upload(upload("anim.gif", buffer.getvalue()))
    assert checked.content_type == "image/png" and checked.name == "anim.png"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "application/pdf"),
        (
            "notes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("species.csv", b"name,count\nPanthera onca,3\n", "text/csv; charset=utf-8"),
    ],
)
def test_allowed_documents_by_signature(name, data, content_type):
    checked = check_upload(upload(name, data))
    assert checked.kind == "document" and checked.content_type == content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is a Windows executable"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("page.html", b"<html><body>hi</body></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("archive.zip", b"PK\x03\x04 not really a zip"),
        ("binary.txt", b"abc\x00def"),
        ("script.sh", b"#!/bin/sh\nrm -rf /"),
    ],
)
def test_forbidden_types_are_rejected(name, data):
    with pytest.raises(AttachmentRejected):
        check_upload(upload(name, data))


def test_size_limit(settings):
    settings.FORUMS_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(AttachmentRejected, match="too large"):
        check_upload(upload("big.pdf", b"%PDF-" + b"0" * 2000))


def _reply_data(body="See attached", files=()):
    data = {"body": body, "attachments-TOTAL_FORMS": str(len(files)), "attachments-INITIAL_FORMS": "0"}
    for i, (file, alt) in enumerate(files):
        data[f"attachments-{i}-file"] = file
        data[f"attachments-{i}-alt_text"] = alt
    return data


@pytest.mark.django_db
def test_reply_with_image_and_document_serves_them_privately(client, private_board):
    from tests.factories import UserFactory, forums_member

    member, outsider = UserFactory(), UserFactory()
    forums_member(member, private_board)
    thread = forums_thread(board=private_board, author=member)
    client.force_login(member)
    response = client.post(
        reverse("forums:reply", args=[thread.pk]),
        _reply_data(
            files=[
                (upload("map.jpg", jpeg_with_exif()), "Map of the protected areas"),
                (upload("plan.pdf", b"%PDF-1.4 plan"), ""),
            ]
        ),
    )
    assert response.status_code == 302
    image, document = Attachment.objects.order_by("pk")
    assert image.alt_text == "Map of the protected areas" and image.is_image
    page = client.get(thread.get_absolute_url())
    assert 'alt="Map of the protected areas"' in page.text
    served = client.get(image.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"SecretCameraMaker" not in b"".join(served.streaming_content)
    served_doc = client.get(document.get_absolute_url())
    assert "attachment" in served_doc["Content-Disposition"]
    assert served_doc["X-Content-Type-Options"] == "nosniff"
    client.force_login(outsider)
    assert client.get(image.get_absolute_url()).status_code == 403
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 403


@pytest.mark.django_db
def test_image_without_alt_text_is_refused_and_nothing_saved(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    response = client.post(
        reverse("forums:reply", args=[thread.pk]), _reply_data(files=[(upload("a.png", png_bytes()), "")])
    )
    assert response.status_code == 400
    assert "text alternative" in response.text
    assert Post.objects.filter(thread=thread).count() == 1
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_forbidden_type_in_new_thread_saves_nothing(client, board, people):
    client.force_login(people["member"])
    data = _reply_data(body="Look", files=[(upload("x.exe", b"MZ\x90\x00"), "")])
    data.update({"title": "Files", "kind": "discussion"})
    response = client.post(reverse("forums:thread_create", args=[board.slug]), data)
    assert response.status_code == 400
    assert "not allowed" in response.text
    assert not Thread.objects.exists() and not Post.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_too_many_attachments(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    files = [(upload(f"f{i}.pdf", b"%PDF-1.4"), "") for i in range(6)]
    response = client.post(reverse("forums:reply", args=[thread.pk]), _reply_data(files=files))
    assert response.status_code == 400
    assert "Too many attachments" in response.text
    assert Post.objects.filter(thread=thread).count() == 1 and not Attachment.objects.exists()
