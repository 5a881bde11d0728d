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
