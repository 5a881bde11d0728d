"""The "latest discussions" sections on the site home and on each community's home (see cop.sections).

What a section lists is shared: its threads, each rendered once (link, then board, replies and last
activity), are kept per version of the "forums" scope (cop.fragments), which every change to a thread
(its journal's forums.signals.thread_event, after commit) or a board replaces, of the "communities"
scope (which boards are public), per minute (the precision of the "5 minutes ago" they show) and per
kind of reader: on a community's home, everyone who may read the community (decided per request by
cop.permissions); on the site home, everyone who may read the same communities (cop.viewers.reading_kind:
not signed in, site staff, or a member of these communities and barred from those). Visitors who are not
signed in get the whole section from one fragment. A signed-in reader's "New" marks are theirs: read for
the threads shown under the version of their read marks (forums.notifications.read_marks), and put between
the kept pieces when the section is put together."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cop import viewers
from cop.fragments import FRAGMENT_SECONDS, fragment_key, render_one, scope_changed, scope_versions
from cop.permissions import can_view
from cop.sections import register_section
from cop.site_sections import CACHED_SECTION_TEMPLATE, COMMUNITIES_SCOPE

from . import notifications, selectors
from .models import Board, Thread
from .services import board_ensure_for_community
from .signals import FORUMS_SCOPE, read_marks_scope, thread_event

TEMPLATE = "forums/sections/latest_threads.html"
LINK_TEMPLATE = "forums/sections/thread_link.html"
META_TEMPLATE = "forums/sections/thread_meta.html"
HOME_THREADS = 6
COMMUNITY_THREADS = 5


def _minute() -> str:
    return timezone.now().strftime("%Y-%m-%dT%H:%M")


def _listed(threads, *, board_url: str | None) -> dict:
    """What a section shows, without the viewer's marks: each thread's id, post count (against which a
    reader's mark is compared) and rendered link and details."""
    show_board = board_url is None
    items = [
        (
            thread.pk,
            thread.post_count,
            render_to_string(LINK_TEMPLATE, {"thread": thread}).strip(),
            render_to_string(META_TEMPLATE, {"thread": thread, "show_board": show_board}).strip(),
        )
        for thread in threads
    ]
    return {"items": items, "board_url": board_url}


def _html(listed: dict, new: tuple[bool, ...] | None = None) -> str:
    """The section's text: the kept pieces, with a "New" mark on the items `new` names (none for
    visitors)."""
    new = new or (False,) * len(listed["items"])
    items = [
        {"link": mark_safe(link), "meta": mark_safe(meta), "new": is_new}  # noqa: S308 - our own templates
        for (_pk, _count, link, meta), is_new in zip(listed["items"], new, strict=True)
    ]
    return render_to_string(TEMPLATE, {"section": {"items": items, "board_url": listed["board_url"]}})


def _member_section(user, name: str, *parts, marks_version: str, load, hide_empty=False) -> dict | None:
    """A signed-in reader's section: the list kept for `parts` (kind of reader or community, scope
    versions, minute), `load()` when the cache does not hold it, and the reader's "New" marks read for
    its threads; the text is kept per list and marks (readers with the same marks share it). A list
    without threads shows nothing when `hide_empty`."""
    key = fragment_key(name, *parts)
    listed = cache.get(key)
    if listed is None:
        listed = load()
        cache.set(key, listed, FRAGMENT_SECONDS)
    if not listed["items"] and hide_empty:
        return None
    marks = notifications.read_marks(user, [item[0] for item in listed["items"]], marks_version)
    new = tuple(count > marks.get(pk, 0) for pk, count, _link, _meta in listed["items"])
    html = render_one(f"{name}-marked", *parts, new, render=lambda: _html(listed, new))
    return {"template": CACHED_SECTION_TEMPLATE, "html": html}


def _versions(user) -> tuple[list, list[str], str]:
    """The reader's membership rows, the forums' and communities' versions and their read marks'
    version, in one cache round trip (cop.viewers)."""
    rows, (*versions, marks_version) = viewers.memberships(
        user, FORUMS_SCOPE, COMMUNITIES_SCOPE, read_marks_scope(user.pk)
    )
    return rows, versions, marks_version


def _community_listed(community, user) -> dict:
    board = Board.objects.filter(community=community).first() or board_ensure_for_community(
        community=community
    )
    threads = selectors.latest_threads(user, community=community, limit=COMMUNITY_THREADS)
    return _listed(threads, board_url=board.get_absolute_url())


@register_section("community", order=20)
def community_discussions(request, community):
    user = request.user
    if not can_view(user, community):
        return None
    if not user.is_authenticated:
        versions = scope_versions(FORUMS_SCOPE, COMMUNITIES_SCOPE)
        html = render_one(
            "community-discussions-anonymous",
            *versions,
            _minute(),
            community.pk,
            render=lambda: _html(_community_listed(community, user)),
        )
        return {"template": CACHED_SECTION_TEMPLATE, "html": html}
    # Everyone who may read the community sees the same threads: the board's published, visible ones.
    _rows, versions, marks_version = _versions(user)
    return _member_section(
        user,
        "community-discussions",
        *versions,
        _minute(),
        community.pk,
        marks_version=marks_version,
        load=lambda: _community_listed(community, user),
    )


def _home_listed(user) -> dict:
    return _listed(selectors.latest_threads(user, limit=HOME_THREADS), board_url=None)


@register_section("home", order=20)
def home_discussions(request):
    user = request.user
    if not user.is_authenticated:
        versions = scope_versions(FORUMS_SCOPE, COMMUNITIES_SCOPE)

        def render() -> str:
            listed = _home_listed(user)
            return _html(listed) if listed["items"] else ""

        html = render_one("home-discussions-anonymous", *versions, _minute(), render=render)
        return {"template": CACHED_SECTION_TEMPLATE, "html": html} if html.strip() else None
    rows, versions, marks_version = _versions(user)
    return _member_section(
        user,
        "home-discussions",
        viewers.reading_kind(user, rows),
        *versions,
        _minute(),
        marks_version=marks_version,
        load=lambda: _home_listed(user),
        hide_empty=True,
    )


@receiver(thread_event, sender=Thread, dispatch_uid="forums_scope_thread_event")
@receiver(post_save, sender=Thread, dispatch_uid="forums_scope_thread_saved")
@receiver(post_delete, sender=Thread, dispatch_uid="forums_scope_thread_deleted")
@receiver(post_save, sender=Board, dispatch_uid="forums_scope_board_saved")
@receiver(post_delete, sender=Board, dispatch_uid="forums_scope_board_deleted")
def forums_changed(sender, **kwargs):
    scope_changed(FORUMS_SCOPE)
