"""A case study's story (its StreamField of the site's base blocks, cop.blocks.BaseStreamBlock) written
as plain text on the site's submission form, without JavaScript, and read back for editing.

The text is cut into sections at blank lines; each section becomes one story block:
- `## A heading` (or `# A heading`) is a heading (H2), `### A heading` a smaller one (H3); a heading
  line may start a section, the rest of the section is then a paragraph;
- lines all starting with `>` are a quotation; a last line `> -- Someone` (or `> — Someone`) names its
  source;
- `![text alternative](image:12)` alone on its line keeps an image the story already has (the
  library's editors may have added it): only images already in this story are kept, so no one can
  pull in another item's image by its number;
- anything else is a paragraph in Markdown (emphasis, strong, links, lists), reduced to what the
  paragraph block allows.
Reading a story back gives the same text (`story_to_text`), so saving a draft changes nothing written.
"""

import re
from html.parser import HTMLParser

import nh3

from cop.markup import render_markdown

STORY_MAX_LENGTH = 20000
HEADING_MAX_LENGTH = 120  # cop.blocks.HeadingBlock
ATTRIBUTION_MAX_LENGTH = 120  # cop.blocks.QuoteBlock
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\(image:(?P<id>\d{1,18})\)$")
_ATTRIBUTION = re.compile(r"^(?:--|—|–)\s*(.+)$")
# The paragraph block's features (bold, italic, link, ol, ul) in Wagtail's stored rich-text format.
_PARAGRAPH_TAGS = {"p", "b", "i", "a", "ul", "ol", "li", "br"}


def _rich_text(markdown: str) -> str:
    html = render_markdown(markdown)
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    html = nh3.clean(
        html,
        tags=_PARAGRAPH_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return html.strip()


def _quote(lines: list[str]) -> dict:
    text = [line[1:].strip() for line in lines]
    attribution = ""
    if len(text) > 1 and (match := _ATTRIBUTION.match(text[-1])):
        attribution = match[1].strip()[:ATTRIBUTION_MAX_LENGTH]
        text = text[:-1]
    return {"text": "\n".join(text).strip(), "attribution": attribution}


def story_images(story) -> dict[int, dict]:
    """The image blocks a story already has, as stored, by image id."""
    images = {}
    for raw in story.raw_data if story is not None else []:
        if raw.get("type") == "image" and isinstance(raw.get("value"), dict):
            image_id = raw["value"].get("image")
            if isinstance(image_id, int):
                images[image_id] = raw["value"]
    return images


def story_from_text(text: str, *, kept_images: dict[int, dict]) -> list[dict]:
    """The story's blocks, as stored (a list of {"type", "value"}), from the form's text."""
    blocks = []
    for section in re.split(r"\n[ \t]*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.rstrip() for line in section.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if match := _HEADING.match(lines[0].strip()):
            level = "h3" if len(match[1]) == 3 else "h2"
            blocks.append(
                {"type": "heading", "value": {"text": match[2][:HEADING_MAX_LENGTH], "level": level}}
            )
            lines = lines[1:]
            if not lines:
                continue
        stripped = [line.strip() for line in lines]
        if all(line.startswith(">") for line in stripped):
            quote = _quote(stripped)
            if quote["text"]:
                blocks.append({"type": "quote", "value": quote})
            continue
        if len(stripped) == 1 and (match := _IMAGE.match(stripped[0])):
            image = kept_images.get(int(match["id"]))
            if image is not None:
                blocks.append({"type": "image", "value": {**image, "alt_text": match["alt"].strip()}})
                continue
        html = _rich_text("\n".join(lines))
        if re.sub(r"<[^>]*>", "", html).strip():  # not an image reference left (kept ones only)
            blocks.append({"type": "paragraph", "value": html})
    return blocks


class _Markdown(HTMLParser):
    """Stored rich text (the paragraph block's few tags) back to the Markdown it was written in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, number] for each open list
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and self.out and not self.lists:
            self.out.append("\n\n")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "a":
            self.href.append(attrs.get("href"))
            if attrs.get("href"):
                self.out.append("[")
        elif tag in ("ul", "ol"):
            if self.out and not self.lists:
                self.out.append("\n\n")
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            indent = "   " * (len(self.lists) - 1)
            marker = f"{kind[1]}." if kind[0] == "ol" else "-"
            if self.out and not self.out[-1].endswith("\n"):
                self.out.append("\n")
            self.out.append(f"{indent}{marker} ")
        elif tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f"]({href})")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data):
        if self.lists and not data.strip():
            return
        data = re.sub(r"\s*\n\s*", " ", data)  # the HTML's own line breaks; <br> is the written one
        if not self.out or self.out[-1].endswith("\n"):
            data = data.lstrip()
        self.out.append(re.sub(r"([\\*_\[\]])", r"\\\1", data))


def _markdown(html: str) -> str:
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    return "".join(parser.out).strip()


def story_to_text(story) -> str:
    """The form's text for a story (see the module's docstring)."""
    sections = []
    for raw in story.raw_data if story is not None else []:
        kind, value = raw.get("type"), raw.get("value")
        if kind == "heading" and isinstance(value, dict):
            sections.append(f"{'###' if value.get('level') == 'h3' else '##'} {value.get('text', '')}")
        elif kind == "quote" and isinstance(value, dict):
            lines = [f"> {line}".rstrip() for line in str(value.get("text", "")).split("\n")]
            if value.get("attribution"):
                lines.append(f"> -- {value['attribution']}")
            sections.append("\n".join(lines))
        elif kind == "image" and isinstance(value, dict) and value.get("image"):
            sections.append(f"![{value.get('alt_text') or ''}](image:{value['image']})")
        elif kind == "paragraph" and isinstance(value, str):
            text = _markdown(value)
            if text:
                sections.append(text)
    return "\n\n".join(sections)
