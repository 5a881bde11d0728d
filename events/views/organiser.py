"""The organisers' pages: creating, editing and cancelling an event, its follow-up and attendees."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.errors import Forbidden
from events import exports, permissions, services
from events.forms import (
    CancelEventForm,
    EventForm,
    FollowupForm,
)
from events.models import (
    EventPage,
    Occurrence,
)
from events.selectors import registrations as selectors
from events.views.common import crumbs


@login_required
def attendees(request, pk: int):
    """The attendee list of one occurrence, attendance marking (POST) and the CSV export."""
    occurrence = get_object_or_404(Occurrence.objects.select_related("event", "event__community"), pk=pk)
    event = occurrence.event
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(_("Only the event's organisers can see the attendee list."))
    if request.method == "POST":
        present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        count = services.attendance_mark(occurrence=occurrence, present_ids=present, by=request.user)
        messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
        return redirect("events:attendees", pk=occurrence.pk)
    registrations = selectors.attendees(occurrence)
    questions = list(event.questions.all())
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            exports.attendees_csv(registrations, questions), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.attendees_csv_filename(event, occurrence)}"'
        )
        return response
    return render(
        request,
        "events/attendees.html",
        {
            "event": event,
            "occurrence": occurrence,
            "registrations": registrations,
            "questions": questions,
            "can_mark": occurrence.start_utc <= timezone.now(),
            "breadcrumbs": crumbs((event.title, event.url)),
        },
    )


def _apply_relations(form, page) -> None:
    """Languages, targets and tags are parental relations: set in memory, saved with the revision."""
    for name in ("working_languages", "interpretation_languages", "gbf_targets"):
        getattr(page, name).set(form.cleaned_data.get(name) or [])
    page.tags.set(form.tag_names())


def _managed_event(request, pk: int, refusal: str) -> EventPage:
    """The event the user organises: not found when they may not see it, refused with `refusal` when
    they see it but do not organise it."""
    event = get_object_or_404(EventPage.objects.select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(refusal)
    return event


@login_required
def event_new(request):
    """Front-end form to create an event, for the facilitators of a community (and staff)."""
    communities = permissions.organisable_communities(request.user)
    if not communities.exists():
        raise Forbidden(_("Only community facilitators can create events."))
    initial = {}
    if request.GET.get("community", "").isdigit():
        initial["community"] = request.GET["community"]
    form = EventForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            page = form.instance
            _apply_relations(form, page)
            try:
                page = services.event_create(page=page, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The event is published."))
                return HttpResponseRedirect(page.url)
        return render(request, "events/event_form.html", {"form": form, "creating": True}, status=400)
    return render(request, "events/event_form.html", {"form": form, "creating": True})


@login_required
def event_edit(request, pk: int):
    event = _managed_event(request, pk, _("Only the event's organisers can edit it."))
    event = event.get_latest_revision_as_object()
    form = EventForm(
        request.POST or None, instance=event, communities=permissions.organisable_communities(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            page = form.instance
            _apply_relations(form, page)
            try:
                services.event_update(page=page, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The event is updated; registrants are told if its time changed.")
                )
                return HttpResponseRedirect(event.url)
        return render(request, "events/event_form.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "breadcrumbs": crumbs((event.title, event.url))},
    )


@login_required
def event_cancel(request, pk: int):
    event = _managed_event(request, pk, _("Only the event's organisers can cancel it."))
    form = CancelEventForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.event_cancel(event=event, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The event is cancelled and registrants are being told."))
            return HttpResponseRedirect(event.url)
        return render(request, "events/event_cancel.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_cancel.html",
        {"form": form, "event": event, "breadcrumbs": crumbs((event.title, event.url))},
    )


@login_required
def event_followup(request, pk: int):
    """After the event: recording, slides, summary, and the follow-up discussion in the community."""
    event = _managed_event(request, pk, _("Only the event's organisers can publish the follow-up."))
    form = FollowupForm(
        request.POST or None,
        initial={"recording_url": event.recording_url, "slides_url": event.slides_url},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_followup_publish(
                    event=event,
                    by=request.user,
                    recording_url=form.cleaned_data["recording_url"],
                    slides_url=form.cleaned_data["slides_url"],
                    summary=form.cleaned_data["summary"],
                    open_thread=form.cleaned_data["open_thread"],
                )
            except services.EventError as error:
                form.add_error(None, error.message)
                return render(
                    request, "events/event_followup.html", {"form": form, "event": event}, status=error.status
                )
            messages.success(request, _("The follow-up is published and registrants are being told."))
            return HttpResponseRedirect(event.url)
        return render(request, "events/event_followup.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_followup.html",
        {"form": form, "event": event, "breadcrumbs": crumbs((event.title, event.url))},
    )
