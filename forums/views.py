"""Thin views: read through selectors, write through services. A refused action (forums.exceptions)
becomes the refused page at the edge (cop.edge), or a message on a form shown again. Every page works
without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cop.converters import parse_id
from cop.edge import with_retry_after
from cop.text import printable_text

from . import permissions, postlist, selectors, services
from .exceptions import ForumError, StaleEdit
from .filters import ThreadFilter
from .forms import (
    EditPostForm,
    FlagForm,
    FlagResolveForm,
    MoveForm,
    NotificationSettingsForm,
    ReasonForm,
    ReplyForm,
    ThreadForm,
    attachment_formset,
    uploads_from,
)
from .models import (
    Attachment,
    Board,
    Flag,
    ModerationAction,
    Notification,
    Post,
    Thread,
)
from .rendering import quote_markdown
from .tokens import user_from_unsubscribe_token


def _safe_back(request) -> str:
    back = request.POST.get("next") or request.GET.get("next") or request.headers.get("referer", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("forums:index")


def _posted(request):
    """The submitted data on POST (even when empty, so that the form is bound and says what is missing)."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _crumbs(*items) -> list[dict]:
    return [
        {"title": _("Forums"), "url": reverse("forums:index")},
        *({"title": t, "url": u} for t, u in items),
    ]


# ACCESS ----


def _board_or_refuse(request, board: Board | None) -> Board:
    if board is None:
        raise Http404
    if permissions.can_view_board(request.user, board):
        return board
    if permissions.can_see_board_listing(request.user, board):
        raise PermissionDenied(
            _("The discussions of “%(name)s” are for its members. Join the community to read them.")
            % {"name": board.community.title}
        )
    raise Http404


def _thread_or_refuse(request, pk: int) -> Thread:
    thread = selectors.thread_for_page(pk)
    if thread is None:
        raise Http404
    _board_or_refuse(request, thread.board)
    if not permissions.can_view_thread(request.user, thread):
        raise Http404
    return thread


def _post_or_refuse(request, pk: int) -> Post:
    post = (
        Post.objects.select_related("thread", "thread__board", "thread__board__community", "author")
        .filter(pk=pk)
        .first()
    )
    if post is None:
        raise Http404
    _board_or_refuse(request, post.thread.board)
    if not permissions.can_view_thread(request.user, post.thread):
        raise Http404
    if post.is_pending and not permissions.can_view_post_body(request.user, post):
        raise Http404
    return post


# INDEX AND BOARDS ----


def index(request):
    """Site forums, then the boards of every community the visitor may read."""
    boards = selectors.boards_for_index(request.user)
    return render(
        request,
        "forums/index.html",
        {
            "site_boards": [b for b in boards if b.is_site_forum],
            "community_boards": [b for b in boards if not b.is_site_forum],
            "moderated": selectors.moderated_boards(request.user) if request.user.is_authenticated else [],
            "is_staff": permissions.is_site_staff(request.user),
            "breadcrumbs": [],
        },
    )


def board(request, slug):
    board = _board_or_refuse(request, selectors.board_by_slug(slug))
    moderator = permissions.can_moderate_board(request.user, board)
    filterset = ThreadFilter(request.GET or None)
    if invalid := filterset.invalid_labels():
        messages.warning(
            request,
            _("These filters are not valid and were ignored: %(filters)s.") % {"filters": ", ".join(invalid)},
        )
    params = filterset.valid_values()
    threads = selectors.board_threads(request.user, board, moderator=moderator, filters=request.GET)
    paginator = Paginator(threads, selectors.THREADS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number (PageNotAnInteger) or out of range (EmptyPage)
        raise Http404 from None
    query = request.GET.copy()
    query.pop("page", None)
    tag = selectors.tag_by_slug(params["tag"]) if params.get("tag") else None
    return render(
        request,
        "forums/board.html",
        {
            "board": board,
            "page_obj": page,
            "threads": page.object_list,
            "filters": filterset.form,
            "querystring": query.urlencode(),
            "moderator": moderator,
            "can_post": permissions.can_post_in_board(request.user, board),
            "watching": selectors.watch_state(request.user, board=board),
            "tag": tag,
            "watching_tag": selectors.watch_state(request.user, tag=tag) if tag else False,
            "tags": selectors.popular_tags(board),
            "breadcrumbs": _crumbs((board.name, board.get_absolute_url())),
        },
    )


@login_required
def thread_create(request, slug):
    board = _board_or_refuse(request, selectors.board_by_slug(slug))
    if not permissions.can_post_in_board(request.user, board):
        permissions.require_can_post(request.user, board)
    form = ThreadForm(_posted(request), board=board)
    formset = attachment_formset(_posted(request), _files(request))
    status, refusal = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                thread = services.thread_create(
                    board=board,
                    author=request.user,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    tags=data.get("tags") or [],
                    gbf_targets=data.get("gbf_targets") or [],
                    category=data.get("category"),
                    attachments=uploads_from(formset),
                )
            except ForumError as exc:
                form.add_error(None, exc.message)
                status, refusal = exc.status, exc
            else:
                if thread.is_pending:
                    messages.info(request, _("Thanks! Your thread will appear once a moderator approves it."))
                else:
                    messages.success(request, _("Your thread was published."))
                return redirect(thread)
    response = render(
        request,
        "forums/thread_form.html",
        {
            "board": board,
            "form": form,
            "formset": formset,
            "breadcrumbs": _crumbs((board.name, board.get_absolute_url()), (_("New thread"), request.path)),
        },
        status=status,
    )
    return with_retry_after(response, refusal)


# THREAD PAGE ----


def _page_links(current: int, total: int) -> list[int | None]:
    """Page numbers to link: first, last and the neighbours of the current page; None marks a gap."""
    wanted = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
    links: list[int | None] = []
    for number in wanted:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def _thread_page(request, thread: Thread, *, reply_form=None, formset=None, status=200, cacheable=False):
    """The thread page, rendered with holes for the viewer's own parts (forums.postlist): the plain
    page is cached for all viewers of the same kind; a page with a form's errors is only filled."""
    total = selectors.page_count(thread)
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404 from None
    if page < 1 or page > total:
        raise Http404

    def render_page(viewer, shown_user):
        prefetch_related_objects([thread], "tags", "gbf_targets")
        board = thread.board
        return render(
            request,
            "forums/thread.html",
            {
                "thread": thread,
                "board": board,
                "user": shown_user,
                "m": postlist.MARK,
                "csrf_token": postlist.CSRF_PLACEHOLDER,
                "posts_html": postlist.post_list_html(request.user, thread, page, viewer=viewer),
                "page": page,
                "page_total": total,
                "page_links": _page_links(page, total),
                "moderator": viewer.moderator,
                "can_post": viewer.can_post,
                "can_reply": viewer.can_reply,
                "reply_form": reply_form if reply_form is not None else ReplyForm(),
                "formset": formset if formset is not None else attachment_formset(),
                "can_accept": viewer.can_accept,
                "reason_form": ReasonForm(),
                "breadcrumbs": _crumbs(
                    (board.name, board.get_absolute_url()), (thread.title, thread.get_absolute_url())
                ),
            },
            status=status,
        )

    response, state = postlist.thread_page(request, thread, page, render_page, cacheable=cacheable)
    last_on_page = min(page * selectors.POSTS_PER_PAGE, thread.post_count)
    if request.user.is_authenticated and response.status_code == 200 and last_on_page > state.last_read:
        services.read_mark(user=request.user, thread=thread, number=last_on_page)
    return response


def thread(request, pk):
    thread = _thread_or_refuse(request, pk)
    # Only the plain page (and its ?page=N) is cached, so stray parameters cannot fill the cache.
    cacheable = not messages.get_messages(request) and not set(request.GET) - {"page"}
    return _thread_page(request, thread, cacheable=cacheable)


def _post_url(post: Post) -> str:
    page = selectors.page_of_number(post.number)
    url = post.thread.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return f"{url}#post-{post.number}"


def post_permalink(request, pk):
    """The stable address of a post: opens the thread on the page that holds it."""
    post = _post_or_refuse(request, pk)
    return HttpResponseRedirect(_post_url(post))


@login_required
def thread_unread(request, pk):
    """Jumps to the first post the user has not read yet (or the last one when all are read)."""
    thread = _thread_or_refuse(request, pk)
    number = selectors.first_unread_number(request.user, thread) or thread.post_count
    post = Post(thread=thread, number=max(number, 1))
    return HttpResponseRedirect(_post_url(post))


@login_required
@require_POST
def reply(request, pk):
    thread = _thread_or_refuse(request, pk)
    permissions.require_can_reply(request.user, thread)
    form = ReplyForm(request.POST)
    formset = attachment_formset(request.POST, request.FILES)
    if not (form.is_valid() and formset.is_valid()):
        return _thread_page(request, thread, reply_form=form, formset=formset, status=400)
    quoted = None
    if form.cleaned_data.get("quote"):
        quoted = Post.objects.filter(pk=form.cleaned_data["quote"], thread=thread).first()
    try:
        post = services.post_create(
            thread=thread,
            author=request.user,
            body=form.cleaned_data["body"],
            quoted_post=quoted,
            attachments=uploads_from(formset),
        )
    except ForumError as exc:
        form.add_error(None, exc.message)
        response = _thread_page(
            request, thread, reply_form=form, formset=attachment_formset(), status=exc.status
        )
        return with_retry_after(response, exc)
    if post.is_pending:
        messages.info(request, _("Thanks! Your reply will appear once a moderator approves it."))
    else:
        messages.success(request, _("Your reply was posted."))
    post.thread = thread
    return HttpResponseRedirect(_post_url(post))


@login_required
def reply_form(request, pk):
    """The reply form on its own page, pre-filled with a quote (used without JavaScript)."""
    thread = _thread_or_refuse(request, pk)
    permissions.require_can_reply(request.user, thread)
    initial = {}
    quoted = None
    quote_id = parse_id(request.GET.get("quote"))
    if quote_id is not None:
        quoted = (
            Post.objects.select_related("author", "thread__board").filter(pk=quote_id, thread=thread).first()
        )
        if quoted is not None and permissions.can_view_post_body(request.user, quoted):
            initial = {"body": quote_markdown(quoted.author.public_name, quoted.body), "quote": quoted.pk}
    return render(
        request,
        "forums/reply_form.html",
        {
            "thread": thread,
            "reply_form": ReplyForm(initial=initial),
            "formset": attachment_formset(),
            "quoted": quoted,
            "breadcrumbs": _crumbs(
                (thread.board.name, thread.board.get_absolute_url()),
                (thread.title, thread.get_absolute_url()),
            ),
        },
    )


# POSTS ----


@login_required
def post_edit(request, pk):
    post = _post_or_refuse(request, pk)
    permissions.require_can_edit(request.user, post)
    thread = post.thread if post.is_first else None  # the first post carries the thread's details
    initial = {"body": post.body, "version": post.version}
    if thread is not None:
        initial |= {
            "title": thread.title,
            "category": thread.category_id,
            "tags": list(thread.tags.all()),
            "gbf_targets": list(thread.gbf_targets.all()),
        }
    form = EditPostForm(_posted(request), initial=initial, thread=thread)
    status, current = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            details = {}
            if thread is not None:
                details = {
                    "title": form.cleaned_data["title"],
                    "tags": form.cleaned_data["tags"],
                    "gbf_targets": form.cleaned_data["gbf_targets"],
                }
                if "category" in form.fields:
                    details["category"] = form.cleaned_data["category"]
            try:
                services.post_edit(
                    post=post,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    expected_version=form.cleaned_data["version"],
                    **details,
                )
            except StaleEdit as exc:
                current = Post.objects.get(pk=post.pk)
                data = request.POST.copy()
                data["version"] = current.version  # saving again knowingly replaces the newer version
                form = EditPostForm(data, thread=thread)
                form.is_valid()
                form.add_error(None, exc.message)
                status = exc.status
            except ForumError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your changes were saved."))
                return HttpResponseRedirect(_post_url(post))
    return render(
        request,
        "forums/post_edit.html",
        {
            "post": post,
            "form": form,
            "current": current,
            "breadcrumbs": _crumbs(
                (post.thread.board.name, post.thread.board.get_absolute_url()),
                (post.thread.title, post.thread.get_absolute_url()),
            ),
        },
        status=status,
    )


@login_required
def post_delete(request, pk):
    post = _post_or_refuse(request, pk)
    permissions.require_can_edit(request.user, post)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.post_delete(post=post, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The post was removed."))
        return HttpResponseRedirect(_post_url(post))
    return render(
        request,
        "forums/post_delete.html",
        {
            "post": post,
            "form": form,
            "moderator": permissions.can_moderate_board(request.user, post.thread.board),
        },
    )


@login_required
def post_history(request, pk):
    post = _post_or_refuse(request, pk)
    if not permissions.can_see_history(request.user, post):
        raise PermissionDenied(_("Only moderators can read the edit history."))
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "revisions": selectors.post_revisions(post),
            "breadcrumbs": _crumbs(
                (post.thread.board.name, post.thread.board.get_absolute_url()),
                (post.thread.title, post.thread.get_absolute_url()),
            ),
        },
    )


@login_required
@require_POST
def post_react(request, pk):
    post = _post_or_refuse(request, pk)
    kind = request.POST.get("kind", "")
    if request.POST.get("op") == "remove":
        services.reaction_remove(post=post, user=request.user, kind=kind)
    else:
        services.reaction_add(post=post, user=request.user, kind=kind)
    return HttpResponseRedirect(_post_url(post))


@login_required
def post_flag(request, pk):
    post = _post_or_refuse(request, pk)
    form = FlagForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.flag_create(
                post=post,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
            messages.success(request, _("Thank you. A moderator will look at this post."))
            return HttpResponseRedirect(_post_url(post))
    elif not permissions.can_flag(request.user, post):
        raise PermissionDenied(_("You cannot flag this post."))
    return render(request, "forums/flag_form.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def post_moderate(request, pk):
    post = _post_or_refuse(request, pk)
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
        return HttpResponseRedirect(_safe_back(request))
    else:
        raise ForumError(_("Unknown moderation action."))
    return HttpResponseRedirect(_post_url(post))


@login_required
@require_POST
def post_accept(request, pk):
    post = _post_or_refuse(request, pk)
    services.answer_accept(post=post, actor=request.user)
    messages.success(request, _("Marked as the accepted answer."))
    return HttpResponseRedirect(_post_url(post))


@login_required
@require_POST
def thread_unaccept(request, pk):
    thread = _thread_or_refuse(request, pk)
    services.answer_unaccept(thread=thread, actor=request.user)
    return redirect(thread)


def attachment(request, pk, name):
    """Serves an attachment after the same checks as its post (members-only files stay private)."""
    item = (
        Attachment.objects.select_related("post", "post__thread", "post__thread__board__community")
        .filter(pk=pk)
        .first()
    )
    if item is None or item.original_name != name:
        raise Http404
    post = _post_or_refuse(request, item.post_id)
    if not permissions.can_view_post_body(request.user, post):
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# THREAD MODERATION ----

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
    thread = _thread_or_refuse(request, pk)
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
    thread = _thread_or_refuse(request, pk)
    if not permissions.can_moderate_board(request.user, thread.board):
        raise PermissionDenied(_("Only this board's moderators can move its threads."))
    boards = [b for b in selectors.moderated_boards(request.user) if b.pk != thread.board_id]
    form = MoveForm(_posted(request), boards=boards)
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


# FOLLOWING ----


def _watch_response(request, fallback: str, active: bool):
    messages.success(request, _("You follow this now.") if active else _("You no longer follow this."))
    return HttpResponseRedirect(_safe_back(request) if request.POST.get("next") else fallback)


@login_required
@require_POST
def thread_watch(request, pk):
    thread = _thread_or_refuse(request, pk)
    active = request.POST.get("active") == "1"
    services.watch_set(user=request.user, thread=thread, active=active)
    return _watch_response(request, thread.get_absolute_url(), active)


@login_required
@require_POST
def board_watch(request, slug):
    board = _board_or_refuse(request, selectors.board_by_slug(slug))
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


# NOTIFICATIONS ----


@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("forums:notifications")
    paginator = Paginator(selectors.notifications_for(request.user), 30)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number (PageNotAnInteger) or out of range (EmptyPage)
        raise Http404 from None
    return render(
        request,
        "forums/notifications.html",
        {"page_obj": page, "breadcrumbs": _crumbs((_("Notifications"), request.path))},
    )


@login_required
def notification_open(request, pk):
    notification = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if notification is None:
        raise Http404
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.post_id:
        return redirect("forums:post", pk=notification.post_id)
    if notification.thread_id:
        return redirect("forums:thread", pk=notification.thread_id)
    return redirect("forums:notifications")


@login_required
def notification_settings(request):
    instance = services.notification_settings_of(request.user)
    form = NotificationSettingsForm(_posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=request.user,
            email_frequency=form.cleaned_data["email_frequency"],
            auto_watch=form.cleaned_data["auto_watch"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("forums:notification_settings")
    return render(
        request,
        "forums/notification_settings.html",
        {"form": form, "breadcrumbs": _crumbs((_("Notification settings"), request.path))},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the signed token is the credential.
def unsubscribe(request, token):
    """One click (GET from the e-mail link, or POST from the List-Unsubscribe header) stops forum e-mails."""
    user = user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "forums/unsubscribe.html", {"invalid": True}, status=400)
    if request.method in ("GET", "POST"):
        services.email_unsubscribe(user=user)
    return render(request, "forums/unsubscribe.html", {"invalid": False})


# MODERATION QUEUES ----


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
            "breadcrumbs": _crumbs((title, request.path)),
        },
    )


@login_required
def board_queue(request, slug):
    board = _board_or_refuse(request, selectors.board_by_slug(slug))
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
    return HttpResponseRedirect(_safe_back(request))


# AUTOCOMPLETE ----


@login_required
def mention_search(request, slug):
    """JSON list of names to @mention on this board (for the autocomplete in forums.js)."""
    board = _board_or_refuse(request, selectors.board_by_slug(slug))
    return JsonResponse(
        {
            "results": selectors.mention_candidates(
                request.user, board, printable_text(request.GET.get("q", ""))
            )
        }
    )
