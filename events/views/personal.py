"""The user's own events ("My events") and the secret address of their personal feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.models import (
    CalendarToken,
)
from events.selectors import registrations as selectors


@login_required
def my_events(request):
    """The user's registrations and waiting-list places, past attendance and personal feed."""
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(
        request,
        "events/my_events.html",
        {
            "registrations": selectors.my_registrations(request.user),
            "past_registrations": selectors.my_registrations(request.user, past=True),
            "personal_feed_url": request.build_absolute_uri(
                reverse("events:feed_personal", args=[token.token])
            )
            if token
            else "",
        },
    )


@login_required
@require_POST
def calendar_token(request):
    """Creates, replaces or revokes the secret address of the personal feed."""
    if request.POST.get("action") == "revoke":
        services.calendar_token_revoke(user=request.user)
        messages.success(request, _("Your personal calendar address no longer works."))
    else:
        services.calendar_token_rotate(user=request.user)
        messages.success(
            request, _("Your personal calendar has a new secret address; the old one stopped working.")
        )
    return redirect("events:my_events")


# Registration ----
