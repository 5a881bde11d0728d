"""The practitioner directory and a practitioner's public profile."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cop import permissions, selectors
from cop.filters import PractitionerFilter
from cop.views.access import crumbs

PEOPLE_PER_PAGE = 30


def profile(request, user_id: int):
    """A practitioner's public profile."""
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not permissions.can_see_profile(request.user, person):
        raise Http404
    person = selectors.prefetch_profile(person)
    return render(
        request,
        "cop/profile.html",
        {
            "person": person,
            "memberships": selectors.profile_communities(request.user, person),
            "is_self": request.user.is_authenticated and request.user.pk == person.pk,
            "breadcrumbs": crumbs((_("Network"), reverse("cop:network")), (person.public_name, "")),
        },
    )


def network(request):
    """The practitioner directory: listed public profiles, searchable and filterable without JS."""
    filterset = PractitionerFilter(request.GET or None)
    people = Paginator(selectors.practitioner_directory(filters=request.GET), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cop/network.html",
        {
            "form": filterset.form,
            "page_obj": people,
            "is_filtered": filterset.is_active(),
            "querystring": query.urlencode(),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )
