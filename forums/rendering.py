"""Forum posts to safe HTML, done once when a post is saved (pages show the stored result).

The engine and its sanitiser are cop.markup (CommonMark, linear in the length of the text); posts add
mentions: `@[Display name]` becomes a mention span. Also what reads mentions and quotes a post, and the
re-rendering of stored posts when the engine changes.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline

from cop import markup
from cop.eventlog import EventLog, event_append

MENTION_PATTERN = r"@\[([^\]\n]{1,80})\]"
MENTION_RE = re.compile(MENTION_PATTERN)
# A single word after @ also mentions (e.g. "@Wei" or "@王伟"), when it matches exactly one person.
WORD_MENTION_RE = re.compile(r"(?<![\w@.])@(\w{2,40})", re.UNICODE)


def _mention(state: StateInline, silent: bool) -> bool:
    """`@[Display name]` (at most 80 characters, so a failed try costs little)."""
    if state.src[state.pos] != "@":
        return False
    match = MENTION_RE.match(state.src, state.pos, state.posMax)
    if match is None or not match.group(1).strip():
        return False
    if not silent:
        token = state.push("mention", "span", 0)
        token.content = match.group(1).strip()
    state.pos = match.end()
    return True


def _render_mention(renderer, tokens, idx, options, env) -> str:
    return f'<span class="mention">@{escapeHtml(tokens[idx].content)}</span>'


def mentions(md: MarkdownIt) -> None:
    """markdown-it plugin: mention spans, tried before links so that `@[name]` is never a link label."""
    md.inline.ruler.before("link", "km4b_mention", _mention)
    md.add_render_rule("mention", _render_mention)


_PARSERS = markup.Parsers(mentions)


def render_markdown(source: str) -> str:
    """Renders a post body to sanitised HTML."""
    return markup.render_markdown(source, _PARSERS)


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


# RE-RENDERING ----

RERENDER_EVENT = "posts_rerendered"


@dataclass
class RerenderReport:
    posts: int = 0  # read
    changed: int = 0  # posts whose stored HTML changed
    revisions: int = 0  # earlier versions whose stored HTML changed
    threads: int = 0  # threads whose cached pages were made stale


def posts_rerender(
    *, post_model, revision_model, thread_model, event_model, batch_size: int = 500
) -> RerenderReport:
    """Renders every stored post and earlier version again with render_markdown, a batch per transaction,
    saving only what changed (a post edited meanwhile is left: its edit rendered it). Each thread with a
    changed post records an event, which moves its event sequence and so the key of its cached page posts
    (forums.thread_page.page_posts); a post's fragment is keyed on its HTML (forums.postlist). Idempotent:
    a second run changes nothing. Takes the models so that a data migration can pass its historical ones."""
    report = RerenderReport()
    # The thread log of forums.models.THREAD_LOG, over the models given (historical in a migration).
    log = EventLog(counter=thread_model, counter_field="event_seq", events=event_model, stream_field="thread")
    touched_threads: set[int] = set()
    last = 0
    while True:
        rows = list(
            post_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "thread_id", "version", "body", "html")[:batch_size]
        )
        if not rows:
            break
        last = rows[-1][0]
        report.posts += len(rows)
        with transaction.atomic():
            changed_threads = set()
            for pk, thread_id, version, body, html in rows:
                fresh = render_markdown(body)
                if fresh != html and post_model.objects.filter(pk=pk, version=version).update(html=fresh):
                    report.changed += 1
                    changed_threads.add(thread_id)
            for thread_id in sorted(changed_threads):
                event_append(log, stream=thread_id, kind=RERENDER_EVENT)
            touched_threads |= changed_threads
    last = 0
    while True:
        rows = list(
            revision_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "body", "html")[:batch_size]
        )
        if not rows:
            break
        last = rows[-1][0]
        with transaction.atomic():
            for pk, body, html in rows:
                fresh = render_markdown(body)
                if fresh != html:
                    report.revisions += revision_model.objects.filter(pk=pk).update(html=fresh)
    report.threads = len(touched_threads)
    return report
