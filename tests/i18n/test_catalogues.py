"""The site speaks the six UN languages: committed catalogues, translated shell, JavaScript catalogue."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUE_DIRS = ["ar", "zh_Hans", "fr", "ru", "es"]
URL_PREFIXES = ["ar", "zh-hans", "fr", "ru", "es"]


@pytest.mark.parametrize("folder", CATALOGUE_DIRS)
def test_compiled_catalogues_are_committed(folder):
    # A machine without gettext still gets translations: the .mo files ship with the .po files.
    for domain in ("django", "djangojs"):
        po = LOCALE_DIR / folder / "LC_MESSAGES" / f"{domain}.po"
        mo = LOCALE_DIR / folder / "LC_MESSAGES" / f"{domain}.mo"
        assert po.exists() and mo.exists()
        header = po.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert "#, fuzzy" not in header, f"{po}: a fuzzy header is ignored by msgfmt"
        assert "Plural-Forms: nplurals=" in header


@pytest.mark.parametrize("folder", CATALOGUE_DIRS)
def test_placeholders_survive_translation(folder):
    text = (LOCALE_DIR / folder / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for msgid, msgstr in re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, re.M):
        assert set(re.findall(r"%\(\w+\)s", msgstr)) <= set(re.findall(r"%\(\w+\)s", msgid)), msgid
        assert msgstr.count("<a ") == msgid.count("<a "), msgid


SHELL = {
    "ar": ("انتقل إلى المحتوى الرئيسي", "تسجيل الدخول", "مسار التنقل"),
    "zh-hans": ("跳到主要内容", "登录", "导航路径"),
    "fr": ("Aller au contenu principal", "Se connecter", "Fil d’Ariane"),
    "ru": ("Перейти к основному содержанию", "Войти", "Навигационная цепочка"),
    "es": ("Ir al contenido principal", "Iniciar sesión", "Ruta de navegación"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", URL_PREFIXES)
def test_site_shell_is_translated(client, site_home, code):
    skip, log_in, _breadcrumb = SHELL[code]
    html = client.get(f"/{code}/").content.decode()
    assert skip in html
    assert log_in in html
    assert "Knowledge Management for Biodiversity initiative" not in html  # the footer too


@pytest.mark.django_db
@pytest.mark.parametrize("code", URL_PREFIXES)
def test_error_and_search_pages_are_translated(client, site_home, code):
    not_found = client.get(f"/{code}/no-such-page/")
    assert not_found.status_code == 404
    assert "Page not found" not in not_found.content.decode()
    search = client.get(f"/{code}/search/").content.decode()
    assert "Search the communities, discussions, events and case studies" not in search


def test_search_result_counts_use_the_languages_plural_forms():
    singular, plural = "%(counter)s result for “%(query)s”", "%(counter)s results for “%(query)s”"
    with translation.override("ru"):
        counts = [
            translation.ngettext(singular, plural, n) % {"counter": n, "query": "KM4B"} for n in (1, 3, 5)
        ]
    assert counts == [
        "1 результат по запросу «KM4B»",
        "3 результата по запросу «KM4B»",
        "5 результатов по запросу «KM4B»",
    ]
    with translation.override("ar"):
        assert translation.ngettext(singular, plural, 2) % {"counter": 2, "query": "x"} == "نتيجتان لـ «x»"


@pytest.mark.django_db
def test_profile_page_is_translated(client, user):
    client.force_login(user)
    html = client.get("/es/me/settings/").content.decode()
    assert "Perfil y preferencias" in html
    assert "Nombre visible" in html
    assert "Guardar" in html


@pytest.mark.django_db
def test_signup_mail_is_in_the_visitors_language(client):
    client.post(
        "/fr/accounts/signup/",
        {
            "email": "chloe@km4b.test",
            "display_name": "Chloé",
            "password1": "mangrove-seagrass-2030",
            "password2": "mangrove-seagrass-2030",
            "preferred_language": "fr",
            "time_zone": "Europe/Paris",
        },
    )
    message = mail.outbox[0]
    assert message.subject == "[KM4B] Bienvenue ! Veuillez confirmer votre adresse e-mail"
    assert message.body.startswith("Bonjour Chloé,")
    assert "/fr/accounts/confirm-email/" in message.body


@pytest.mark.parametrize("code", URL_PREFIXES)
def test_language_names_are_translated(code):
    with translation.override(code):
        names = [str(name) for _code, name in settings.LANGUAGES]
    assert names != ["Arabic", "Chinese (Simplified)", "English", "French", "Russian", "Spanish"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["en", *URL_PREFIXES])
def test_javascript_catalogue(client, code):
    response = client.get(f"/{code}/jsi18n/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "django.gettext" in body and "django.pluralidx" in body


@pytest.mark.django_db
def test_arabic_javascript_catalogue_has_six_plural_forms(client):
    body = client.get("/ar/jsi18n/").content.decode()
    assert "n==0 ? 0 : n==1 ? 1 : n==2 ? 2" in body
