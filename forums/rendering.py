"""Markdown to safe HTML, done once when a post is saved (pages show the stored result).

Markdown (with raw HTML allowed through, since the sanitiser decides) then nh3 with an allow-list:
no script, style, iframe, images or event handlers; only http, https and mailto links, which get
rel="nofollow ugc noopener". Headings are shifted to start at <h3> so that a post never competes
with the page's own outline. `@[Display name]` becomes a mention span.
"""

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

MENTION_PATTERN = r"@\[([^\]\n]{1,80})\]"
MENTION_RE = re.compile(MENTION_PATTERN)
# A single word after @ also mentions (e.g. "@Wei" or "@王伟"), when it matches exactly one person.
WORD_MENTION_RE = re.compile(r"(?<![\w@.])@(\w{2,40})", re.UNICODE)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i", "kbd",
    "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"colspan"}, "td": {"colspan"}}
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _MentionProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API
        element = etree.Element("span")
        element.set("class", "mention")
        element.text = "@" + m.group(1).strip()
        return element, m.start(0), m.end(0)


class _MentionExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(_MentionProcessor(MENTION_PATTERN, md), "km4b_mention", 185)


class _ShiftHeadings(markdown.treeprocessors.Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(int(element.tag[1]) + 2, 6)}"


class _HeadingExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_ShiftHeadings(md), "km4b_shift_headings", 5)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "nl2br", _MentionExtension(), _HeadingExtension()],
        output_format="html",
    )


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Renders a post body to sanitised HTML."""
    return sanitize(_markdown().convert(source))


def mentioned_names(source: str) -> tuple[set[str], set[str]]:
    """The names written as `@[Display name]` and the single words written as `@word`."""
    bracketed = {name.strip() for name in MENTION_RE.findall(source) if name.strip()}
    without_brackets = MENTION_RE.sub(" ", source)
    words = set(WORD_MENTION_RE.findall(without_brackets))
    return bracketed, words


def quote_markdown(author_name: str, body: str, limit: int = 1500) -> str:
    """The Markdown that starts a reply quoting another post."""
    text = body.strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return f"> **@[{author_name}]**:\n{quoted}\n\n"
