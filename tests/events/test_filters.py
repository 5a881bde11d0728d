"""events.filters.CalendarFilter through the list selectors (a filters dict, HackSoft style): valid
values narrow the calendar, invalid ones are left out while the others still apply."""

import pytest
from django.contrib.auth.models import AnonymousUser

from events import services
from events.filters import CalendarFilter
from events.selectors import calendar as selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def titles(occurrences) -> set[str]:
    return {occurrence.event.title for occurrence in occurrences}


def test_valid_filters_narrow_and_invalid_ones_are_left_out(make_event, community):
    make_event(title="Tagged webinar", event_type="webinar", tags=["биоразнообразие"])
    make_event(title="Tagged dialogue", event_type="dialogue", tags=["биоразнообразие"])
    make_event(title="Untagged webinar", event_type="webinar")
    anonymous = AnonymousUser()
    assert titles(selectors.upcoming(anonymous, {"tag": "биоразнообразие"})) == {
        "Tagged webinar",
        "Tagged dialogue",
    }
    both = {"tag": "биоразнообразие", "type": "webinar"}
    assert titles(selectors.upcoming(anonymous, both)) == {"Tagged webinar"}
    junk = {"tag": "a.b", "type": "webinar", "community": "²", "target": str(10**30)}
    assert titles(selectors.upcoming(anonymous, junk)) == {"Tagged webinar", "Untagged webinar"}
    filterset = CalendarFilter(junk, user=anonymous, communities=[community])
    assert filterset.valid_values() == {"type": "webinar"}
    assert filterset.invalid_labels() == ["Community", "GBF target", "Tag"]


def test_only_my_events_is_a_checkbox_and_empty_for_visitors(make_event):
    mine = make_event(title="Mine")
    make_event(title="Someone else's")
    user = UserFactory()
    services.event_register(user=user, occurrence_id=mine.occurrences.get().pk)
    for ticked in ("on", "1"):  # the form's checkbox sends "on"; links use 1
        assert titles(selectors.upcoming(user, {"mine": ticked})) == {"Mine"}
    assert titles(selectors.upcoming(AnonymousUser(), {"mine": "on"})) == set()
    assert titles(selectors.upcoming(user, {})) == {"Mine", "Someone else's"}
