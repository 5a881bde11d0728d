"""The calendar's query string, whatever it holds: filters in any script, junk ignored with a message,
navigation clamped to the events' years, ids and pages beyond what a database holds. Never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client

from events.validation import EARLIEST_YEAR, LATEST_YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(events_index):
    """A visitor of a site that has its calendar page (events.models.EventIndexPage serves the calendar)."""
    return Client(raise_request_exception=False)


def test_non_ascii_tag_shows_the_filtered_calendar_and_its_feed(client, make_event):
    """An event tagged "биоразнообразие" links to ?tag=биоразнообразие, which answered 500."""
    make_event(title="Biodiversity webinar", tags=["биоразнообразие"])
    make_event(title="Unrelated dialogue", tags=["chm"])
    response = client.get("/en/events/", {"tag": "биоразнообразие"})
    assert response.status_code == 200
    assert "Biodiversity webinar" in response.text
    assert "Unrelated dialogue" not in response.text
    feed = f"/en/events/feed/tag/{quote('биоразнообразие')}.ics"
    assert feed in response.text
    ics = client.get(feed)
    assert ics.status_code == 200
    assert b"Biodiversity webinar" in ics.content


@pytest.mark.parametrize("tag", ["a.b", "bio\x00diversity", "two words", '"quoted"', "x" * 101])
def test_junk_tag_is_ignored_with_a_message(client, make_event, tag):
    make_event(title="Biodiversity webinar", tags=["chm"])
    response = client.get("/en/events/", {"tag": tag})
    assert response.status_code == 200
    assert "These filters are not valid and were ignored: Tag." in response.text
    assert "Biodiversity webinar" in response.text  # the tag filter is dropped, not applied


@pytest.mark.parametrize(
    ("view", "value"),
    [
        ("week", "0001-01-01"),
        ("week", "9999-12-31"),
        ("week", "1900-01-03"),
        ("month", "0001-01"),
        ("month", "9999-12"),
        ("month", "10000-01"),
        ("month", "２０２４-０１"),
    ],
)
def test_calendar_navigation_at_the_edges(client, view, value):
    """Week views at year 1 or 9999 answered 500 (OverflowError)."""
    response = client.get("/en/events/", {"view": view, view: value})
    assert response.status_code == 200


def test_navigation_stops_at_the_calendar_years(client):
    first_week = client.get("/en/events/", {"view": "week", "week": "0001-01-01"})
    assert 'rel="prev"' not in first_week.text and 'rel="next"' in first_week.text
    assert f"{EARLIEST_YEAR}" in first_week.text
    last_month = client.get("/en/events/", {"view": "month", "month": "9999-12"})
    assert 'rel="next"' not in last_month.text and 'rel="prev"' in last_month.text
    assert f"December {LATEST_YEAR}" in last_month.text


@pytest.mark.parametrize(
    "params",
    [
        {"view": "past", "page": str(10**30)},
        {"view": "past", "page": "abc"},
        {"view": "past", "page": "²"},
        {"community": str(2**64)},
        {"target": str(10**30)},
        {"community": "²"},
        {"language": "a\x00b"},
    ],
)
def test_ids_and_pages_out_of_range_do_not_reach_the_database(client, params):
    assert client.get("/en/events/", params).status_code == 200


def test_event_ics_id_beyond_64_bits_is_404(client):
    assert client.get(f"/en/events/ics/{2**64}.ics").status_code == 404
