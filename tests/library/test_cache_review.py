"""Second look at the library listing's cached rows (cop.library.fragments): a row shows its labels; a
label deleted goes with its links to the case studies by a cascade that sends no signal for the case
study (nor m2m_changed), so the next listing must not show it."""

import pytest
from django.core.cache import cache

from cop.library.models import Label
from tests.library.conftest import make_case_study, make_library

pytestmark = pytest.mark.django_db


def test_a_deleted_label_leaves_the_listing_at_once(client, site_home):
    cache.clear()
    library = make_library(site_home)
    label = Label.objects.create(code="review-label", name="Community review label")
    make_case_study(library, title="Seed banks", labels=[label])
    assert "Community review label" in client.get(library.url).content.decode()
    label.delete()
    assert "Community review label" not in client.get(library.url).content.decode()


def test_a_resources_replaced_file_shows_its_new_address_at_once(client, site_home):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from cop.library.models import CaseStudyResource

    cache.clear()
    library = make_library(site_home)
    page = make_case_study(library, title="Seed banks")
    document = get_document_model().objects.create(
        title="Guide", file=ContentFile(b"%PDF-1.4 guide", name="guide.pdf")
    )
    CaseStudyResource.objects.create(case_study=page, title="The guide", document=document)
    page.save_revision().publish()
    assert f'href="{document.url}"' in client.get(page.url).content.decode()
    document.file = ContentFile(b"%PDF-1.4 second edition", name="guide-second-edition.pdf")
    document.save()  # as Wagtail's document edit view does when a new file is chosen
    html = client.get(page.url).content.decode()
    assert "guide-second-edition" in document.url and f'href="{document.url}"' in html
