"""Path converters every urls.py uses, so that no path segment reaches a view in a form the database or
the view cannot take: a number beyond a 64-bit id, a NUL byte, a tag slug in another script.
A value a converter refuses makes its pattern not match, and the request answers 404.

Registered in cop.apps.CopConfig.ready: `<id:pk>`, `<text:token>`, `<uslug:tag>`."""

from django.urls import register_converter
from django.urls.converters import get_converters

# Database ids are signed 64-bit integers (BigAutoField; SQLite's INTEGER).
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """A database id: digits, from 1 to 2**63 - 1 (a larger number would overflow the query)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # int() of a number too long to be an id is refused before converting thousands of digits.
        if len(value.lstrip("0")) > len(str(MAX_DATABASE_ID)):
            raise ValueError(value)
        number = int(value)
        if not 1 <= number <= MAX_DATABASE_ID:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


class TextConverter:
    """Any path segment but a NUL or another control character (PostgreSQL refuses NUL in text)."""

    regex = "[^/\\x00-\\x1f\\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class UnicodeSlugConverter(TextConverter):
    """A slug as django.utils.text.slugify(allow_unicode=True) and taggit make them: letters and digits
    of any script, hyphens and underscores (a tag "биоразнообразие" keeps its slug)."""

    regex = "[-\\w]+"


def parse_id(value: str | None) -> int | None:
    """A database id read from a query string (?quote=12), or None: ASCII digits only ("²".isdigit() is
    true, and int() refuses it), at most MAX_DATABASE_ID (a larger number overflows the query)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > len(str(MAX_DATABASE_ID)):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_DATABASE_ID else None


CONVERTERS = {"id": DatabaseIdConverter, "text": TextConverter, "uslug": UnicodeSlugConverter}


def register() -> None:
    for name, converter in CONVERTERS.items():
        if name not in get_converters():
            register_converter(converter, name)
