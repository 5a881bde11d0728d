"""Uploads attached to the library: programs (by name or by content) and SVG images that can run script
are refused, in the consent form's evidence and in Wagtail's document and image forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image

from cop.library.exceptions import UploadRefused
from cop.library.uploads import upload_check
from tests.library.conftest import make_case_study

CLEAN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
)
BAD_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
    "foreign": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"/></foreignObject></svg>',
    "link": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href=" javascript:alert(1)"><text>x</text></a></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    "uppercase": b'<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>',
}


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00"),
        ("report.pdf", b"MZ\x90\x00 a program renamed"),
        ("notes.txt", b"\x7fELF\x02\x01"),
        ("data.csv", b"#!/bin/sh\nrm -rf /\n"),
        ("tool.jar", b"PK\x03\x04"),
        ("macho.pdf", b"\xcf\xfa\xed\xfe"),
    ],
)
def test_programs_are_refused_by_name_or_by_content(name, content):
    with pytest.raises(UploadRefused):
        upload_check(_upload(name, content))


@pytest.mark.parametrize("kind", sorted(BAD_SVGS))
def test_svg_with_script_is_refused(kind):
    with pytest.raises(UploadRefused):
        upload_check(_upload("map.svg", BAD_SVGS[kind], "image/svg+xml"))
    # Named otherwise, the content still tells it is an SVG.
    with pytest.raises(UploadRefused):
        upload_check(_upload("map.txt", BAD_SVGS[kind]))


def test_ordinary_files_pass():
    upload_check(_upload("map.svg", CLEAN_SVG, "image/svg+xml"))
    upload_check(_upload("report.pdf", b"%PDF-1.7\n%..."))
    upload_check(_upload("table.csv", b"name,value\nMZ river,3\n"))


@pytest.mark.django_db
def test_wagtail_document_form_refuses_a_renamed_program():
    form_class = get_document_form(Document)
    form = form_class(
        data={"title": "Minutes", "collection": 1}, files={"file": _upload("minutes.pdf", b"MZ\x90\x00")}
    )
    assert not form.is_valid()
    assert "program" in str(form.errors["file"])
    good = form_class(
        data={"title": "Minutes", "collection": 1}, files={"file": _upload("minutes.pdf", b"%PDF-1.4")}
    )
    assert "file" not in good.errors


@pytest.mark.django_db
def test_wagtail_image_form_refuses_an_svg_with_script(settings):
    settings.WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "svg"]
    form_class = get_image_form(Image)
    form = form_class(
        data={"title": "Map", "collection": 1},
        files={"file": _upload("map.svg", BAD_SVGS["handler"], "image/svg+xml")},
    )
    assert not form.is_valid()
    assert "file" in form.errors


@pytest.mark.django_db
def test_consent_evidence_refuses_a_program_and_keeps_a_document(cast, client):
    author = cast.users["holder_member"]
    page = make_case_study(
        cast.library, title="Draft TK", holds_traditional_knowledge=True, live=False, submitted_by=author
    )
    client.force_login(author)
    url = reverse("cop_library:consent_edit", args=["case-study", page.pk])
    data = {
        "holder_name": "River council",
        "consented_by": "The council",
        "consented_on": "2026-03-01",
        "process": "written",
        "uses": ["allow_view"],
        "audience": "signed_in",
        "notice_title": "Healing plants",
    }
    response = client.post(url, {**data, "evidence_file": _upload("letter.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert "program" in response.content.decode()
    assert not Document.objects.exists()
    response = client.post(url, {**data, "evidence_file": _upload("letter.pdf", b"%PDF-1.4 signed letter")})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "Evidence of consent"
    assert type(page).objects.get(pk=page.pk).consent.evidence == document
