"""The library's cached fragments (cop.library.fragments): rows and facets are keyed on the viewer's
access level decided for each request, so a restricted item's text rendered for a custodian never
reaches anyone whose access is lower, and a revoked grant or a withdrawn consent shows at once (the
changes below go around the services and their signals on purpose: only the decision protects)."""

import pytest

from cop.library.models import AccessRequest, ConsentRecord, ConsentStatus, Ecosystem
from tests.library.conftest import make_case_study

RESTRICTED = ("Healing plants", "RESTRICTED")
NOTICE = "Medicinal plant knowledge of the holder community"


def _ecosystem_counts(response) -> dict:
    found = next(f for f in response.context["facets"] if f["name"] == "ecosystem")
    return {option["value"]: option["count"] for option in found["options"]}


@pytest.fixture
def tk(cast):
    page, consent = cast.tk_case_study()
    page.ecosystems.set([Ecosystem.objects.get(slug="coral-reefs")])
    page.save()
    make_case_study(cast.library, title="Atoll reef wardens")
    return page, consent


@pytest.mark.django_db
def test_a_custodians_fragments_never_reach_an_outsider(client, cast, tk):
    custodian = cast.client(client, "custodian").get(cast.library.url)
    assert "Healing plants of the upper river" in custodian.content.decode()
    assert _ecosystem_counts(custodian) == {"coral-reefs": 1}
    for visitor in ("outsider", "revoked", "other_member"):
        response = cast.client(client, visitor).get(cast.library.url)
        body = response.content.decode()
        assert not any(word in body for word in RESTRICTED), visitor
        assert NOTICE in body, visitor
        assert "Atoll reef wardens" in body, visitor
        assert _ecosystem_counts(response) == {}, visitor
        assert 'id="facet-ecosystem"' in body and "coral-reefs" not in body, visitor


@pytest.mark.django_db
def test_a_revoked_grant_shows_at_once(client, cast, tk):
    page, _consent = tk
    client = cast.client(client, "granted")
    assert "Healing plants of the upper river" in client.get(cast.library.url).content.decode()
    AccessRequest.objects.filter(case_study=page, requester=cast.users["granted"]).update(status="revoked")
    body = client.get(cast.library.url).content.decode()
    assert not any(word in body for word in RESTRICTED)
    assert NOTICE in body


@pytest.mark.django_db
def test_a_withdrawn_consent_shows_at_once(client, cast, tk):
    _page, consent = tk
    client = cast.client(client, "holder_member")
    response = client.get(cast.library.url)
    assert "Healing plants of the upper river" in response.content.decode()
    assert _ecosystem_counts(response) == {"coral-reefs": 1}
    ConsentRecord.objects.filter(pk=consent.pk).update(status=ConsentStatus.WITHDRAWN)
    response = client.get(cast.library.url)
    body = response.content.decode()
    assert not any(word in body for word in RESTRICTED) and NOTICE not in body
    assert _ecosystem_counts(response) == {}


@pytest.mark.django_db
def test_an_edited_case_study_shows_at_once_and_viewers_share_fragments(client, cast, tk):
    page = make_case_study(cast.library, title="Mangrove nurseries", summary="First summary")
    client = cast.client(client, "outsider")
    assert "First summary" in client.get(cast.library.url).content.decode()
    cast.client(client, "other_member")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Another viewer at the same levels reads every row and the facets from the cache.
    with CaptureQueriesContext(connection) as queries:
        client.get(cast.library.url)
    assert not any("cop_library_casestudypage_labels" in query["sql"] for query in queries)
    assert not any('AS "count"' in query["sql"] for query in queries)  # the facet counts
    page.summary = "Second summary"
    page.save_revision().publish()
    body = client.get(cast.library.url).content.decode()
    assert "Second summary" in body and "First summary" not in body


@pytest.mark.django_db
def test_a_case_studys_body_keeps_the_precise_place_to_those_who_may_see_it(client, cast):
    submitter = cast.users["holder_member"]
    page = make_case_study(
        cast.site_library,
        title="Lagoon wardens",
        country="FJ",
        location_name="Hidden cove",
        location_sensitive=True,
        submitted_by=submitter,
    )
    assert "Hidden cove" in cast.client(client, "holder_member").get(page.url).content.decode()
    for visitor in ("anonymous", "outsider"):
        body = cast.client(client, visitor).get(page.url).content.decode()
        assert "Fiji" in body and "Hidden cove" not in body, visitor
        assert "Withheld: the place is sensitive." in body, visitor


@pytest.mark.django_db
def test_a_case_studys_body_shows_a_publication_at_once_and_previews_are_not_cached(client, cast):
    page = make_case_study(cast.site_library, title="Seed libraries", lessons="First lesson")
    client = cast.client(client, "anonymous")
    assert "First lesson" in client.get(page.url).content.decode()
    page.lessons = "Second lesson"
    page.save_revision().publish()
    body = client.get(page.url).content.decode()
    assert "Second lesson" in body and "First lesson" not in body
    # A preview shows its unsaved edits, though the page's body is cached, and caches none of them.
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    page.lessons = "Unsaved lesson"
    request = RequestFactory().get(page.url)
    request.user, request.session = AnonymousUser(), client.session
    preview = page.serve_preview(request, "")
    preview.render()
    assert "Unsaved lesson" in preview.content.decode()
    body = client.get(page.url).content.decode()
    assert "Second lesson" in body and "Unsaved lesson" not in body
    # The consent's notice and a withdrawn consent: a TK page is decided for each request.
    tk_page, consent = cast.tk_case_study()
    member = cast.client(client, "holder_member")
    assert "RESTRICTED-SOLUTION" in member.get(tk_page.url).content.decode()
    ConsentRecord.objects.filter(pk=consent.pk).update(status=ConsentStatus.WITHDRAWN)
    assert member.get(tk_page.url).status_code == 404
