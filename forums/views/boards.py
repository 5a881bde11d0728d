"""The forums index, a board with its threads, starting a thread on a board, and the mention
autocomplete of a board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cop.edge import with_retry_after
from cop.text import printable_text

from .. import listings, lists, notifications, permissions, selectors, services
from ..exceptions import ForumError
from ..filters import ThreadFilter
from ..forms import ThreadForm, attachment_formset, uploads_from
from .access import board_or_refuse, crumbs, files_of, posted


def index(request):
    """Site forums, then the boards of every community the visitor may read: which boards, per request;
    each board's card, a fragment per state of the board (forums.lists)."""
    boards, moderated = listings.boards_for_index(request.user)
    activity = listings.board_activity()
    return render(
        request,
        "forums/index.html",
        {
            "site_boards": lists.board_cards_html([b for b in boards if b.is_site_forum], activity),
            "community_boards": lists.board_cards_html([b for b in boards if not b.is_site_forum], activity),
            "moderated": moderated if request.user.is_authenticated else [],
            "is_staff": permissions.is_site_staff(request.user),
            "breadcrumbs": [],
        },
    )


def _filters_html(request, filterset) -> str:
    """The filter form: before any filter is chosen the same for everyone (a fragment), else as chosen."""
    if filterset is not None:
        return render_to_string("forums/includes/thread_filters.html", {"filters": filterset.form})
    return lists.thread_filters_html(
        lambda: render_to_string("forums/includes/thread_filters.html", {"filters": ThreadFilter().form})
    )


def board(request, slug):
    """A board's threads: which ones and the viewer's marks on them per request, each row a fragment
    per state of the thread and kind of mark (forums.lists)."""
    board = board_or_refuse(request, listings.board_by_slug(slug))
    user = request.user
    moderator = permissions.can_moderate_board(user, board)
    filtered = any(name in request.GET for name in ThreadFilter.base_filters)
    filterset = ThreadFilter(request.GET) if filtered else None
    if filtered and (invalid := filterset.invalid_labels()):
        messages.warning(
            request,
            _("These filters are not valid and were ignored: %(filters)s.") % {"filters": ", ".join(invalid)},
        )
    params = filterset.valid_values() if filtered else {}
    if filtered:
        threads = listings.filtered_threads(user, board, moderator=moderator, filters=request.GET)
    else:
        threads = listings.BoardThreadList(user, board, moderator=moderator)
    paginator = Paginator(threads, selectors.THREADS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number (PageNotAnInteger) or out of range (EmptyPage)
        raise Http404 from None
    query = request.GET.copy()
    query.pop("page", None)
    tag = selectors.tag_by_slug(params["tag"]) if params.get("tag") else None
    rows_html = lists.thread_rows_html(
        listings.as_thread_rows(page.object_list), board, signed_in=user.is_authenticated
    )
    return render(
        request,
        "forums/board.html",
        {
            "board": board,
            "page_obj": page,
            "rows_html": rows_html,
            "filters_html": _filters_html(request, filterset),
            "querystring": query.urlencode(),
            "moderator": moderator,
            "can_post": permissions.can_post_in_board(user, board),
            "watching": selectors.watch_state(user, board=board),
            "tag": tag,
            "watching_tag": selectors.watch_state(user, tag=tag) if tag else False,
            "tags_html": lists.board_tags_html(
                board,
                lambda: render_to_string(
                    "forums/includes/board_tags.html", {"tags": selectors.popular_tags(board)}
                ),
            ),
            "breadcrumbs": crumbs((board.name, board.get_absolute_url())),
        },
    )


@login_required
def thread_create(request, slug):
    board = board_or_refuse(request, listings.board_by_slug(slug))
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
    board = board_or_refuse(request, listings.board_by_slug(slug))
    return JsonResponse(
        {
            "results": notifications.mention_candidates(
                request.user, board, printable_text(request.GET.get("q", ""))
            )
        }
    )
