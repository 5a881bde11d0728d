"""What every forum view shares: the object a request may see (or the refusal), the breadcrumbs, the
submitted data and a safe way back."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import permissions, thread_page
from ..models import Board, Post, Thread


def safe_back(request) -> str:
    back = request.POST.get("next") or request.GET.get("next") or request.headers.get("referer", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("forums:index")


def posted(request):
    """The submitted data on POST (even when empty, so that the form is bound and says what is missing)."""
    return request.POST if request.method == "POST" else None


def files_of(request):
    return request.FILES if request.method == "POST" else None


def crumbs(*items) -> list[dict]:
    return [
        {"title": _("Forums"), "url": reverse("forums:index")},
        *({"title": t, "url": u} for t, u in items),
    ]


def board_or_refuse(request, board: Board | None) -> Board:
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


def thread_or_refuse(request, pk: int) -> Thread:
    thread = thread_page.thread_for_page(pk)
    if thread is None:
        raise Http404
    board_or_refuse(request, thread.board)
    if not permissions.can_view_thread(request.user, thread):
        raise Http404
    return thread


def post_or_refuse(request, pk: int) -> Post:
    post = (
        Post.objects.select_related("thread", "thread__board", "thread__board__community", "author")
        .filter(pk=pk)
        .first()
    )
    if post is None:
        raise Http404
    board_or_refuse(request, post.thread.board)
    if not permissions.can_view_thread(request.user, post.thread):
        raise Http404
    if post.is_pending and not permissions.can_view_post_body(request.user, post):
        raise Http404
    return post


def post_url(post: Post) -> str:
    page = thread_page.page_of_number(post.number)
    url = post.thread.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return f"{url}#post-{post.number}"
