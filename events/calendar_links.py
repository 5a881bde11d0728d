"""Links that add one occurrence to a visitor's Google or Outlook calendar, and an event's place in words
(also the LOCATION of its iCalendar entries). They read only the page's fields."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.utils.html import strip_tags

from events.emails import event_url
from events.timezones import zone


def event_location(event, *, online: bool) -> str:
    place = ", ".join(p for p in [event.venue_name, event.venue_address.replace("\n", ", ")] if p)
    if online and event.online_url:
        return f"{place} / {event.online_url}" if place else event.online_url
    return place


def _utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(occurrence) -> str:
    event = occurrence.event
    if event.all_day:
        local_start = occurrence.start_utc.astimezone(zone(event.time_zone)).date()
        local_end = occurrence.end_utc.astimezone(zone(event.time_zone)).date()
        dates = f"{local_start:%Y%m%d}/{local_end:%Y%m%d}"
    else:
        dates = f"{_utc_stamp(occurrence.start_utc)}/{_utc_stamp(occurrence.end_utc)}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": f"{event.summary}\n\n{event_url(event)}",
        "location": event_location(event, online=False),
        "ctz": event.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(occurrence, *, office365: bool = False) -> str:
    event = occurrence.event
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": occurrence.start_utc.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": occurrence.end_utc.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": f"{strip_tags(event.summary)}\n\n{event_url(event)}",
        "location": event_location(event, online=False),
        "allday": "true" if event.all_day else "false",
    }
    host = "https://outlook.office.com" if office365 else "https://outlook.live.com"
    return f"{host}/calendar/0/deeplink/compose?" + urlencode(params)
