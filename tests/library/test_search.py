"""Search: the index never holds restricted words, and the site search lists a TK case study only by
its notice outside the audience (a HIDDEN one not at all)."""

import pytest
from wagtail.search.models import IndexEntry

from cop.library.models import CaseStudyPage
from tests.library.conftest import make_case_study


def search(client, words):
    response = client.get("/en/search/", {"q": words})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_index_holds_only_the_notice_of_tk_items(cast):
    page, consent = cast.tk_case_study()
    page.save_revision().publish()
    entries = IndexEntry.objects.filter(object_id=str(page.pk))
    text = " ".join(f"{entry.title} {entry.body} {entry.autocomplete}" for entry in entries)
    assert "RESTRICTED" not in text and "Healing" not in text
    assert "Medicinal plant knowledge" in text
    consent.notice_title = "Plant knowledge of the Guardians"
    consent.save()
    text = " ".join(
        f"{entry.title} {entry.body}" for entry in IndexEntry.objects.filter(object_id=str(page.pk))
    )
    assert "Plant knowledge of the Guardians" in text


@pytest.mark.django_db
def test_site_search_per_visitor(client, cast):
    page, _consent = cast.tk_case_study()
    page.save_revision().publish()
    open_page = make_case_study(cast.site_library, title="Community fisheries co-management")
    open_page.save_revision().publish()
    assert "Community fisheries co-management" in search(client, "fisheries")
    assert "Healing" not in search(client, "healing")  # restricted words are not in the index
    body = search(client, "medicinal")
    assert "Medicinal plant knowledge of the holder community" in body and "Healing" not in body
    assert f"/library/case-studies/{page.pk}/" in body
    body = search(cast.client(client, "holder_member"), "medicinal")
    assert "Healing plants of the upper river" in body


@pytest.mark.django_db
def test_site_search_leaves_out_secret_sacred(client, cast):
    page, _consent = cast.tk_case_study(secret_sacred=True)
    page.save_revision().publish()
    body = search(client, "medicinal")
    assert "Medicinal plant knowledge" not in body and "Healing" not in body
    assert CaseStudyPage.objects.filter(pk=page.pk).exists()
