"""Curated entries: the organisers' list and form, and the claim link the person opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors
from ..exceptions import EntryAlreadyClaimed, NotModerator
from ..forms import CuratedEntryForm
from ..models import CuratedEntry
from ..services.curated import (
    claim_refusal,
    curated_entry_claim,
    curated_entry_create,
    curated_entry_invite,
    entry_from_token,
)
from . import crumbs


@login_required
def curated_list(request):
    """Organisers: the practitioners they added, whether each was invited and claimed, and a form to add one."""
    if not permissions.can_curate(request.user):
        raise NotModerator()
    form = CuratedEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        invite = values.pop("invite", False)
        entry = curated_entry_create(by=request.user, values=values, invite=invite)
        messages.success(
            request,
            _("%(name)s was added; the claim link was sent.") % {"name": entry.name}
            if invite
            else _("%(name)s was added; no claim link was sent yet.") % {"name": entry.name},
        )
        return redirect("cop_network:curated")
    return render(
        request,
        "cop_network/curated_list.html",
        {
            "form": form,
            "entries": selectors.curated_entries(),
            "breadcrumbs": crumbs(
                (_("Network"), reverse("cop_network:directory")), (_("Curated entries"), "")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def curated_invite(request, entry_id: int):
    if not permissions.can_curate(request.user):
        raise NotModerator()
    entry = get_object_or_404(CuratedEntry, pk=entry_id)
    curated_entry_invite(by=request.user, entry=entry)
    messages.success(request, _("A new claim link was sent to %(name)s.") % {"name": entry.name})
    return redirect("cop_network:curated")


def curated_claim(request, token: str):
    """The link from the invitation: shows what will be merged; signed-in, the person confirms.
    A forged or mangled link is a 400, an expired one a 410, a claimed entry a 409, signed in with
    another account than the one holding the address a 403 (refused page)."""
    entry = entry_from_token(token)
    if request.user.is_authenticated:
        claim_refusal(entry, request.user)
    elif entry.is_claimed:
        raise EntryAlreadyClaimed()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        curated_entry_claim(user=request.user, token=token)
        messages.success(
            request,
            _("The entry is now part of your account. Choose who sees each part of your profile."),
        )
        return redirect("cop_network:profile_edit")
    return render(
        request,
        "cop_network/curated_claim.html",
        {"entry": entry, "login_next": request.get_full_path()},
    )
