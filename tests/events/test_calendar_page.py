"""events.models.index: the calendar page serves its own listing through its index route (Wagtail's
RoutablePageMixin) at the address named events:calendar."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_calendar_is_served_by_its_page_at_its_named_address(client, events_index, make_event):
    make_event(title="Knowledge fair on páramo restoration")
    address = reverse("events:calendar")
    assert address == events_index.url + events_index.reverse_subpage("calendar")
    response = client.get(address, {"view": "month"})
    assert response.status_code == 200
    assert response.context["page"] == events_index
    assert response.context["view"] == "month"
    assert [t.name for t in response.templates][0] == "events/calendar.html"


def test_an_unknown_sub_address_of_the_calendar_is_not_found(client, events_index):
    assert client.get(reverse("events:calendar") + "no-such-route/").status_code == 404
