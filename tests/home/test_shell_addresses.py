"""The shell's fixed addresses (home.templatetags.shell: shell_url, asset) are found once per process and
language, and stay those that reverse() and static() give."""

import pytest
from django.template import engines
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from home.templatetags import shell


def _render(source: str, request=None) -> str:
    return engines["django"].from_string("{% load shell %}" + source).render({}, request)


@pytest.fixture(autouse=True)
def _empty_memo(monkeypatch):
    monkeypatch.setattr(shell, "_URLS", {})
    monkeypatch.setattr(shell, "_ASSETS", {})


def test_shell_url_is_each_languages_address_and_reversed_once_per_language(monkeypatch, settings):
    settings.DEBUG = False
    request = RequestFactory().get("/")
    expected = {}
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            expected[language] = reverse("account_login")
            assert _render("{% shell_url 'account_login' %}", request) == expected[language]
    assert expected["en"] != expected["fr"]

    def fail(*args, **kwargs):
        raise AssertionError("reversed again")

    monkeypatch.setattr(shell, "reverse", fail)
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            assert _render("{% shell_url 'account_login' %}", request) == expected[language]


def test_asset_is_the_static_address_found_once(monkeypatch, settings):
    settings.DEBUG = False
    assert _render("{% asset 'css/site.css' %}") == static("css/site.css")
    monkeypatch.setattr(shell, "static", lambda path: "/elsewhere/" + path)
    assert _render("{% asset 'css/site.css' %}") == static("css/site.css")


def test_nothing_is_kept_under_debug(monkeypatch, settings):
    """Under DEBUG (make run) each address is found anew, as {% url %} and {% static %} would."""
    settings.DEBUG = True
    assert _render("{% asset 'css/site.css' %}") == static("css/site.css")
    monkeypatch.setattr(shell, "static", lambda path: "/elsewhere/" + path)
    assert _render("{% asset 'css/site.css' %}") == "/elsewhere/css/site.css"
    assert _render("{% shell_url 'account_login' %}", RequestFactory().get("/")) == reverse("account_login")
    assert shell._URLS == {} and shell._ASSETS == {}
