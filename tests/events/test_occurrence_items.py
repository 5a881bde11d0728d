"""Event list items are cached per state of the occurrence and its event (events.fragments.render_items):
an edit shows at once, and the viewer's own registration is theirs, not the cached text's."""

import pytest
from django.urls import reverse

from events import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_edited_event_shows_its_new_title_and_cancellation(client, make_event):
    event = make_event(title="Webinar on CHM")
    url = reverse("events:calendar")
    assert "Webinar on CHM" in client.get(url).content.decode()
    event.title = "Webinar on national CHMs"
    event = services.event_update(page=event)
    html = client.get(url).content.decode()
    assert "Webinar on national CHMs" in html and "Webinar on CHM<" not in html
    services.event_cancel(event=event, reason="The speaker is ill.")
    assert "is-cancelled" in client.get(url).content.decode()


def test_the_registration_badge_belongs_to_the_viewer(client, make_event):
    event = make_event(title="Knowledge fair")
    registered = UserFactory()
    services.event_register(user=registered, occurrence_id=event.occurrences.get().pk)
    url = reverse("events:calendar")
    client.force_login(registered)
    assert "badge--mine" in client.get(url).content.decode()
    client.force_login(UserFactory())
    html = client.get(url).content.decode()
    assert "Knowledge fair" in html and "badge--mine" not in html
    client.logout()
    assert "badge--mine" not in client.get(url).content.decode()


def test_items_follow_the_viewers_time_zone(client, make_event):
    make_event(title="Dialogue", time_zone="Europe/Paris")
    url = reverse("events:calendar")
    client.cookies["tz"] = "Asia/Tokyo"
    assert "(Asia/Tokyo)" in client.get(url).content.decode()
    client.cookies["tz"] = "America/Bogota"
    html = client.get(url).content.decode()
    assert "(America/Bogota)" in html and "(Asia/Tokyo)" not in html
