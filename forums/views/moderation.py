"""Moderators' actions on posts and threads, and the moderation queues with their flags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import listings, permissions, selectors, services
from ..exceptions import ForumError
from ..forms import FlagResolveForm, MoveForm
from ..models import Board, Flag, ModerationAction
from .access import board_or_refuse, crumbs, post_or_refuse, post_url, posted, safe_back, thread_or_refuse


@login_required
@require_POST
def post_moderate(request, pk):
    post = post_or_refuse(request, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:300]
    if action == "hide":
        services.post_set_hidden(post=post, moderator=request.user, hidden=True, reason=reason)
        messages.success(request, _("The post is hidden."))
    elif action == "unhide":
        services.post_set_hidden(post=post, moderator=request.user, hidden=False, reason=reason)
        messages.success(request, _("The post is visible again."))
    elif action == "approve":
        services.post_approve(post=post, moderator=request.user)
        messages.success(request, _("The post is published."))
    elif action == "reject":
        services.post_reject(post=post, moderator=request.user, reason=reason)
        messages.success(request, _("The post was rejected."))
        return HttpResponseRedirect(safe_back(request))
    else:
        raise ForumError(_("Unknown moderation action."))
    return HttpResponseRedirect(post_url(post))


THREAD_ACTIONS = {
    "pin": ModerationAction.PIN,
    "unpin": ModerationAction.UNPIN,
    "lock": ModerationAction.LOCK,
    "unlock": ModerationAction.UNLOCK,
    "close": ModerationAction.CLOSE,
    "reopen": ModerationAction.REOPEN,
    "hide": ModerationAction.HIDE_THREAD,
    "unhide": ModerationAction.UNHIDE_THREAD,
}


@login_required
@require_POST
def thread_moderate(request, pk):
    thread = thread_or_refuse(request, pk)
    action = THREAD_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise ForumError(_("Unknown moderation action."))
    services.thread_moderate(
        thread=thread, moderator=request.user, action=action, reason=request.POST.get("reason", "")[:300]
    )
    messages.success(request, ModerationAction(action).label)
    return redirect(thread)


@login_required
def thread_move(request, pk):
    thread = thread_or_refuse(request, pk)
    if not permissions.can_moderate_board(request.user, thread.board):
        raise PermissionDenied(_("Only this board's moderators can move its threads."))
    boards = [b for b in selectors.moderated_boards(request.user) if b.pk != thread.board_id]
    form = MoveForm(posted(request), boards=boards)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            target = Board.objects.select_related("community").get(pk=form.cleaned_data["board"])
            services.thread_move(
                thread=thread, moderator=request.user, board=target, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The thread was moved to “%(board)s”.") % {"board": target.name})
            return redirect(thread)
    return render(request, "forums/thread_move.html", {"thread": thread, "form": form}, status=status)


def _queue(request, boards, title, board=None):
    flags = list(selectors.open_flags(boards))
    by_post: dict[int, dict] = {}
    for flag in flags:
        entry = by_post.setdefault(flag.post_id, {"post": flag.post, "flags": [], "first": flag})
        entry["flags"].append(flag)
    return render(
        request,
        "forums/moderation_queue.html",
        {
            "title": title,
            "board": board,
            "flagged": list(by_post.values()),
            "pending": list(selectors.pending_posts(boards)),
            "log": selectors.moderation_log(boards),
            "resolve_form": FlagResolveForm(),
            "breadcrumbs": crumbs((title, request.path)),
        },
    )


@login_required
def board_queue(request, slug):
    board = board_or_refuse(request, listings.board_by_slug(slug))
    if not permissions.can_moderate_board(request.user, board):
        raise PermissionDenied(_("Only this board's moderators can open its moderation queue."))
    return _queue(request, [board], _("Moderation: %(board)s") % {"board": board.name}, board=board)


@login_required
def global_queue(request):
    if not permissions.is_site_staff(request.user):
        raise PermissionDenied(_("Only site staff can open the site-wide moderation queue."))
    return _queue(request, None, _("Moderation: all boards"))


@login_required
@require_POST
def flag_resolve(request, pk):
    flag = Flag.objects.select_related("post__thread__board__community").filter(pk=pk).first()
    if flag is None:
        raise Http404
    if not permissions.can_moderate_board(request.user, flag.post.thread.board):
        raise PermissionDenied(_("Only this board's moderators can handle its flags."))
    form = FlagResolveForm(request.POST)
    if not form.is_valid():
        raise ForumError(_("Choose keep, hide or remove."))
    with transaction.atomic():
        services.flag_resolve(flag=flag, moderator=request.user, **form.cleaned_data)
    messages.success(request, _("The flag was handled."))
    return HttpResponseRedirect(safe_back(request))
