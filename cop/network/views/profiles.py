"""The directory, profiles (each part as its visibility allows), the profile editor and the contact relay."""

import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import fragments, permissions, selectors
from ..exceptions import ContactRefused
from ..filters import PractitionerFilter
from ..forms import ContactForm, NetworkProfileForm
from ..services.profiles import contact_send, profile_of, profile_update
from . import crumbs

PEOPLE_PER_PAGE = 30


def _network_crumb():
    return (_("Network"), reverse("cop_network:directory"))


# The directory's own parameter: with no other, its filter form shows no value (a cached fragment).
DIRECTORY_PARAMETERS = frozenset({"page"})


def directory(request):
    """The practitioner directory: listed profiles, each card showing only what the viewer may see (each
    card a fragment per state of its person and kind of viewer: cop.network.fragments). Without any
    filter given, the filter form is the same for every viewer of a kind (a fragment too)."""
    filterset = None
    if set(request.GET) - DIRECTORY_PARAMETERS:
        filterset = PractitionerFilter(request.GET, viewer=request.user)
    people = selectors.practitioner_directory(viewer=request.user, filters=request.GET if filterset else None)
    page = Paginator(people.values_list("pk", flat=True), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)

    def render_filters(filterset):
        return render_to_string(
            "cop_network/includes/directory_filters.html",
            {"form": filterset.form, "is_filtered": filterset.is_active()},
            request=request,
        )

    cards = fragments.directory_cards(request.user, list(page.object_list))
    if filterset is None:
        filters_html = fragments.directory_filters(
            request.user, lambda: render_filters(PractitionerFilter(None, viewer=request.user))
        )
    else:
        filters_html = render_filters(filterset)
    return render(
        request,
        "cop_network/directory.html",
        {
            "filters": filters_html,
            "page_obj": page,
            "cards": cards,
            "cards_html": mark_safe("".join(card.html for card in cards)),  # noqa: S308 - our own fragments
            "querystring": query.urlencode(),
            "can_curate": permissions.can_curate(request.user),
        },
        status=400 if filterset is not None and filterset.form.errors else 200,
    )


def _visible_person(request, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not permissions.can_see_profile(request.user, person):
        raise Http404
    return person


# What a profile page reads of the person itself on every request (the body is a cached fragment).
PROFILE_PAGE_FIELDS = (
    "pk",
    "email",
    "display_name",
    "first_name",
    "last_name",
    "is_active",
    "listed_in_directory",
    "network_profile__accepts_contact",
)


def profile(request, user_id: int):
    """A practitioner's profile, each part as its visibility allows; the e-mail address never. The body
    is cached per state of the person and kind of viewer (cop.network.fragments.profile_body)."""
    person = get_object_or_404(
        get_user_model().objects.select_related("network_profile").only(*PROFILE_PAGE_FIELDS), pk=user_id
    )
    if not permissions.can_see_profile(request.user, person):
        raise Http404
    is_self = request.user.is_authenticated and request.user.pk == person.pk
    can_contact = permissions.can_contact(request.user, person, profile_of(person))
    return render(
        request,
        "cop_network/profile.html",
        {
            "person": person,
            "body": fragments.profile_body(request.user, person, is_self=is_self, can_contact=can_contact),
            "communities": fragments.profile_communities(request, person),
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
