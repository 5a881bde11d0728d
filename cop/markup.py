"""User text to safe HTML in time linear in its length, for every app: CommonMark (markdown-it-py) then
nh3 with one allow-list.

Markdown as CommonMark specifies it, plus tables, ~~strikethrough~~ and bare links made clickable; a
line break is kept as a line break (as in chat and e-mail). Raw HTML goes to the sanitiser, which
decides: no script, style, iframe, images or event handlers; only http, https and mailto links, which
get rel="nofollow ugc noopener". Headings are shifted to start at <h3>, below the page's own outline.

Hostile input stays linear (tests/forums/test_pathological_markdown.py): link labels are looked into
at most LINK_NESTING brackets deep, and after LINK_FAILURES brackets that opened no link a document's
brackets are text; markdown-it's inline linkify rule (it searched all the pending text at every "://")
is off, the core rule links at most AUTO_LINKS bare addresses per document; raw HTML keeping more than
RAW_HTML_MAX_OPEN tags open (which makes the HTML5 tree builder in nh3 quadratic) is shown as text.
Valid content never comes near these bounds.
"""

import re
import threading
from collections.abc import Callable

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i", "kbd",
    "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"colspan"}, "td": {"colspan"}}
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Blocks (quotes in lists in quotes...) nested deeper than this are cut, as markdown-it does.
MAX_NESTING = 20
# Brackets inside a link's text looked into for a nested link; deeper ones are plain text.
LINK_NESTING = 4
# Brackets of one document that may be tried as links and fail; later ones are plain text.
LINK_FAILURES = 1_000
_FAILURES = "km4b_link_failures"
# Bare addresses made links in one document (each costs a URL parse); later ones stay text.
AUTO_LINKS = 1_000
# Raw HTML tags open at once (unclosed formatting tags, nested blocks) before raw HTML shows as text.
RAW_HTML_MAX_OPEN = 32

Plugin = Callable[[MarkdownIt], None]


def sanitize(html: str) -> str:
    """Any HTML to the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


# PARSERS ----


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _bounded(rule, opener: str):
    """A link or image rule with two bounds. While it only measures a label (silent), it stops
    LINK_NESTING brackets deep: the rest of the paragraph counts as one token, so the enclosing label
    is not a link (else each bracket of "[[[[..." is looked into MAX_NESTING deep). And after
    LINK_FAILURES brackets of a document turned out not to open a link, brackets are plain text: each
    attempt costs up to a few dozen steps, which thousands of brackets would multiply."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(opener, state.pos):
            return False
        failures = state.env.get(_FAILURES, 0)
        if failures >= LINK_FAILURES:
            return False
        if silent and state.level > LINK_NESTING:
            state.pos = state.posMax
            return True
        if rule(state, silent):
            return True
        state.env[_FAILURES] = failures + 1
        return False

    return bounded


def _limit_links(md: MarkdownIt) -> None:
    for name, opener in (("link", "["), ("image", "![")):
        rule = next(r for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _bounded(rule.fn, opener))


class _BoundedLinkify(LinkifyIt):
    """Finds at most AUTO_LINKS bare links per document (`remaining` is reset as a document starts)."""

    remaining = AUTO_LINKS

    def test(self, text):
        return self.remaining > 0 and super().test(text)

    def match(self, text):
        found = (super().match(text) or [])[: max(self.remaining, 0)]
        self.remaining -= len(found)
        return found or None


def _reset_linkify(state) -> None:
    state.md.linkify.remaining = AUTO_LINKS


def _linkify(md: MarkdownIt) -> None:
    md.linkify = _BoundedLinkify().tlds(["int"], keep_old=True)  # cbd.int, un.int...
    md.core.ruler.before("linkify", "km4b_reset_linkify", _reset_linkify)
    md.inline.ruler.disable("linkify")  # it searched all the pending text at each "://"; the core rule
    # finds bare links once per text run


def _parser(*plugins: Plugin, html: bool = True) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": html, "breaks": True, "linkify": True, "maxNesting": MAX_NESTING, "xhtmlOut": False},
    )
    md.enable(["table", "strikethrough", "linkify"])
    _linkify(md)
    md.core.ruler.after("block", "km4b_shift_headings", _shift_headings)
    _limit_links(md)
    for plugin in plugins:
        md.use(plugin)
    return md


def _inline_parser() -> MarkdownIt:
    """Chat: emphasis, code, strikethrough, links, line breaks; no blocks (a line starting with # or >
    stays as written) and raw HTML shown as text."""
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": True, "maxNesting": MAX_NESTING})
    md.enable(["emphasis", "backticks", "strikethrough", "escape", "entity", "newline", "link"])
    md.enable(["autolink", "linkify"])
    _linkify(md)
    _limit_links(md)
    return md


class Parsers(threading.local):
    """markdown-it parsers are built once per thread: linkify keeps state between its calls."""

    def __init__(self, *plugins: Plugin):
        self.document = _parser(*plugins)
        self.escaped = _parser(*plugins, html=False)
        self.inline = _inline_parser()


_DEFAULT = Parsers()

# RAW HTML ----

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _raw_html(tokens) -> list[str]:
    found = []
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            found.append(token.content)
        if token.children:
            found.extend(_raw_html(token.children))
    return found


def _too_deep(raw_html: list[str]) -> bool:
    """Whether the raw tags keep more than RAW_HTML_MAX_OPEN open at once (a close tag closes up to its
    opener, as browsers do); one pass over the tags."""
    stack: list[str] = []
    open_counts: dict[str, int] = {}
    for chunk in raw_html:
        for closing, name in _TAG.findall(chunk):
            name = name.lower()
            if name in _VOID:
                continue
            if not closing:
                stack.append(name)
                open_counts[name] = open_counts.get(name, 0) + 1
                if len(stack) > RAW_HTML_MAX_OPEN:
                    return True
            elif open_counts.get(name):
                while True:
                    top = stack.pop()
                    open_counts[top] -= 1
                    if top == name:
                        break
    return False


# RENDERING ----


def render_markdown(source: str, parsers: Parsers = _DEFAULT) -> str:
    """Markdown to sanitised HTML (posts, summaries, any user text with paragraphs)."""
    md = parsers.document
    tokens = md.parse(source, {})
    if _too_deep(_raw_html(tokens)):
        md = parsers.escaped
        tokens = md.parse(source, {})
    html = sanitize(md.renderer.render(tokens, md.options, {}))
    return html.rstrip("\n")  # as Python-Markdown stored it: unchanged posts stay byte for byte the same


def render_inline(source: str, parsers: Parsers = _DEFAULT) -> str:
    """One chat message to sanitised HTML: inline Markdown only, line breaks kept."""
    return sanitize(parsers.inline.renderInline(source))
