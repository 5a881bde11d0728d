"""The directory, profiles (each part as its visibility allows), the profile editor and the contact relay."""

import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cop import selectors as cop_selectors

from .. import permissions, selectors
from ..exceptions import ContactRefused
from ..filters import PractitionerFilter
from ..forms import ContactForm, NetworkProfileForm
from ..services.profiles import contact_send, profile_of, profile_update
from . import crumbs

PEOPLE_PER_PAGE = 30


def _network_crumb():
    return (_("Network"), reverse("cop_network:directory"))


def directory(request):
    """The practitioner directory: listed profiles, each card showing only what the viewer may see."""
    filterset = PractitionerFilter(request.GET or None, viewer=request.user)
    people = selectors.practitioner_directory(viewer=request.user, filters=request.GET)
    page = Paginator(people.only("pk"), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cop_network/directory.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "cards": selectors.directory_page(request.user, page.object_list),
            "is_filtered": filterset.is_active(),
            "querystring": query.urlencode(),
            "can_curate": permissions.can_curate(request.user),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


def _visible_person(request, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not permissions.can_see_profile(request.user, person):
        raise Http404
    return person


def profile(request, user_id: int):
    """A practitioner's profile, each part as its visibility allows; the e-mail address never."""
    person = _visible_person(request, user_id)
    view = selectors.profile_page(request.user, person)
    is_self = request.user.is_authenticated and request.user.pk == person.pk
    return render(
        request,
        "cop_network/profile.html",
        {
            "person": person,
            "card": view,
            "memberships": cop_selectors.profile_communities(request.user, person),
            "is_self": is_self,
            "can_contact": permissions.can_contact(request.user, person, view.profile),
            "breadcrumbs": crumbs(_network_crumb(), (person.public_name, "")),
        },
    )


@require_safe
def photo(request, user_id: int):
    """A profile photo, served only to those who may see it (never by its file path)."""
    person = _visible_person(request, user_id)
    profile = profile_of(person)
    if (
        profile is None
        or not profile.photo
        or not permissions.visible_parts(request.user, person, profile)["photo"]
    ):
        raise Http404
    try:
        handle = profile.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(profile.photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    public = profile.photo_visibility == "public"
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def profile_edit(request):
    """The signed-in member's network profile, with who may see each part."""
    profile = profile_of(request.user)
    form = NetworkProfileForm(request.POST or None, request.FILES or None, user=request.user, profile=profile)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        remove_photo = values.pop("remove_photo", False)
        profile_update(user=request.user, values=values, remove_photo=remove_photo)
        messages.success(request, _("Your network profile was saved."))
        return redirect("cop_network:profile_edit")
    return render(
        request,
        "cop_network/profile_edit.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@login_required
def contact(request, user_id: int):
    """Write to a practitioner through the platform: they get the message with your address to reply
    to; you learn theirs only if they answer."""
    person = _visible_person(request, user_id)
    if not permissions.can_contact(request.user, person, profile_of(person)):
        raise ContactRefused()
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact_send(sender=request.user, recipient=person, **form.cleaned_data)
        messages.success(
            request,
            _("Your message was sent to %(name)s. If they answer, their reply comes to your e-mail.")
            % {"name": person.public_name},
        )
        return redirect("cop_network:profile", person.pk)
    return render(
        request,
        "cop_network/contact.html",
        {
            "form": form,
            "person": person,
            "breadcrumbs": crumbs(
                _network_crumb(),
                (person.public_name, reverse("cop_network:profile", args=[person.pk])),
                (_("Write"), ""),
            ),
        },
        status=400 if form.errors else 200,
    )
