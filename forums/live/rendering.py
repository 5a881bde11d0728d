"""HTML fragments rendered once on the server, in every site language, so that a live page and a
reloaded one show the very same markup whatever each viewer reads."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from cop.markup import render_inline


def render_message_body(body: str) -> str:
    """A chat message to safe HTML with the site's linear engine, inline Markdown only (emphasis, code,
    strikethrough, links; no headings or lists), raw HTML as text, line breaks kept, bare addresses
    made links marked as user content."""
    return render_inline(body)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def in_every_language(build) -> dict[str, dict]:
    """Calls build() once per site language, with that language active: {"en": ..., "fr": ...}."""
    result = {}
    for code in languages():
        with translation.override(code):
            result[code] = build()
    return result


def render_fragment(template: str, context: dict) -> str:
    return render_to_string(template, context)


def pick_language(i18n: dict, language: str):
    """The data for `language`, falling back to the site's default language, then to any."""
    if language in i18n:
        return i18n[language]
    if settings.LANGUAGE_CODE in i18n:
        return i18n[settings.LANGUAGE_CODE]
    return next(iter(i18n.values()), {})
