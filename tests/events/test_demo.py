from django.core.management import call_command

from events.models import EventPage, ImportedFeed, Occurrence, Registration


def test_seed_demo_is_idempotent_and_has_events(db, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (EventPage.objects.count(), Occurrence.objects.count(), Registration.objects.count())
    assert counts[0] >= 8 + 3  # own events and the partner feed's
    assert EventPage.objects.filter(event_type="knowledge_fair").exists()
    series = EventPage.objects.get(slug="chm-monthly-webinar")
    assert series.recurrence_rule and series.occurrences.filter(is_cancelled=True).exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    assert ImportedFeed.objects.get().reports.get().created == 3
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (EventPage.objects.count(), Occurrence.objects.count(), Registration.objects.count()) == counts
    assert client.get("/en/events/").status_code == 200
    assert client.get(series.url).status_code == 200
