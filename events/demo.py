"""Demo events: upcoming and past events of several types, a monthly webinar series, a knowledge fair,
registrations with a waiting list, and a partner's calendar imported from events/data/partner_feed.ics.

Idempotent: events are found by slug, the partner feed by its address; nothing is duplicated. Dates
are relative to the day of the first run. Registrations are written directly (they are history, and
seeding must not send e-mails)."""

from datetime import date, time, timedelta
from pathlib import Path

from django.utils import timezone

from cop.models import CommunityPage, GBFTarget, Language
from events import services
from events.importer.runs import feed_import
from events.models import (
    EventPage,
    EventPartner,
    EventSpeaker,
    ImportedFeed,
    OccurrenceChange,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
)

PARTNER_FEED = Path(__file__).parent / "data" / "partner_feed.ics"
PARTNER_FEED_URL = "https://gybn.example/calendar/knowledge-exchange.ics"


def _second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _events(today: date) -> list[dict]:
    month_start = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    series_start = _second_tuesday(month_start.year, month_start.month)
    return [
        {
            "slug": "chm-monthly-webinar",
            "community": "national-clearing-house-mechanisms",
            "title": "CHM monthly webinar: sharing national biodiversity data",
            "summary": "Focal points show how their clearing-house mechanism publishes national reports, "
            "species data and NBSAP progress, then answer questions.",
            "event_type": "webinar",
            "event_format": "online",
            "time_zone": "Europe/Paris",
            "start_date": series_start,
            "start_time": time(14, 0),
            "end_date": series_start,
            "end_time": time(15, 30),
            "recurrence_rule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
            "capacity": 100,
            "live_discussion": True,
            "online_url": "https://meet.km4b.example/chm-monthly",
            "online_instructions": "Passcode: CHM2030. Interpretation channels are in the meeting menu.",
            "languages": ["en", "fr", "es"],
            "interpretation": ["ar", "ru"],
            "targets": [21, 20],
            "tags": ["clearing-house", "data sharing"],
            "speakers": [
                ("organiser@km4b.example", "", "CBD Secretariat"),
                (None, "Dr. Kofi Mensah", "Ghana CHM"),
            ],
            "partners": [("CBD Secretariat", "https://www.cbd.int/")],
            "questions": [("Affiliation", "short", True), ("Accessibility needs", "long", False)],
            "changes": [(2, "cancel"), (4, "move")],
            "register": [
                "practitioner@km4b.example",
                "james@km4b.example",
                "wei@km4b.example",
                "marie@km4b.example",
            ],
        },
        {
            "slug": "km4b-knowledge-fair",
            "community": "national-clearing-house-mechanisms",
            "title": "KM4B knowledge fair: what works in biodiversity knowledge management",
            "summary": "Two days of stands, lightning talks and a marketplace of tools from national CHMs, "
            "IPLC organisations and research networks.",
            "event_type": "knowledge_fair",
            "event_format": "hybrid",
            "time_zone": "America/Toronto",
            "all_day": True,
            "start_date": today + timedelta(days=40),
            "end_date": today + timedelta(days=41),
            "venue_name": "Palais des congrès de Montréal",
            "venue_address": "1001 Place Jean-Paul-Riopelle, Montréal, QC, Canada",
            "latitude": "45.503860",
            "longitude": "-73.561780",
            "online_url": "https://meet.km4b.example/knowledge-fair",
            "capacity": 250,
            "registration_mode": "deadline",
            "deadline_days": 35,
            "languages": ["en", "fr"],
            "targets": [21, 22],
            "tags": ["knowledge fair"],
            "partners": [("Université de Montréal", "")],
            "register": ["marie@km4b.example", "olga@km4b.example"],
        },
        {
            "slug": "youth-dialogue-nbsap",
            "community": "youth-for-biodiversity",
            "title": "Youth dialogue: writing youth into updated NBSAPs",
            "summary": "A small-group dialogue on how youth networks got their proposals into national "
            "biodiversity strategies. Seats are limited to keep it conversational.",
            "event_type": "dialogue",
            "event_format": "online",
            "time_zone": "Africa/Nairobi",
            "start_date": today + timedelta(days=5),
            "start_time": time(16, 0),
            "end_date": today + timedelta(days=5),
            "end_time": time(17, 30),
            "capacity": 3,
            "online_url": "https://meet.km4b.example/youth-dialogue",
            "live_discussion": True,
            "languages": ["en", "es"],
            "targets": [22],
            "tags": ["youth", "NBSAP"],
            "register": [
                "james@km4b.example",
                "aroha@km4b.example",
                "tupac@km4b.example",
                "priya@km4b.example",
                "layla@km4b.example",
            ],
        },
        {
            "slug": "arab-region-training-chm",
            "community": "arab-region-biodiversity-knowledge",
            "title": "Training course: running a national clearing-house mechanism",
            "summary": "Three days of hands-on training for Arab-region focal points, in Arabic with "
            "English interpretation.",
            "event_type": "training",
            "event_format": "hybrid",
            "time_zone": "Asia/Amman",
            "start_date": today + timedelta(days=20),
            "start_time": time(9, 0),
            "end_date": today + timedelta(days=22),
            "end_time": time(16, 0),
            "venue_name": "Royal Society for the Conservation of Nature",
            "venue_address": "Amman, Jordan",
            "latitude": "31.963158",
            "longitude": "35.930359",
            "online_url": "https://meet.km4b.example/arab-chm-training",
            "capacity": 30,
            "languages": ["ar"],
            "interpretation": ["en"],
            "targets": [21],
            "tags": ["training", "clearing-house"],
            "register": ["layla@km4b.example"],
        },
        {
            "slug": "iplc-protocols-round-table",
            "community": "traditional-knowledge-community-protocols",
            "title": "Round table: biocultural community protocols in practice",
            "summary": "Community representatives compare how their protocols guide free, prior and "
            "informed consent. For members of the community only.",
            "event_type": "round_table",
            "event_format": "online",
            "time_zone": "America/La_Paz",
            "start_date": today + timedelta(days=12),
            "start_time": time(10, 0),
            "end_date": today + timedelta(days=12),
            "end_time": time(12, 0),
            "online_url": "https://meet.km4b.example/protocols",
            "languages": ["es", "en"],
            "targets": [22, 13],
            "tags": ["IPLC", "traditional knowledge"],
            "register": ["tupac@km4b.example", "aroha@km4b.example"],
        },
        {
            "slug": "seed-bank-study-visit",
            "community": "womens-stewardship-seeds",
            "title": "Study visit: a women-led community seed bank",
            "summary": "A day with the women who run a community seed bank in Tamil Nadu: storage, "
            "exchange rules and record keeping.",
            "event_type": "study_visit",
            "event_format": "in_person",
            "time_zone": "Asia/Kolkata",
            "start_date": today + timedelta(days=60),
            "start_time": time(8, 30),
            "end_date": today + timedelta(days=60),
            "end_time": time(17, 0),
            "venue_name": "Community seed bank, Kolli Hills",
            "venue_address": "Namakkal district, Tamil Nadu, India",
            "latitude": "11.248000",
            "longitude": "78.338000",
            "capacity": 15,
            "languages": ["en"],
            "targets": [4, 13, 23],
            "tags": ["seeds", "women"],
            "register": ["priya@km4b.example"],
        },
        {
            "slug": "coaching-data-stories",
            "community": "youth-for-biodiversity",
            "title": "Coaching session: telling stories with biodiversity data",
            "summary": "Small-group coaching on turning monitoring data into stories for decision makers.",
            "event_type": "coaching",
            "event_format": "online",
            "time_zone": "America/Bogota",
            "start_date": today - timedelta(days=10),
            "start_time": time(9, 0),
            "end_date": today - timedelta(days=10),
            "end_time": time(10, 30),
            "online_url": "https://meet.km4b.example/coaching",
            "languages": ["es"],
            "targets": [21],
            "tags": ["data sharing"],
            "past_attendees": ["practitioner@km4b.example", "tupac@km4b.example"],
        },
        {
            "slug": "webinar-gbf-target-3-lessons",
            "community": "national-clearing-house-mechanisms",
            "title": "Webinar: first lessons from reporting on GBF Target 3",
            "summary": "Three countries share how they report protected and conserved areas under Target 3.",
            "event_type": "webinar",
            "event_format": "online",
            "time_zone": "UTC",
            "start_date": today - timedelta(days=30),
            "start_time": time(13, 0),
            "end_date": today - timedelta(days=30),
            "end_time": time(14, 30),
            "online_url": "https://meet.km4b.example/target-3",
            "recording_url": "https://media.km4b.example/recordings/target-3-lessons",
            "followup_summary": "<p>Countries agreed that OECM reporting needs shared definitions; the "
            "slides and the recording are linked above.</p>",
            "languages": ["en", "fr"],
            "targets": [3],
            "tags": ["GBF"],
            "past_attendees": ["marie@km4b.example", "james@km4b.example", "wei@km4b.example"],
        },
    ]


def _community(context, slug):
    communities = context.get("communities") or {}
    return communities.get(slug) or CommunityPage.objects.filter(slug=slug).first()


def _build(data: dict, community, users: dict) -> EventPage:
    fields = {
        key: data[key]
        for key in (
            "title",
            "summary",
            "event_type",
            "event_format",
            "time_zone",
            "start_date",
            "end_date",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "online_url",
            "online_instructions",
            "recurrence_rule",
            "capacity",
            "registration_mode",
            "recording_url",
            "followup_summary",
            "live_discussion",
        )
        if key in data
    }
    page = EventPage(slug=data["slug"], community=community, all_day=data.get("all_day", False), **fields)
    page.start_time = data.get("start_time")
    page.end_time = data.get("end_time")
    if data.get("deadline_days"):
        page.registration_deadline = timezone.now() + timedelta(days=data["deadline_days"])
    page.working_languages.set(list(Language.objects.filter(code__in=data.get("languages", []))))
    page.interpretation_languages.set(list(Language.objects.filter(code__in=data.get("interpretation", []))))
    page.gbf_targets.set(list(GBFTarget.objects.filter(number__in=data.get("targets", []))))
    page.tags.set(data.get("tags", []))
    for email, name, affiliation in data.get("speakers", []):
        member = users.get(email) if email else None
        page.speakers.add(EventSpeaker(member=member, name=name, affiliation=affiliation))
    for name, url in data.get("partners", []):
        page.partners.add(EventPartner(name=name, url=url))
    for label, kind, required in data.get("questions", []):
        page.questions.add(RegistrationQuestion(label=label, kind=kind, required=required))
    if data.get("recurrence_rule"):
        start = data["start_date"]
        for number, action in data.get("changes", []):
            month = (start.month - 1 + number) % 12 + 1
            year = start.year + (start.month - 1 + number) // 12
            original = _second_tuesday(year, month)
            if action == "cancel":
                page.occurrence_changes.add(OccurrenceChange(original_date=original, cancelled=True))
            else:
                page.occurrence_changes.add(
                    OccurrenceChange(
                        original_date=original,
                        new_start_date=original + timedelta(days=1),
                        new_start_time=time(15, 0),
                    )
                )
    return page


def _register(event: EventPage, data: dict, users: dict) -> int:
    """Demo registrations: seats first, then the waiting list; past events get attendance."""
    now = timezone.now()
    count = 0
    occurrences = list(event.occurrences.filter(is_cancelled=False).order_by("start_utc"))
    upcoming = [occ for occ in occurrences if occ.start_utc > now][:2]
    for occurrence in upcoming:
        for position, email in enumerate(data.get("register", [])):
            user = users.get(email)
            if user is None:
                continue
            full = event.capacity is not None and position >= event.capacity
            _registration, created = Registration.objects.get_or_create(
                occurrence=occurrence,
                user=user,
                defaults={
                    "status": RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED,
                    "waitlisted_at": now + timedelta(seconds=position) if full else None,
                },
            )
            count += created
    past = [occ for occ in occurrences if occ.start_utc <= now]
    for occurrence in past[-1:]:
        for position, email in enumerate(data.get("past_attendees", []) + data.get("register", [])[:2]):
            user = users.get(email)
            if user is None:
                continue
            _registration, created = Registration.objects.get_or_create(
                occurrence=occurrence,
                user=user,
                defaults={"status": RegistrationStatus.REGISTERED, "attended": position % 3 != 2},
            )
            count += created
    return count


def seed(context: dict, stdout=None) -> dict:
    users = context.get("users", {})
    index = services.events_index()
    if not index.intro:
        index.intro = (
            "Webinars, dialogues, training courses, knowledge fairs and study visits run by the "
            "communities. Register, add them to your calendar, or subscribe to a feed."
        )
        index.save_revision().publish()
    created = registered = 0
    today = timezone.localdate()
    for data in _events(today):
        event = EventPage.objects.filter(slug=data["slug"]).first()
        if event is None:
            community = _community(context, data["community"])
            event = services.event_create(page=_build(data, community, users))
            created += 1
        registered += _register(event, data, users)
    feed = ImportedFeed.objects.filter(url=PARTNER_FEED_URL).first()
    youth = _community(context, "youth-for-biodiversity")
    if feed is None and youth is not None:
        feed = ImportedFeed.objects.create(
            community=youth,
            title="Global Youth Biodiversity Network (demo copy of the partner feed)",
            url=PARTNER_FEED_URL,
            # The demo address is not reachable: the copy shipped in events/data is imported once.
            is_active=False,
        )
        feed_import(feed=feed, fetcher=lambda url: PARTNER_FEED.read_bytes())
    context["events_index"] = index
    if stdout is not None:
        stdout.write(f"Events: {created} created, {registered} registrations added, partner feed imported.")
    return context
