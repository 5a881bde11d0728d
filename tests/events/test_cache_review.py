"""Second look at the calendar's kept lists: Wagtail unpublishes through the base Page (the admin's
bulk unpublish, scheduled expiry in publish_scheduled): the next request must no longer list it."""

import pytest
from django.urls import reverse
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def _calendar(client) -> str:
    response = client.get(reverse("events:calendar"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_an_event_unpublished_as_a_plain_page_leaves_the_calendar_at_once(client, make_event):
    event = make_event(title="Seed exchange")
    assert "Seed exchange" in _calendar(client)
    Page.objects.get(pk=event.pk).unpublish()  # how bulk unpublish and scheduled expiry do it
    assert "Seed exchange" not in _calendar(client)


def test_a_community_unpublished_as_a_plain_page_takes_its_events_along(client, make_event, community):
    make_event(title="Community clinic", community=community)
    assert "Community clinic" in _calendar(client)
    Page.objects.get(pk=community.pk).unpublish()
    assert "Community clinic" not in _calendar(client)


def test_an_event_moved_with_its_index_links_to_its_new_address_at_once(client, make_event):
    from wagtail.models import Page as WagtailPage

    event = make_event(title="Seed exchange")
    index = event.get_parent()
    archive = index.get_parent().add_child(instance=WagtailPage(title="Archive", slug="archive"))
    assert "/archive/" not in _calendar(client)
    index.move(archive, pos="last-child")  # Wagtail's move: the event's url_path rewritten by an update
    event.refresh_from_db()
    assert "/archive/" in event.url_path
    assert f'href="{event.get_url()}#' in _calendar(client)
