"""The site shell: its navigation is reversed once per process and language, an entry whose route
does not exist is left out (without an exception per request), and its fixed parts are rendered once
per process and language while the per-request values around them stay the viewer's."""

import pytest
from django.urls import reverse

from home import context_processors
from home.templatetags import shell

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> list[str]:
    start = html.index('<nav class="main-nav"')
    return html[start : html.index("</nav>", start)]


def test_unrouted_entries_are_left_out_and_routes_are_reversed_once(client, site_home, monkeypatch):
    html = client.get("/fr/").content.decode()
    nav = nav_links(html)
    assert 'href="/fr/forums/"' in nav and 'href="/fr/events/"' in nav
    assert "cop:case_studies" not in str(context_processors._routed_entries(None))
    entries = {key: url for key, _label, url in context_processors.navigation_entries("fr")}
    assert entries["case_studies"] == "/fr/library/" and 'href="/fr/library/"' in nav

    def no_reverse(*args, **kwargs):
        raise AssertionError("reversed again")

    monkeypatch.setattr(context_processors, "reverse", no_reverse)
    again = client.get("/fr/").content.decode()
    assert nav_links(again) == nav


def test_the_current_entry_is_marked(client, site_home):
    nav = nav_links(client.get(reverse("events:calendar")).content.decode())
    assert '<a href="/en/events/" aria-current="page">' in nav
    assert nav.count("aria-current") == 1


def test_fixed_parts_are_rendered_once_per_language_and_per_request_parts_stay_personal(
    client, site_home, user
):
    shell._RENDERED.clear()
    client.get("/en/")
    client.get("/ar/")
    languages = {key[1] for key in shell._RENDERED}
    assert languages == {"en", "ar"}
    rendered = dict(shell._RENDERED)
    client.force_login(user)
    html = client.get("/en/forums/").content.decode()
    # The viewer's own name, their CSRF token and the page they are on are theirs, not cached.
    assert user.public_name in html
    assert 'name="next" type="hidden" value="/en/forums/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'href="{reverse("cop:my_communities")}"' in html
    assert all(shell._RENDERED[key] == value for key, value in rendered.items())


def test_staff_get_the_administration_link_and_members_do_not(client, site_home, user):
    client.force_login(user)
    assert 'href="/admin/"' not in client.get("/en/forums/").content.decode()
    user.is_staff = True
    user.save()
    assert 'href="/admin/"' in client.get("/en/forums/").content.decode()


@pytest.mark.parametrize("address", ["/en/", "/en/forums/", "/en/search/", "/en/network/"])
def test_the_language_switcher_keeps_the_page_in_the_chosen_language(client, site_home, address):
    """django.urls.translate_url finds each route in the new language: the home page has its own route
    (config.urls, before the page tree's catch-all) and must be named for it."""
    response = client.post("/i18n/setlang/", {"language": "ar", "next": address})
    assert response.status_code == 302
    assert response["Location"] == address.replace("/en/", "/ar/", 1)
