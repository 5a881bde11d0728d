import pytest
from django.urls import reverse

from events.importer.runs import feed_import
from events.models import ImportedFeed
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_event_admin_forms_open(admin_client, make_event, events_index):
    event = make_event(recurrence_rule="FREQ=MONTHLY;COUNT=3")
    assert admin_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).status_code == 200
    add = reverse("wagtailadmin_pages:add", args=["events", "eventpage", events_index.pk])
    assert admin_client.get(add).status_code == 200


def test_import_snippets_list_and_inspect(admin_client, community):
    feed = ImportedFeed.objects.create(
        community=community, title="Partner", url="https://partner.example/x.ics"
    )
    report = feed_import(feed=feed, fetcher=lambda url: b"nonsense")
    listing = admin_client.get(reverse("wagtailsnippets_events_importreport:list"))
    assert listing.status_code == 200
    inspect = admin_client.get(reverse("wagtailsnippets_events_importreport:inspect", args=[report.pk]))
    assert inspect.status_code == 200 and "not an iCalendar" in inspect.content.decode()
    assert admin_client.get(reverse("wagtailsnippets_events_importedfeed:list")).status_code == 200
