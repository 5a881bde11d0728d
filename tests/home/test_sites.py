"""home.sites: the request's Wagtail site is looked up once per process and host, and again at once
after a site or a site's root page changes."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from wagtail.models import Page, Site

from home.sites import site_for_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _request(host="testserver"):
    return RequestFactory().get("/en/", HTTP_HOST=host)


def test_site_is_looked_up_once(site_home, django_assert_num_queries):
    site_for_request(_request())
    with django_assert_num_queries(0):
        site = site_for_request(_request())
    assert site.root_page_id == site_home.pk


def test_each_request_gets_its_own_copies(site_home):
    first, second = site_for_request(_request()), site_for_request(_request())
    assert first is not second and first.root_page is not second.root_page
    first.root_page.specific  # noqa: B018 - Wagtail caches it on the instance
    assert "specific" not in second.root_page.__dict__


def test_a_changed_site_is_seen_at_once(site_home):
    assert site_for_request(_request()).site_name != "Biodiversity practitioners"
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Biodiversity practitioners"
    site.save()
    assert site_for_request(_request()).site_name == "Biodiversity practitioners"


def test_a_new_site_for_a_host_is_seen_at_once(site_home):
    assert site_for_request(_request("other.example")).root_page_id == site_home.pk  # the default
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    assert site_for_request(_request("other.example")).root_page_id == other_root.pk


def test_a_changed_root_page_is_seen_at_once(client, site_home):
    client.get("/en/")
    site_home.title = "Welcome, practitioners"
    site_home.save_revision().publish()
    assert "Welcome, practitioners" in client.get("/en/").content.decode()
    assert site_for_request(_request()).root_page.title == "Welcome, practitioners"


# The route table (home.sites.serve): a page found once per process and path, under the version that
# any page or view restriction change replaces.


def _community_client(client):
    from tests.factories import CommunityPageFactory

    community = CommunityPageFactory(title="Seed keepers", slug="seed-keepers")
    url = "/en/communities/seed-keepers/"
    assert client.get(url).status_code == 200
    return community, url


def test_a_known_route_costs_one_query_for_the_page(client, site_home):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _community, url = _community_client(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries]
    # The community's row joined to its page row; no walk through the tree, no restriction lookup.
    assert len([s for s in sql if 'FROM "cop_communitypage" INNER JOIN "wagtailcore_page"' in s]) == 1
    assert not [s for s in sql if 'FROM "wagtailcore_page"' in s or "wagtailcore_pageviewrestriction" in s]


def test_a_published_change_and_a_new_slug_are_seen_at_once(client, site_home):
    community, url = _community_client(client)
    community.title = "Seed savers"
    community.slug = "seed-savers"
    community.save_revision().publish()
    assert client.get(url).status_code == 404
    response = client.get("/en/communities/seed-savers/")
    assert response.status_code == 200 and "Seed savers" in response.content.decode()


def test_an_unpublished_page_is_gone_at_once(client, site_home):
    community, url = _community_client(client)
    community.unpublish()
    assert client.get(url).status_code == 404
    community.save_revision().publish()
    assert client.get(url).status_code == 200


def test_a_deleted_page_is_gone_at_once(client, site_home):
    community, url = _community_client(client)
    community.delete()
    assert client.get(url).status_code == 404


def test_a_moved_page_answers_at_its_new_address_at_once(client, site_home):
    community, url = _community_client(client)
    section = site_home.add_child(instance=Page(title="Archive", slug="archive"))
    community.move(section, pos="last-child")
    old = client.get(url)  # Wagtail's redirect from the old address, not the page from the table
    assert old.status_code in (301, 404) and old.get("Location", "/en/archive/seed-keepers/") == (
        "/en/archive/seed-keepers/"
    )
    assert client.get("/en/archive/seed-keepers/").status_code == 200


def test_a_view_restriction_applies_at_once_and_its_removal_too(client, site_home):
    from wagtail.models import PageViewRestriction

    community, url = _community_client(client)
    restriction = PageViewRestriction.objects.create(page=community, restriction_type="login")
    assert client.get(url).status_code == 302  # to the log-in page
    restriction.delete()
    assert client.get(url).status_code == 200
    index = community.get_parent()
    PageViewRestriction.objects.create(page=index, restriction_type="login")  # on an ancestor
    assert client.get(url).status_code == 302


def test_a_routable_page_is_kept_with_its_sub_route(client, site_home):
    """A community's library serves its listing through its own route (RoutablePageMixin): the table
    keeps the page and resolves the sub-route again on each request; unpublished, it is gone at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cop.library.models import LibraryPage

    community, url = _community_client(client)
    library = community.add_child(instance=LibraryPage(title="Case studies", slug="case-studies", intro="x"))
    url += "case-studies/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries]
    assert len([s for s in sql if 'FROM "cop_library_librarypage" INNER JOIN "wagtailcore_page"' in s]) == 1
    # Wagtail's own restriction lookup (the library's listing reads restrictions of its items itself).
    assert not [s for s in sql if s.startswith('SELECT "wagtailcore_pageviewrestriction"')]
    library.unpublish()
    assert client.get(url).status_code == 404
