"""Files of traditional-knowledge items, through the real /documents/ and /media/ addresses: served
only to FULL readers (documents: also when the consent allows downloading); the consent's evidence
only to its custodians."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cop.library.models import CaseStudyResource
from tests.library.conftest import VISITORS, make_case_study

PDF = b"%PDF-1.4 the elders' remedies"

FULL = {"holder_member", "custodian", "granted"}


def document(title="Remedies"):
    return get_document_model().objects.create(title=title, file=ContentFile(PDF, name="remedies.pdf"))


def image():
    output = io.BytesIO()
    PILImage.new("RGB", (80, 60), (20, 120, 60)).save(output, format="PNG")
    return get_image_model().objects.create(
        title="River", file=ImageFile(io.BytesIO(output.getvalue()), name="river.png")
    )


def fetch(cast, visitor, url):
    client = Client()
    if visitor != "anonymous":
        client.force_login(cast.users[visitor])
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_resource_document_follows_access_and_download_consent(cast, visitor):
    page, consent = cast.tk_case_study(allow_download=True)
    doc = document()
    CaseStudyResource.objects.create(case_study=page, title="Remedies", document=doc)
    response = fetch(cast, visitor, doc.url)
    assert response.status_code == (200 if visitor in FULL else 404)
    if visitor in FULL:
        assert b"".join(response.streaming_content) == PDF
    consent.allow_download = False
    consent.save()
    expected_ok = visitor == "custodian"
    assert fetch(cast, visitor, doc.url).status_code == (200 if expected_ok else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_story_image_follows_access(cast, visitor):
    page, _consent = cast.tk_case_study()
    picture = image()
    page.story = json.dumps(
        [{"type": "image", "value": {"image": picture.pk, "alt_text": "The river", "decorative": False}}]
    )
    page.save()
    page.save_revision().publish()
    rendition = picture.get_rendition("fill-40x30")
    assert (fetch(cast, visitor, rendition.url).status_code == 200) is (visitor in FULL)
    assert (fetch(cast, visitor, picture.file.url).status_code == 200) is (visitor in FULL)


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_evidence_only_for_custodians(cast, visitor):
    _page, consent = cast.tk_case_study(audience="public")
    evidence = document("Assembly minutes")
    consent.evidence = evidence
    consent.save()
    assert (fetch(cast, visitor, evidence.url).status_code == 200) is (visitor == "custodian")


@pytest.mark.django_db
def test_files_of_ordinary_case_studies_stay_public(cast):
    page = make_case_study(cast.site_library, title="Open data")
    doc = document("Open report")
    CaseStudyResource.objects.create(case_study=page, title="Report", document=doc)
    page.save_revision().publish()
    assert fetch(cast, "anonymous", doc.url).status_code == 200
