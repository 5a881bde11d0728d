"""Registering for an occurrence, cancelling, and answering a seat offer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.errors import DomainError
from events import permissions, services
from events.forms import (
    RegistrationForm,
)
from events.models import (
    Occurrence,
    Registration,
    RegistrationStatus,
)
from events.tasks import OFFER_SALT
from events.views.common import crumbs, next_url

OFFER_MAX_AGE = 60 * 60 * 24 * 31


def _occurrence_for(request, pk: int) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.select_related("event", "event__community"), pk=pk)
    if not permissions.can_view_event(request.user, occurrence.event):
        raise Http404
    return occurrence


def register(request, pk: int):
    """Shows the registration questions (GET) and registers (POST) for one occurrence."""
    occurrence = _occurrence_for(request, pk)
    event = occurrence.event
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={event.url}")
    questions = list(event.questions.all())
    form = RegistrationForm(request.POST if request.method == "POST" else None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.event_register(
                    user=request.user, occurrence_id=occurrence.pk, answers=form.answers()
                )
            except services.EventError as error:
                messages.error(request, error.message)
                return render(
                    request,
                    "events/register.html",
                    {
                        "occurrence": occurrence,
                        "event": event,
                        "form": form,
                        "breadcrumbs": crumbs((event.title, event.url)),
                    },
                    status=error.status,
                )
            if registration.status == RegistrationStatus.WAITLISTED:
                messages.success(
                    request,
                    _(
                        "The event is full: you are on the waiting list. We will e-mail you if a seat frees up."
                    ),
                )
            else:
                messages.success(
                    request, _("You are registered. A confirmation is on its way to your inbox.")
                )
            return HttpResponseRedirect(event.url)
        status = 400
    return render(
        request,
        "events/register.html",
        {
            "occurrence": occurrence,
            "event": event,
            "form": form,
            "breadcrumbs": crumbs((event.title, event.url)),
        },
        status=status,
    )


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), pk=pk, user=request.user
    )
    event = registration.occurrence.event
    services.registration_cancel(registration_id=registration.pk, user=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(next_url(request, event.url))


@login_required
@require_POST
def registration_accept(request, pk: int):
    """Accepts a seat offer from the event page (signed-in participant)."""
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), pk=pk, user=request.user
    )
    event = registration.occurrence.event
    services.offer_accept(registration_id=registration.pk)
    messages.success(request, _("The seat is yours: you are registered."))
    return HttpResponseRedirect(event.url)


def offer(request, token: str):
    """The link in a seat-offer e-mail: no login needed, the signed token is the proof. GET shows one
    button (link scanners in mail systems follow GET links, so only the POST acts)."""
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_MAX_AGE)
        registration = Registration.objects.select_related("occurrence__event", "user").get(pk=data["r"])
        action = data["a"]
    except (signing.BadSignature, KeyError, TypeError, Registration.DoesNotExist):
        raise DomainError(
            _("This link is not valid. Open the event page to see your registration.")
        ) from None
    event = registration.occurrence.event
    context = {
        "registration": registration,
        "event": event,
        "occurrence": registration.occurrence,
        "action": action,
    }
    if request.method == "POST":
        if action == "accept":
            services.offer_accept(registration_id=registration.pk)
            messages.success(request, _("The seat is yours: you are registered."))
        else:
            services.offer_release(registration_id=registration.pk)
            messages.success(request, _("Thank you: the seat goes to the next person waiting."))
        return HttpResponseRedirect(event.url)
    if registration.status != RegistrationStatus.OFFERED:
        raise services.OfferExpired()
    return render(request, "events/offer.html", context)
