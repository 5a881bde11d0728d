"""Text received from people, made safe to store and to search: the site's one place for it."""

import unicodedata

# Explicit bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), the left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C).
# In a name or a title they can reverse the text around it (an "exe.txt" that reads "txt.exe");
# templates isolate user text for display (dir="auto", <bdi>) instead.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
_BIDI_TABLE = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def strip_bidi_controls(value: str) -> str:
    """`value` without Unicode bidirectional control characters (names, titles: everything short and
    shown in lists and headings)."""
    return value.translate(_BIDI_TABLE) if value else value


def printable_text(value: str) -> str:
    """`value` without control and format characters (NUL, which PostgreSQL refuses in text, CR, LF,
    bidi controls): for a short query typed in a box."""
    return "".join(char for char in value if char.isprintable())


def search_words(value: str, *, max_words: int = 20) -> list[str]:
    """The words of a search box's text, in any script: runs of letters, combining marks and digits.
    Quotes, operators, punctuation and control characters only separate words, so nothing a person
    types can break a full-text query's syntax."""
    words, current = [], []
    for char in value:
        if unicodedata.category(char)[0] in "LMN":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words[:max_words]
