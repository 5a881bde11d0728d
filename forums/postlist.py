"""The thread page's posts: each post rendered once per state of what it shows and kept (cop.fragments).

A post's fragment is keyed on everything it shows: the post's version and state, its reaction counts,
its author's and quoted post's names, the thread state it shows (locked, closed, the accepted answer), the
time zone, the kind of viewer (Viewer.key: what they may see and do) and the viewer's relation to the post
(`relation`: their own post with its edit links, someone else's with a flag link, or someone else's not
read yet, marked new) with the viewer's own reactions on it; cop.fragments adds the language and the code
version. A viewer's page is assembled from fragments that many viewers share, and nothing is replaced
inside a fragment. The CSRF token is in no fragment: a post's buttons submit the page's one form
(FORM_ID, through HTML's form and formaction attributes), rendered per request around the fragments.

Live thread events (forums.live.threads) use the same renderer with relation LIVE: the author's controls
and everyone else's (flag, "new") in <template data-live-own/-other="author id"> for the page's script.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cop.fragments import render_many, render_one

from . import permissions, thread_page
from .forms import ReplyForm, attachment_formset
from .models import Attachment, Post, ReactionKind, Thread
from .models.threads import REACTION_SYMBOLS

# The page's one form that the posts' buttons submit (it holds the CSRF token).
FORM_ID = "post-actions"

# A viewer's relation to a post (the part of a fragment's key that is about this viewer and this post).
ANONYMOUS, OWN, OTHER, NEW, LIVE, LIVE_NEW = "", "own", "other", "new", "live", "live-new"


@dataclass(frozen=True)
class Viewer:
    """What the posts show besides the thread's and the post's own state: the same for many people."""

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


def relation_to(post: Post, *, user_id: int | None, last_read: int) -> str:
    if user_id is None:
        return ANONYMOUS
    if post.author_id == user_id:
        return OWN
    return NEW if post.number > last_read else OTHER


@dataclass(frozen=True)
class _Item:
    post: Post
    relation: str
    mine: tuple  # the kinds of the viewer's own reactions on the post, sorted
    show_body: bool
    author_name: str
    quoted_author_name: str | None


def _parts(thread: Thread, viewer: Viewer, zone: str):
    def parts(item: _Item) -> tuple:
        post, quoted = item.post, item.post.quoted_post
        return (
            post.pk,
            post.version,
            post.status,
            post.is_hidden,
            post.is_deleted,
            post.edited_at,
            post.html,  # re-rendered in place by forums.rendering.posts_rerender, without a new version
            sorted(post.reaction_counts.items()),
            item.author_name,
            (quoted.pk, quoted.number, item.quoted_author_name) if quoted is not None else None,
            thread.pk,
            thread.accepted_answer_id,
            thread.is_locked,
            thread.is_closed,
            zone,
            viewer.key,
            item.relation,
            item.mine,
            item.show_body,
        )

    return parts


def _prefetch_attachments(items: list[_Item]) -> None:
    """Attachments are read only for the posts to render (they change only with a new version)."""
    prefetch_related_objects(
        [item.post for item in items], Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def _render(thread: Thread, viewer: Viewer):
    def render(item: _Item) -> str:
        post = item.post
        visible = post.is_visible_to_all
        relation = item.relation
        live = relation in (LIVE, LIVE_NEW)
        return render_to_string(
            "forums/includes/post.html",
            {
                "post": post,
                "author_name": item.author_name,
                "quoted_author_name": item.quoted_author_name,
                "thread": thread,
                "moderator": viewer.moderator,
                "can_reply": viewer.can_reply,
                "form_id": FORM_ID,
                "live": live,
                "is_new": relation == NEW,
                "live_new": relation == LIVE_NEW,
                "own_controls": relation == OWN or live,
                "other_controls": relation in (OTHER, NEW) or live,
                "show_body": item.show_body,
                "mod_can_edit": viewer.moderator and not post.is_deleted,
                "own_can_edit": (
                    not viewer.moderator and viewer.can_post and not thread.is_locked and not post.is_deleted
                ),
                "can_flag": viewer.signed_in and visible,
                "can_react": viewer.can_post and visible and (viewer.moderator or not thread.is_locked),
                "can_accept": viewer.can_accept and not post.is_first and visible,
                "reactions": [
                    {
                        "kind": kind,
                        "label": label,
                        "symbol": REACTION_SYMBOLS[kind],
                        "count": post.reaction_counts.get(kind, 0),
                        "mine": kind in item.mine,
                    }
                    for kind, label in ReactionKind.choices
                ],
            },
        )

    return render


def render_posts(
    posts: list[Post],
    thread: Thread,
    user,
    *,
    viewer: Viewer,
    relations: list[str],
    mine: dict,
    names: dict[int, str],
) -> list[SafeString]:
    """Each post's fragment, in order, as `user` (of kind `viewer`) sees it with `relations[i]` to the
    i-th post and `mine` (post id: kinds) their reactions; posts come with their quoted post, `names` has
    the public name of their authors and of the quoted posts' authors (by user id)."""
    items = [
        _Item(
            post,
            relation,
            tuple(sorted(mine.get(post.pk, ()))),
            permissions.can_view_post_body(user, post),
            names[post.author_id],
            names[post.quoted_post.author_id] if post.quoted_post is not None else None,
        )
        for post, relation in zip(posts, relations, strict=True)
    ]
    zone = timezone.get_current_timezone_name()
    return render_many(
        "forums-post",
        items,
        parts=_parts(thread, viewer, zone),
        render=_render(thread, viewer),
        prepare=_prefetch_attachments,
    )


def page_posts_html(user, thread: Thread, page: int, *, viewer: Viewer, last_read: int) -> SafeString:
    """One page of the thread's posts as `user` sees them: the posts, the viewer's reactions on them (when
    signed in) and the fragments the cache lacks (with their attachments). Anonymous visitors all see a
    page alike: the whole list is kept too, per state of the thread, as long as the page's posts are
    (thread_page.PAGE_POSTS_SECONDS: the authors' names it shows are not in its key)."""
    user_id = user.pk if user.is_authenticated else None
    if user_id is None:
        state = (
            thread.pk,
            thread.event_seq,
            thread.post_count,
            page,
            viewer.key,
            timezone.get_current_timezone_name(),
        )
        return render_many(
            "forums-page-for-anonymous",
            [page],
            parts=lambda _page: state,
            render=lambda _page: _page_posts_html(
                user, thread, page, viewer=viewer, user_id=None, last_read=0
            ),
            seconds=thread_page.PAGE_POSTS_SECONDS,
        )[0]
    return _page_posts_html(user, thread, page, viewer=viewer, user_id=user_id, last_read=last_read)


def _page_posts_html(
    user, thread: Thread, page: int, *, viewer: Viewer, user_id, last_read: int
) -> SafeString:
    page_posts = thread_page.page_posts(thread, page)
    posts = thread_page.visible_posts(page_posts.posts, user, moderator=viewer.moderator)
    mine = thread_page.my_reactions_on_page(user, thread, page) if user_id is not None else {}
    relations = [relation_to(post, user_id=user_id, last_read=last_read) for post in posts]
    fragments = render_posts(
        posts, thread, user, viewer=viewer, relations=relations, mine=mine, names=page_posts.names
    )
    return mark_safe("".join(fragments))  # noqa: S308 - fragments of our own templates


def live_post_html(post: Post, thread: Thread, user, *, is_new: bool) -> str:
    """One post as every viewer of `user`'s kind sees it on the thread page, with what differs per person
    left to the page's script (static/js/live.js): the author's own controls in <template
    data-live-own="author id">, other people's (flag, and the "new" badge of a new post) in <template
    data-live-other="author id">; for anonymous visitors neither. `post` comes with its author and quoted
    post; its reactions are shown as nobody's (the page keeps the viewer's pressed)."""
    post.thread = thread
    viewer = viewer_for(user, thread)
    relation = (LIVE_NEW if is_new else LIVE) if user.is_authenticated else ANONYMOUS
    names = {post.author_id: post.author.public_name}
    if post.quoted_post is not None:
        names[post.quoted_post.author_id] = post.quoted_post.author.public_name
    return str(
        render_posts([post], thread, user, viewer=viewer, relations=[relation], mine={}, names=names)[0]
    )


def thread_head_html(thread: Thread) -> SafeString:
    """The thread's title, badges, board, category, tags and targets, kept per state of the thread (its
    event_seq moves with every change to them through forums.services) and language."""

    def parts(thread: Thread) -> tuple:
        board = thread.board
        flags = (thread.is_pinned, thread.is_locked, thread.is_closed, thread.is_hidden)
        return (
            thread.pk,
            thread.event_seq,
            thread.title,
            thread.kind,
            thread.status,
            *flags,
            thread.accepted_answer_id,
            thread.category_id,
            board.pk,
            board.name,
            board.slug,
        )

    def render(thread: Thread) -> str:
        return render_to_string("forums/includes/thread_head.html", {"thread": thread, "board": thread.board})

    def prepare(threads: list[Thread]) -> None:
        prefetch_related_objects(threads, "tags", "gbf_targets")

    return render_many("forums-thread-head", [thread], parts=parts, render=render, prepare=prepare)[0]


def reply_fields_html() -> SafeString:
    """The fields of the empty reply form with its attachment slots (the form element, with its address and
    CSRF token, is the page's): the same for every thread and viewer, kept per language."""

    def render(_item) -> str:
        context = {"reply_form": ReplyForm(), "formset": attachment_formset()}
        return render_to_string("forums/includes/reply_fields.html", context)

    return render_many("forums-reply-fields", [None], parts=lambda _item: (), render=render)[0]


def thread_pagination_html(page: int, total: int, links: list) -> SafeString:
    """The thread's page links (shown above and below its posts): the same for every thread at that page
    of that many pages, kept per language (`links` follow from both)."""

    def render() -> str:
        context = {"page": page, "page_total": total, "page_links": links}
        return render_to_string("forums/includes/thread_pagination.html", context)

    return render_one("forums-thread-pagination", page, total, render=render)
