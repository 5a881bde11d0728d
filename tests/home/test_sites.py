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
