"""Second look at the home's cached communities section: Wagtail's bulk unpublish, scheduled expiry
and move save the base Page (no post_save for CommunityPage); the next page must show the change."""

import pytest
from django.core.cache import cache
from wagtail.models import Page

from tests.factories import CommunityPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _home(client) -> str:
    response = client.get("/en/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_community_unpublished_as_a_plain_page_leaves_the_home_at_once(client, site_home):
    CommunityPageFactory(title="Pollinator keepers")
    other = CommunityPageFactory(title="Seed savers")
    assert "Seed savers" in _home(client)
    Page.objects.get(pk=other.pk).unpublish()  # how bulk unpublish and scheduled expiry do it
    assert "Seed savers" not in _home(client)


def test_a_community_moved_links_to_its_new_address_at_once(client, site_home):
    community = CommunityPageFactory(title="Seed savers")
    archive = site_home.add_child(instance=Page(title="Archive", slug="archive"))
    assert "/archive/" not in _home(client)
    Page.objects.get(pk=community.pk).move(archive, pos="last-child")
    community.refresh_from_db()
    assert "/archive/" in community.url_path
    html = _home(client)
    assert f'href="{community.get_url()}"' in html
