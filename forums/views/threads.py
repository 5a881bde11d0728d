"""The thread page (its posts, a page at a time, and the reply form), the post permalink and the jump to
the first unread post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.converters import parse_id
from cop.edge import with_retry_after

from .. import permissions, postlist, services, thread_page
from ..exceptions import ForumError
from ..forms import ReasonForm, ReplyForm, attachment_formset, uploads_from
from ..models import Post, Thread
from ..rendering import quote_markdown
from ..templatetags.forums_tags import remember_unread_count
from .access import crumbs, post_or_refuse, post_url, thread_or_refuse


def _page_links(current: int, total: int) -> list[int | None]:
    """Page numbers to link: first, last and the neighbours of the current page; None marks a gap."""
    wanted = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
    links: list[int | None] = []
    for number in wanted:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def _thread_page(request, thread: Thread, *, reply_form=None, formset=None, status=200):
    """The thread page: each post a fragment shared by the viewers who see it alike (forums.postlist),
    the viewer's own parts (following, unread, the CSRF token) rendered around them."""
    total = thread_page.page_count(thread)
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        raise Http404 from None
    if page < 1 or page > total:
        raise Http404
    user = request.user
    viewer = postlist.viewer_for(user, thread)
    state = thread_page.thread_viewer_state(user, thread)
    remember_unread_count(request, state.unread_notifications)
    board = thread.board
    response = render(
        request,
        "forums/thread.html",
        {
            "thread": thread,
            "board": board,
            "head_html": postlist.thread_head_html(thread),
            "posts_html": postlist.page_posts_html(
                user, thread, page, viewer=viewer, last_read=state.last_read
            ),
            "post_form_id": postlist.FORM_ID,
            "watching": state.watching,
            "unread": thread.post_count > state.last_read,
            "page": page,
            "page_total": total,
            "pagination_html": postlist.thread_pagination_html(page, total, _page_links(page, total)),
            "moderator": viewer.moderator,
            "can_post": viewer.can_post,
            "can_reply": viewer.can_reply,
            "reply_form": reply_form,
            "formset": formset,
            "reply_fields": postlist.reply_fields_html() if viewer.can_reply and reply_form is None else None,
            "can_accept": viewer.can_accept,
            "reason_form": ReasonForm() if viewer.moderator else None,
            "breadcrumbs": crumbs(
                (board.name, board.get_absolute_url()), (thread.title, thread.get_absolute_url())
            ),
        },
        status=status,
    )
    last_on_page = min(page * thread_page.POSTS_PER_PAGE, thread.post_count)
    if user.is_authenticated and response.status_code == 200 and last_on_page > state.last_read:
        services.read_mark(user=user, thread=thread, number=last_on_page)
    return response


def thread(request, pk):
    return _thread_page(request, thread_or_refuse(request, pk))


def post_permalink(request, pk):
    """The stable address of a post: opens the thread on the page that holds it."""
    post = post_or_refuse(request, pk)
    return HttpResponseRedirect(post_url(post))


@login_required
def thread_unread(request, pk):
    """Jumps to the first post the user has not read yet (or the last one when all are read)."""
    thread = thread_or_refuse(request, pk)
    number = thread_page.first_unread_number(request.user, thread) or thread.post_count
    post = Post(thread=thread, number=max(number, 1))
    return HttpResponseRedirect(post_url(post))


@login_required
@require_POST
def reply(request, pk):
    thread = thread_or_refuse(request, pk)
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
    return HttpResponseRedirect(post_url(post))


@login_required
def reply_form(request, pk):
    """The reply form on its own page, pre-filled with a quote (used without JavaScript)."""
    thread = thread_or_refuse(request, pk)
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
            "breadcrumbs": crumbs(
                (thread.board.name, thread.board.get_absolute_url()),
                (thread.title, thread.get_absolute_url()),
            ),
        },
    )
