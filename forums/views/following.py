"""Following (and no longer following) a thread, a board or a tag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import listings, selectors, services
from .access import board_or_refuse, safe_back, thread_or_refuse


def _watch_response(request, fallback: str, active: bool):
    messages.success(request, _("You follow this now.") if active else _("You no longer follow this."))
    return HttpResponseRedirect(safe_back(request) if request.POST.get("next") else fallback)


@login_required
@require_POST
def thread_watch(request, pk):
    thread = thread_or_refuse(request, pk)
    active = request.POST.get("active") == "1"
    services.watch_set(user=request.user, thread=thread, active=active)
    return _watch_response(request, thread.get_absolute_url(), active)


@login_required
@require_POST
def board_watch(request, slug):
    board = board_or_refuse(request, listings.board_by_slug(slug))
    active = request.POST.get("active") == "1"
    services.watch_set(user=request.user, board=board, active=active)
    return _watch_response(request, board.get_absolute_url(), active)


@login_required
@require_POST
def tag_watch(request, slug):
    tag = selectors.tag_by_slug(slug)
    if tag is None:
        raise Http404
    active = request.POST.get("active") == "1"
    services.watch_set(user=request.user, tag=tag, active=active)
    return _watch_response(request, reverse("forums:index"), active)
