import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_root_redirects_to_language_prefix(client, site_home):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_page_renders_shell(client, site_home):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert 'aria-label="Main"' in html
    assert site_home.intro in html


def test_arabic_is_right_to_left(client, site_home):
    response = client.get("/ar/")
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


@pytest.mark.parametrize("code", ["zh-hans", "fr", "ru", "es"])
def test_every_un_language_is_served(client, site_home, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert f'lang="{code}"' in response.content.decode()


def test_language_switcher_keeps_the_page(client, site_home):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/search/"


def test_unknown_page_gets_designed_404(client, site_home):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "site-header" in response.content.decode()


def test_search_without_query_and_with_query(client, site_home):
    assert client.get("/en/search/").status_code == 200
    response = client.get("/en/search/", {"q": "KM4B"})
    assert response.status_code == 200
    assert "KM4B Communities" in response.content.decode()


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    users, pages = get_user_model().objects.count(), Page.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert get_user_model().objects.count() == users
    assert Page.objects.count() == pages
