"""One post: editing, removing, its history, reactions, flags, the accepted answer, and its attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services, thread_page
from ..exceptions import ForumError, StaleEdit
from ..forms import EditPostForm, FlagForm, ReasonForm
from ..models import Attachment, Post
from .access import crumbs, post_or_refuse, post_url, posted, thread_or_refuse


@login_required
def post_edit(request, pk):
    post = post_or_refuse(request, pk)
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
    form = EditPostForm(posted(request), initial=initial, thread=thread)
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
                return HttpResponseRedirect(post_url(post))
    return render(
        request,
        "forums/post_edit.html",
        {
            "post": post,
            "form": form,
            "current": current,
            "breadcrumbs": crumbs(
                (post.thread.board.name, post.thread.board.get_absolute_url()),
                (post.thread.title, post.thread.get_absolute_url()),
            ),
        },
        status=status,
    )


@login_required
def post_delete(request, pk):
    post = post_or_refuse(request, pk)
    permissions.require_can_edit(request.user, post)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.post_delete(post=post, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The post was removed."))
        return HttpResponseRedirect(post_url(post))
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
    post = post_or_refuse(request, pk)
    if not permissions.can_see_history(request.user, post):
        raise PermissionDenied(_("Only moderators can read the edit history."))
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "revisions": thread_page.post_revisions(post),
            "breadcrumbs": crumbs(
                (post.thread.board.name, post.thread.board.get_absolute_url()),
                (post.thread.title, post.thread.get_absolute_url()),
            ),
        },
    )


@login_required
@require_POST
def post_react(request, pk):
    post = post_or_refuse(request, pk)
    if "add" in request.POST or "remove" in request.POST:  # the thread page's buttons: add=kind, remove=kind
        op = "remove" if "remove" in request.POST else "add"
        kind = request.POST[op]
    else:  # kind=...&op=add|remove
        op, kind = request.POST.get("op"), request.POST.get("kind", "")
    if op == "remove":
        services.reaction_remove(post=post, user=request.user, kind=kind)
    else:
        services.reaction_add(post=post, user=request.user, kind=kind)
    return HttpResponseRedirect(post_url(post))


@login_required
def post_flag(request, pk):
    post = post_or_refuse(request, pk)
    form = FlagForm(posted(request))
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
            return HttpResponseRedirect(post_url(post))
    elif not permissions.can_flag(request.user, post):
        raise PermissionDenied(_("You cannot flag this post."))
    return render(request, "forums/flag_form.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def post_accept(request, pk):
    post = post_or_refuse(request, pk)
    services.answer_accept(post=post, actor=request.user)
    messages.success(request, _("Marked as the accepted answer."))
    return HttpResponseRedirect(post_url(post))


@login_required
@require_POST
def thread_unaccept(request, pk):
    thread = thread_or_refuse(request, pk)
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
    post = post_or_refuse(request, item.post_id)
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
