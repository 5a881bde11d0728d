"""Organisations and networks: list, page, edit by focal points, focal point claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors
from ..exceptions import NotFocalPoint, NotModerator
from ..filters import OrganisationFilter
from ..forms import ClaimForm, OrganisationForm
from ..models import FocalPointClaim, Organisation
from ..services.organisations import focal_point_claim_decide, focal_point_claim_request, organisation_update
from . import crumbs

PER_PAGE = 30


def _list_crumb():
    return (_("Organisations and networks"), reverse("cop_network:organisations"))


def organisation_list(request):
    filterset = OrganisationFilter(request.GET or None)
    page = Paginator(selectors.organisation_list(filters=request.GET), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cop_network/organisation_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "is_filtered": filterset.is_active(),
            "querystring": query.urlencode(),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


def organisation_detail(request, organisation_id: int):
    organisation = selectors.organisation_detail(organisation_id)
    if organisation is None:
        raise Http404
    is_focal_point = request.user.is_authenticated and any(
        person.pk == request.user.pk for person in organisation.focal_points.all()
    )
    return render(
        request,
        "cop_network/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": is_focal_point or permissions.is_network_organiser(request.user),
            "can_claim": permissions.can_claim_organisation(request.user) and not is_focal_point,
            "breadcrumbs": crumbs(_list_crumb(), (organisation.name, "")),
        },
    )


@login_required
def organisation_edit(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise NotFocalPoint()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation_update(organisation=organisation, user=request.user, values=form.cleaned_data)
        messages.success(request, _("The organisation was saved."))
        return redirect("cop_network:organisation", organisation.pk)
    return render(
        request,
        "cop_network/organisation_edit.html",
        {
            "form": form,
            "organisation": organisation,
            "breadcrumbs": crumbs(
                _list_crumb(),
                (organisation.name, reverse("cop_network:organisation", args=[organisation.pk])),
                (_("Edit"), ""),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def organisation_claim(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        focal_point_claim_request(
            organisation=organisation, user=request.user, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Your request was sent. An organiser will answer it."))
        return redirect("cop_network:organisation", organisation.pk)
    return render(
        request,
        "cop_network/organisation_claim.html",
        {
            "form": form,
            "organisation": organisation,
            "breadcrumbs": crumbs(
                _list_crumb(),
                (organisation.name, reverse("cop_network:organisation", args=[organisation.pk])),
                (_("Become a focal point"), ""),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def claim_list(request):
    if not permissions.is_network_organiser(request.user):
        raise NotModerator()
    return render(request, "cop_network/claim_list.html", {"claims": selectors.pending_claims()})


@login_required
@require_POST
def claim_decide(request, claim_id: int):
    claim = get_object_or_404(FocalPointClaim.objects.select_related("organisation"), pk=claim_id)
    approve = request.POST.get("decision") == "approve"
    focal_point_claim_decide(claim=claim, by=request.user, approve=approve)
    messages.success(request, _("The request was approved.") if approve else _("The request was declined."))
    return redirect("cop_network:claims")
