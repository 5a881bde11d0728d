"""Sharing a case study from the site: "Share a case study" on a library, "My case studies" (each with
its state, and the reviewers' comment when they asked for changes), editing a draft, its preview (to
its submitter only) and submitting it; the holder community's review on the site. Thin: cop.library.services.submission decides and refuses (the
edge shows its refusals)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import permissions as cop_permissions

from .. import permissions, submissions
from ..exceptions import SharingNotAllowed
from ..models import CaseStudyPage, LibraryPage
from ..services import submission as services
from ..submission_forms import CaseStudyForm, HolderReviewForm, ResourceFormSet


def _library_or_404(user, library_id: int) -> LibraryPage:
    library = LibraryPage.objects.live().filter(pk=library_id).first()
    if library is None:
        raise Http404
    community = library.community
    if community is not None and not cop_permissions.can_view(user, community):
        raise Http404
    return library


def _own_draft_or_404(user, pk: int) -> CaseStudyPage:
    page = CaseStudyPage.objects.filter(pk=pk, submitted_by_id=user.pk).select_related("consent").first()
    if page is None:
        raise Http404
    return page


def _saved_message(request, page) -> None:
    if page.holds_traditional_knowledge and getattr(page, "consent", None) is None:
        messages.warning(
            request,
            _(
                "Your draft is saved. It holds traditional knowledge: write the consent record of its "
                "holder community before you submit it."
            ),
        )
    else:
        messages.success(request, _("Your draft is saved. Preview it, or submit it when it is ready."))


@login_required
def share(request, library_id: int):
    """A new case study for a library, saved as a draft."""
    library = _library_or_404(request.user, library_id)
    if not permissions.may_share_in(request.user, library):
        raise SharingNotAllowed()
    posted = request.method == "POST"
    form = CaseStudyForm(request.POST if posted else None, user=request.user)
    resources = _resource_rows(request)
    if posted and _valid(form, resources):
        page = services.case_study_draft_create(
            user=request.user,
            library=library,
            values=form.values(),
            relations=form.relations(),
            blocks=form.cleaned_data["blocks"],
            new_block=form.new_block(),
            story=form.story_text(),
            resources=resources.values(),
        )
        _saved_message(request, page)
        return redirect("cop_library:submission_edit", page.pk)
    return _form_page(
        request,
        {"form": form, "resources": resources, "library": library, "title": _("Share a case study")},
    )


def _resource_rows(request, page=None):
    """The resources' rows as posted, or as the case study has them (a post without them, from an
    older form, leaves them as they are)."""
    if request.method == "POST" and f"{ResourceFormSet.prefix}-TOTAL_FORMS" in request.POST:
        return ResourceFormSet(request.POST, request.FILES, page=page)
    return ResourceFormSet(page=page)


def _valid(form, resources) -> bool:
    return all([form.is_valid(), resources.is_valid()])  # both checked: every error shown at once


def _form_page(request, context):
    """The form, again with what was written when something was wrong (400): nothing typed is lost; a
    file chosen must be chosen again (browsers never send it twice), and the form says so."""
    form, resources = context["form"], context["resources"]
    errors = form.is_bound and (bool(form.errors) or not resources.is_valid())
    files_dropped = errors and any(request.FILES)
    return render(
        request,
        "cop_library/submission/form.html",
        {**context, "files_dropped": files_dropped},
        status=400 if errors else 200,
    )


@login_required
def my_case_studies(request):
    """The case studies the user shared, with where each stands, and those waiting for their review
    as a custodian of their holder community."""
    return render(
        request,
        "cop_library/submission/mine.html",
        {
            "submissions": submissions.submissions_of(request.user),
            "reviews": submissions.holder_reviews_for(request.user),
        },
    )


@login_required
def edit(request, pk: int):
    page = _own_draft_or_404(request.user, pk)
    [submission] = submissions.submissions_of(request.user, pks=[page.pk])
    posted = request.method == "POST"
    form = CaseStudyForm(
        request.POST if posted else None, user=request.user, initial=CaseStudyForm.initial_for(page)
    )
    resources = _resource_rows(request, page)
    if posted and _valid(form, resources):
        page = services.case_study_draft_update(
            user=request.user,
            page=page,
            values=form.values(),
            relations=form.relations(),
            blocks=form.cleaned_data["blocks"],
            new_block=form.new_block(),
            story=form.story_text(),
            resources=resources.values(),
        )
        page = _own_draft_or_404(request.user, page.pk)
        _saved_message(request, page)
        return redirect("cop_library:submission_edit", page.pk)
    return _form_page(
        request,
        {
            "form": form,
            "resources": resources,
            "library": submission["library"],
            "submission": submission,
            "title": _("Edit your case study"),
        },
    )


@login_required
def preview(request, pk: int):
    """The draft as it will look once published, to its submitter only."""
    page = _own_draft_or_404(request.user, pk)
    if page.live:
        return redirect(page.url)
    return page.serve_preview(request, page.default_preview_mode)


@login_required
@require_POST
def submit(request, pk: int):
    page = _own_draft_or_404(request.user, pk)
    services.case_study_submit(user=request.user, page=page)
    messages.success(
        request,
        _("Your case study is submitted. You will be told by e-mail at each step of the review."),
    )
    return redirect(reverse("cop_library:my_case_studies"))


def _reviewable_or_404(user, pk: int):
    """A case study waiting for the holder community's review, for one of its reviewers."""
    page = CaseStudyPage.objects.filter(pk=pk).select_related("consent").first()
    if page is None:
        raise Http404
    task_state = services.holder_review_task_state(page)
    if task_state is None or not task_state.task.specific.may_review(page, user):
        raise Http404
    return page, task_state


@login_required
def holder_review(request, pk: int):
    """The holder community's review of a case study with traditional knowledge, on the site."""
    page, _task_state = _reviewable_or_404(request.user, pk)
    form = HolderReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_study_holder_review(
            user=request.user,
            page=page,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(
            request,
            _("Approved: the library editors review it next.")
            if form.cleaned_data["action"] == services.APPROVE
            else _("Its submitter is asked for the changes, with your comment."),
        )
        return redirect("cop_library:my_custodianship")
    return render(
        request,
        "cop_library/submission/holder_review.html",
        {"form": form, "page": page, "title": _("Review by the holder community")},
        status=400 if form.errors else 200,
    )


@login_required
def holder_review_preview(request, pk: int):
    """The case study under review, as it will look, to its holder community's reviewers."""
    page, _task_state = _reviewable_or_404(request.user, pk)
    return page.serve_preview(request, page.default_preview_mode)
