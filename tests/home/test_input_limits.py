"""Site search with any text, and addresses too long to read: 200 or 414 with the site's page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("query", ['"unbalanced', 'KM4B"', "\x00", "a\x00b", "*", "NEAR(", "'", '"KM4B" OR'])
def test_search_with_quotes_and_nul_answers_the_page(client, site_home, query):
    """An unbalanced double quote or a NUL was an SQLite full-text syntax error: a 500."""
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert "\x00" not in response.text


def test_search_words_inside_quotes_still_find_pages(client, site_home):
    from wagtail.search.backends import get_search_backend

    get_search_backend().add(site_home)
    response = client.get("/en/search/", {"q": f'"{site_home.title}'})
    assert response.status_code == 200
    assert f'href="{site_home.url}"' in response.text


def test_a_long_query_string_answers_414_with_the_site_page_in_the_language(client, site_home, settings):
    """A 100 KB query string got the connection closed (or a bare error) instead of a 414."""
    response = client.get("/fr/events/?q=" + "x" * 100_000)
    assert response.status_code == 414
    assert '<html lang="fr"' in response.text
    assert 'class="error-page__code">414<' in response.text
    response = client.get("/en/search/?q=" + "x" * (settings.QUERY_STRING_MAX_LENGTH - 2))
    assert response.status_code == 200
