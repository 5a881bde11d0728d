"""The forums index, a board with its threads, starting a thread on a board, and the mention
autocomplete of a board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cop.edge import with_retry_after
from cop.text import printable_text

from .. import permissions, selectors, services
from ..exceptions import ForumError
from ..filters import ThreadFilter
from ..forms import ThreadForm, attachment_formset, uploads_from
from .access import board_or_refuse, crumbs, files_of, posted


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
    board = board_or_refuse(request, selectors.board_by_slug(slug))
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
            "breadcrumbs": crumbs((board.name, board.get_absolute_url())),
        },
    )


@login_required
def thread_create(request, slug):
    board = board_or_refuse(request, selectors.board_by_slug(slug))
    if not permissions.can_post_in_board(request.user, board):
        permissions.require_can_post(request.user, board)
    form = ThreadForm(posted(request), board=board)
    formset = attachment_formset(posted(request), files_of(request))
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
            "breadcrumbs": crumbs((board.name, board.get_absolute_url()), (_("New thread"), request.path)),
        },
        status=status,
    )
    return with_retry_after(response, refusal)


@login_required
def mention_search(request, slug):
    """JSON list of names to @mention on this board (for the autocomplete in forums.js)."""
    board = board_or_refuse(request, selectors.board_by_slug(slug))
    return JsonResponse(
        {
            "results": selectors.mention_candidates(
                request.user, board, printable_text(request.GET.get("q", ""))
            )
        }
    )
