"""The webinar pipeline: after the event, recording, slides, summary and a follow-up thread."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.commit import enqueue_after_commit
from cop.markup import render_markdown
from events import permissions
from events.emails import event_url
from events.models import EventPage
from events.services.events import event_update
from events.services.exceptions import EventError, EventNotFinished, RegistrationNotAllowed
from forums import services as forum_services
from forums.exceptions import ForumError


def _followup_thread_body(event: EventPage, *, summary: str, recording_url: str, slides_url: str) -> str:

    lines = [summary.strip(), ""]
    if recording_url:
        lines.append(f"- {_('Recording')}: {recording_url}")
    if slides_url:
        lines.append(f"- {_('Slides')}: {slides_url}")
    lines.append(f"- {_('Event page')}: {event_url(event)}")
    return "\n".join(lines).strip()


@transaction.atomic
def event_followup_publish(
    *,
    event: EventPage,
    by,
    summary: str,
    recording_url: str = "",
    slides_url: str = "",
    open_thread: bool = True,
    now: datetime | None = None,
) -> EventPage:
    """After the event: saves recording, slides and summary (Markdown, rendered as posts are), opens the
    follow-up discussion in the host community's forum (once) and tells the registrants after commit."""

    now = now or timezone.now()
    if not permissions.can_manage_event(by, event):
        raise RegistrationNotAllowed(_("Only the event's organisers can publish the follow-up."))
    first = event.occurrences.order_by("start_utc").first()
    if first is None or first.start_utc > now:
        raise EventNotFinished()
    summary = (summary or "").strip()
    if not summary:
        raise EventError(_("Write a short summary of the event."))
    event = event.get_latest_revision_as_object()
    event.recording_url = recording_url
    event.slides_url = slides_url
    event.followup_summary = render_markdown(summary)
    if open_thread and not event.followup_thread_url and event.community_id:
        try:
            board = forum_services.board_ensure_for_community(community=event.community)
            thread = forum_services.thread_create(
                board=board,
                author=by,
                title=str(_("Follow-up: %(title)s") % {"title": event.title})[:200],
                body=_followup_thread_body(
                    event, summary=summary, recording_url=recording_url, slides_url=slides_url
                ),
                tags=[tag.name for tag in event.tags.all()],
                gbf_targets=list(event.gbf_targets.all()),
            )
        except ForumError as error:
            raise EventError(error.message) from error
        event.followup_thread_url = thread.get_absolute_url()
    announce = event.followup_published_at is None
    if announce:
        event.followup_published_at = now
    event = event_update(page=event, by=by)
    if announce:
        enqueue_after_commit("events.tasks.announce_followup", event.pk)
    return event
