"""The thread page rendered once per thread state and kind of viewer, then personalised per request.

A thread page is rendered with *holes* where one person's view differs from another's: their own posts
(edit links), other people's posts (flag links), "new" markers, their reactions, the CSRF token, their
name and id in the site header, the bell's count, whether they follow the thread and have unread posts.
The rendered page is cached under the thread's event sequence and post count (every visible change to a
thread goes through forums.services, which bumps one or the other), the page address, language, time
zone and the viewer's kind (Viewer.key: what they may see and do), so a cached page never outlives the
state it shows (display names of authors may lag by CACHE_SECONDS). Each request fills the holes with
that viewer's values (Personal) by one pass of string substitution.

Not cached, only filled: pages with form errors or messages, staff (the Wagtail user bar is theirs
alone) and a viewer with a post of their own waiting for approval on the page (only they may see it).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from . import permissions, selectors
from .models import Post, Reaction, ReactionKind, Thread
from .models.threads import REACTION_SYMBOLS

CACHE_SECONDS = 600

# Holes carry a prefix derived from the secret key, so that text in a post, a title or a display name
# can never pose as one; a page is never served unfilled, so the prefix is never seen.
MARK = hashlib.sha256(f"forums.postlist:{settings.SECRET_KEY}".encode()).hexdigest()[:12]
# __MARK[name:args__ ... __MARK]__ keeps or drops what it encloses; __MARKNAME:args__ is replaced.
_HOLES = re.compile(
    rf"__{MARK}(?:\[(?P<section>[a-z]+):(?P<numbers>[0-9:]*)__(?P<inner>.*?)__{MARK}\]__"
    rf"|(?P<name>[A-Z]+)(?::(?P<id>\d+):(?P<value>[a-z0-9]+))?__)",
    re.S,
)
CSRF_PLACEHOLDER = f"__{MARK}CSRF__"
# Reaction buttons are rendered as not the viewer's; the few that are get turned over by exact
# replacement. Each pattern holds both a quote and a ">": escaped text (titles, names) and sanitised
# post HTML can hold one or the other but never both outside a tag of the template's own.
_NOT_MINE = ('value="add" data-mine="{}:{}">', 'aria-pressed="false" data-mine="{}:{}">')
_MINE = ('value="remove" data-mine="{}:{}">', 'aria-pressed="true" data-mine="{}:{}">')


@dataclass(frozen=True)
class Viewer:
    """What the page depends on besides the thread: the same for many people."""

    moderator: bool
    signed_in: bool
    can_post: bool
    can_reply: bool
    can_accept: bool

    @property
    def key(self) -> str:
        flags = (self.moderator, self.signed_in, self.can_post, self.can_reply, self.can_accept)
        return "".join("1" if flag else "0" for flag in flags)


def viewer_for(user, thread: Thread) -> Viewer:
    moderator = permissions.can_moderate_board(user, thread.board)
    can_post = permissions.can_post_in_board(user, thread.board)
    return Viewer(
        moderator=moderator,
        signed_in=user.is_authenticated,
        can_post=can_post,
        can_reply=can_post and (moderator or not (thread.is_locked or thread.is_closed)),
        can_accept=permissions.can_accept_answer(user, thread),
    )


@dataclass
class Personal:
    """One viewer's values for the holes of a page."""

    user_id: int | None = None
    name: str = ""
    last_read: int = 0
    mine: set = field(default_factory=set)  # (post id, reaction kind) of the viewer's reactions
    flags: dict = field(default_factory=dict)  # sections kept by name: watching, unread...
    bell: int = 0
    token: object = None  # a callable giving the CSRF token


class HoleUser:
    """Stands for the signed-in viewer while a page is rendered for many: their id and name are holes."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = f"__{MARK}ME__"
    public_name = f"__{MARK}NAME__"


def split(html: str) -> list:
    """A rendered page as literal text and holes, worked out once (the members' cached form of a page):
    str for text, ("section", name, numbers, parts) and ("hole", name, number, value) for holes."""
    parts, position = [], 0
    for match in _HOLES.finditer(html):
        parts.append(html[position : match.start()])
        section, numbers, inner, name, number, value = match.group(
            "section", "numbers", "inner", "name", "id", "value"
        )
        if section:
            numbers = tuple(int(n) for n in numbers.split(":") if n)
            parts.append(("section", section, numbers, split(inner)))
        else:
            parts.append(("hole", name, int(number) if number else 0, int(value) if value else 0))
        position = match.end()
    parts.append(html[position:])
    return parts


def _keep(section: str, numbers: tuple, personal: Personal) -> bool:
    user_id = personal.user_id
    if section == "own":
        return numbers[1] == user_id
    if section == "other":
        return user_id is not None and numbers[1] != user_id
    if section == "new":
        return user_id is not None and numbers[1] != user_id and numbers[0] > personal.last_read
    return bool(personal.flags.get(section))


def _fill_into(out: list, parts: list, personal: Personal, values: dict) -> None:
    for part in parts:
        if part.__class__ is str:
            out.append(part)
        elif part[0] == "section":
            if _keep(part[1], part[2], personal):
                _fill_into(out, part[3], personal, values)
        elif part[1] == "NC":  # the "new" class on a post, by its number and author
            number, author = part[2], part[3]
            user_id = personal.user_id
            if user_id is not None and author != user_id and number > personal.last_read:
                out.append("post--new")
        else:
            name = part[1]
            if name not in values:
                values[name] = _value(name, personal)
            out.append(values[name])


def _value(name: str, personal: Personal) -> str:
    if name == "CSRF":
        return personal.token()
    if name == "ME":
        return str(personal.user_id or "")
    if name == "NAME":
        return escape(personal.name)
    if name == "BELL":
        if not personal.bell:
            return ""
        return render_to_string("forums/includes/bell_count.html", {"unread": personal.bell})
    raise ValueError(f"unknown hole {name}")


def fill(page: str | list, personal: Personal) -> str:
    """A rendered page (or post list, as text or split) with every hole filled with this viewer's
    values: this runs on every thread page view."""
    out: list[str] = []
    _fill_into(out, split(page) if isinstance(page, str) else page, personal, {})
    html = "".join(out)
    for post_id, kind in personal.mine:
        for before, after in zip(_NOT_MINE, _MINE, strict=True):
            html = html.replace(before.format(post_id, kind), after.format(post_id, kind))
    return html


# THE POST LIST ----


def _decorate(thread: Thread, posts: list[Post], viewer: Viewer, user) -> None:
    for post in posts:
        visible = post.is_visible_to_all
        post.show_body = permissions.can_view_post_body(user, post)
        post.mod_can_edit = viewer.moderator and not post.is_deleted
        post.own_can_edit = (
            not viewer.moderator and viewer.can_post and not thread.is_locked and not post.is_deleted
        )
        post.can_flag = viewer.signed_in and visible
        post.can_react = viewer.can_post and visible and (viewer.moderator or not thread.is_locked)
        post.can_accept = viewer.can_accept and not post.is_first and visible
        post.reaction_list = [
            {
                "kind": kind,
                "label": label,
                "symbol": REACTION_SYMBOLS[kind],
                "count": post.reaction_counts.get(kind, 0),
            }
            for kind, label in ReactionKind.choices
        ]


def _render_posts(thread: Thread, posts: list[Post], viewer: Viewer, user) -> str:
    _decorate(thread, posts, viewer, user)
    return render_to_string(
        "forums/includes/post_list.html",
        {
            "thread": thread,
            "posts": posts,
            "moderator": viewer.moderator,
            "can_reply": viewer.can_reply,
            "m": MARK,
        },
    )


def post_list_html(user, thread: Thread, page: int, *, viewer: Viewer) -> str:
    """The posts of one page with their holes (filled with the rest of the page)."""
    posts = selectors.thread_posts_page(user, thread, page, moderator=viewer.moderator)
    return _render_posts(thread, posts, viewer, user)


def post_html_for(*, post: Post, thread: Thread, user, csrf_token: str, last_read: int) -> str:
    """One post exactly as `user` sees it on the thread page (for live updates: same partial, same
    permissions, holes filled). `post` should come with its author, quoted post and attachments."""
    viewer = viewer_for(user, thread)
    post.thread = thread
    html = _render_posts(thread, [post], viewer, user)
    mine = (
        set(Reaction.objects.filter(user=user, post=post).values_list("post_id", "kind"))
        if user.is_authenticated
        else set()
    )
    personal = Personal(
        user_id=user.pk if user.is_authenticated else None,
        last_read=last_read,
        mine=mine,
        token=lambda: csrf_token,
    )
    return fill(html, personal)


# THE WHOLE PAGE ----


def _page_key(request, thread: Thread, viewer: Viewer) -> str:
    parts = [
        str(thread.pk),
        str(thread.event_seq),
        str(thread.post_count),
        request.get_full_path(),
        get_language(),
        timezone.get_current_timezone_name(),
        viewer.key,
    ]
    return "forums:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def thread_page(
    request, thread: Thread, page: int, render, *, cacheable: bool = True
) -> tuple[HttpResponse, selectors.ViewerState]:
    """The thread page for this request's viewer, and the viewer's state in the thread (read up to,
    following...). `render(viewer, user)` renders the page with holes, `user` being the one to show
    (HoleUser for a signed-in viewer, so that one rendering serves all such viewers); it is called only
    when no cached rendering will do."""
    user = request.user
    viewer = viewer_for(user, thread)
    state = selectors.thread_viewer_state(user, thread, page)
    personal = Personal(token=lambda: get_token(request), last_read=state.last_read)
    if user.is_authenticated:
        personal.user_id = user.pk
        personal.name = user.public_name
        personal.bell = state.unread_notifications
        personal.flags = {
            "watching": state.watching,
            "notwatching": not state.watching,
            "unread": thread.post_count > state.last_read,
        }
        personal.mine = selectors.my_reactions_on_page(user, thread, page)
    shown_user = HoleUser() if user.is_authenticated and not user.is_staff else user
    cacheable = cacheable and not user.is_staff and not state.own_pending_on_page
    key = _page_key(request, thread, viewer) if cacheable else None
    stored = cache.get(key) if key else None
    if stored is not None:
        if isinstance(stored, str):  # stored filled for anonymous visitors but for the token
            return HttpResponse(stored.replace(CSRF_PLACEHOLDER, get_token(request))), state
        return HttpResponse(fill(stored, personal)), state
    response = render(viewer, shown_user)
    parts = split(response.content.decode())
    if key and response.status_code == 200:
        if user.is_authenticated:
            cache.set(key, parts, CACHE_SECONDS)
        else:
            cache.set(key, fill(parts, Personal(token=lambda: CSRF_PLACEHOLDER)), CACHE_SECONDS)
    return HttpResponse(fill(parts, personal), status=response.status_code), state
