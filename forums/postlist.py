"""A page of posts as HTML: rendered once per thread state and kind of viewer, then personalised per
request by string substitution (the viewer's own posts, reactions, "new" markers, CSRF token).

The rendered block is cached under the thread's event sequence and post count: every visible change
to a thread goes through forums.services, which bumps one or the other, so a cached page never outlives
the state it shows (display names may lag by CACHE_SECONDS). Moderators, signed-in members and
anonymous visitors get different blocks (what they may see and do differs), and a viewer with a post
of their own waiting for approval on the page gets a fresh render (only they may see it).
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from . import permissions, selectors
from .models import Post, PostStatus, Reaction, ReactionKind, Thread
from .models.threads import REACTION_SYMBOLS

CACHE_SECONDS = 600

# Placeholders carry a prefix derived from the secret key, so that text in a post or a display name
# can never pose as one (section markers are HTML comments, which the sanitiser strips from posts).
MARK = hashlib.sha256(f"forums.postlist:{settings.SECRET_KEY}".encode()).hexdigest()[:12]
_MARKERS = re.compile(
    r"<!--(?P<section>own|other|new):(?P<number>\d+):(?P<author>\d+)\[-->(?P<inner>.*?)<!--\]-->"
    rf"|__{MARK}(?P<token>CSRF)__"
    rf"|__{MARK}(?P<placeholder>RP|RO|NC):(?P<id>\d+):(?P<value>[a-z0-9]+)__",
    re.S,
)


@dataclass(frozen=True)
class Viewer:
    """What the post list depends on besides the thread: the same for many people."""

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


def _render(request, thread: Thread, page: int, viewer: Viewer) -> str:
    posts = selectors.thread_posts_page(request.user, thread, page, moderator=viewer.moderator)
    _decorate(thread, posts, viewer, request.user)
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


def _has_own_pending(user, thread: Thread, page: int) -> bool:
    first = (page - 1) * selectors.POSTS_PER_PAGE + 1
    return Post.objects.filter(
        thread=thread,
        author=user,
        status=PostStatus.PENDING,
        number__gte=first,
        number__lt=first + selectors.POSTS_PER_PAGE,
    ).exists()


def _personalise(html: str, request, *, mine: set, last_read: int) -> str:
    return personalise(
        html, user=request.user, token=lambda: get_token(request), mine=mine, last_read=last_read
    )


def personalise(html: str, *, user, token, mine: set, last_read: int) -> str:
    """Fills the per-person markers of a rendered post list for `user`; `token()` gives the CSRF token."""
    user_id = user.pk if user.is_authenticated else None
    state = {"token": None}

    def csrf() -> str:
        if state["token"] is None:
            state["token"] = token()
        return state["token"]

    def replace(match: re.Match) -> str:
        section = match.group("section")
        if section:
            author = int(match.group("author"))
            if section == "own":
                keep = author == user_id
            elif section == "other":
                keep = user_id is not None and author != user_id
            else:
                keep = user_id is not None and author != user_id and int(match.group("number")) > last_read
            return match.group("inner") if keep else ""
        if match.group("token"):
            return csrf()
        placeholder, ident, value = match.group("placeholder"), int(match.group("id")), match.group("value")
        if placeholder == "RP":
            return "true" if (ident, value) in mine else "false"
        if placeholder == "RO":
            return "remove" if (ident, value) in mine else "add"
        author = int(value)  # NC: the "new" class on a post, by its number and author
        is_new = user_id is not None and author != user_id and ident > last_read
        return "post--new" if is_new else ""

    return _MARKERS.sub(replace, html)


CSRF_PLACEHOLDER = f"__{MARK}CSRF__"


def _fill_token(html: str, request) -> str:
    if CSRF_PLACEHOLDER not in html:
        return html
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


def anonymous_page(request, thread: Thread, render_page) -> HttpResponse:
    """The whole thread page for a visitor who is not signed in, cached by thread state, page, language
    and time zone (only the CSRF token differs between such visitors, filled in when served)."""
    key = (
        "forums:anon:"
        + hashlib.sha256(
            "|".join(
                [
                    str(thread.pk),
                    str(thread.event_seq),
                    str(thread.post_count),
                    get_language(),
                    timezone.get_current_timezone_name(),
                    request.get_full_path(),
                ]
            ).encode()
        ).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        response = render_page()
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, CACHE_SECONDS)
    return HttpResponse(_fill_token(html, request))


def reply_form_html(request, thread: Thread, render_form) -> str:
    """The empty reply form (with its attachment slots) is the same for every member: rendered once per
    thread and language, with the CSRF token filled in per request."""
    key = f"forums:replyform:{thread.pk}:{thread.board.slug}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_form(CSRF_PLACEHOLDER)
        cache.set(key, html, CACHE_SECONDS)
    return _fill_token(html, request)


def post_list_html(request, thread: Thread, page: int, *, viewer: Viewer, last_read: int) -> str:
    """The posts of one page, as this viewer sees them."""
    user = request.user
    fresh = user.is_authenticated and not viewer.moderator and _has_own_pending(user, thread, page)
    key = f"forums:posts:{thread.pk}:{thread.event_seq}:{thread.post_count}:{page}:{get_language()}:{viewer.key}"
    html = None if fresh else cache.get(key)
    if html is None:
        html = _render(request, thread, page, viewer)
        if not fresh:
            cache.set(key, html, CACHE_SECONDS)
    mine = selectors.my_reactions_on_page(user, thread, page) if user.is_authenticated else set()
    return _personalise(html, request, mine=mine, last_read=last_read)


def post_html_for(*, post: Post, thread: Thread, user, csrf_token: str, last_read: int) -> str:
    """One post exactly as `user` sees it on the thread page (for live updates: same partial, same
    permissions, markers filled). `post` should come with its author, quoted post and attachments."""
    viewer = viewer_for(user, thread)
    post.thread = thread
    _decorate(thread, [post], viewer, user)
    html = render_to_string(
        "forums/includes/post_list.html",
        {
            "thread": thread,
            "posts": [post],
            "moderator": viewer.moderator,
            "can_reply": viewer.can_reply,
            "m": MARK,
        },
    )
    mine = (
        set(Reaction.objects.filter(user=user, post=post).values_list("post_id", "kind"))
        if user.is_authenticated
        else set()
    )
    return personalise(html, user=user, token=lambda: csrf_token, mine=mine, last_read=last_read)
