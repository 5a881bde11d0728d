"""The "latest discussions" sections on the site home and on each community's home (see cop.sections).

Visitors who are not signed in all see the same threads (no "New" marks): their sections are rendered
once per version of the "forums" scope (cop.fragments), which every change to a thread (its journal's
forums.signals.thread_event, after commit), a board or a community (the "communities" scope: which
boards are public) replaces, and per minute, the precision of the "5 minutes ago" they show."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from cop.fragments import render_one, scope_changed, scope_versions
from cop.permissions import can_view
from cop.sections import register_section
from cop.site_sections import CACHED_SECTION_TEMPLATE, COMMUNITIES_SCOPE

from . import selectors
from .models import Board, Thread
from .services import board_ensure_for_community
from .signals import FORUMS_SCOPE, thread_event

TEMPLATE = "forums/sections/latest_threads.html"


def _cached(name: str, request, *parts, section) -> dict | None:
    """The section rendered once per scope versions, minute and `parts` for visitors not signed in."""

    def render() -> str:
        shown = section()
        return render_to_string(TEMPLATE, {"section": shown, "user": request.user}) if shown else ""

    minute = timezone.now().strftime("%Y-%m-%dT%H:%M")
    versions = scope_versions(FORUMS_SCOPE, COMMUNITIES_SCOPE)
    html = render_one(name, *versions, minute, *parts, render=render)
    return {"template": CACHED_SECTION_TEMPLATE, "html": html} if html.strip() else None


@register_section("community", order=20)
def community_discussions(request, community):
    if not can_view(request.user, community):
        return None

    def section():
        board = Board.objects.filter(community=community).first() or board_ensure_for_community(
            community=community
        )
        threads = selectors.latest_threads(request.user, community=community)
        return {"template": TEMPLATE, "threads": threads, "board": board, "community": community}

    if not request.user.is_authenticated:
        return _cached("community-discussions-anonymous", request, community.pk, section=section)
    return section()


@register_section("home", order=20)
def home_discussions(request):
    if not request.user.is_authenticated:
        return _cached("home-discussions-anonymous", request, section=lambda: _home_section(request))
    return _home_section(request)


def _home_section(request) -> dict | None:
    threads = selectors.latest_threads(request.user, limit=6)
    if not threads:
        return None
    return {"template": TEMPLATE, "threads": threads, "board": None}


@receiver(thread_event, sender=Thread, dispatch_uid="forums_scope_thread_event")
@receiver(post_save, sender=Thread, dispatch_uid="forums_scope_thread_saved")
@receiver(post_delete, sender=Thread, dispatch_uid="forums_scope_thread_deleted")
@receiver(post_save, sender=Board, dispatch_uid="forums_scope_board_saved")
@receiver(post_delete, sender=Board, dispatch_uid="forums_scope_board_deleted")
def forums_changed(sender, **kwargs):
    scope_changed(FORUMS_SCOPE)
