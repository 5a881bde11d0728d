"""events.models.index: the calendar page serves its own listing through its index route (Wagtail's
RoutablePageMixin) at the address named events:calendar."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

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


def test_a_site_without_a_calendar_page_gets_it_on_the_first_visit(client, site_home):
    from events.models import EventIndexPage

    assert not EventIndexPage.objects.exists()
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert "No events yet." in response.content.decode()
    index = EventIndexPage.objects.get()
    assert index.get_parent().specific == site_home and index.live
    assert client.get(reverse("events:calendar"), {"view": "week"}).status_code == 200
    assert EventIndexPage.objects.count() == 1


def test_without_a_home_page_the_calendar_is_not_found(client, db):
    from events.models import EventIndexPage

    assert client.get(reverse("events:calendar")).status_code == 404
    assert not EventIndexPage.objects.exists()


def test_the_calendar_keeps_wagtail_view_restrictions(client, events_index, site_home):
    from wagtail.models import PageViewRestriction

    assert client.get(reverse("events:calendar")).status_code == 200  # none kept for the calendar
    restriction = PageViewRestriction.objects.create(page=site_home, restriction_type="login")
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(reverse("events:calendar")).status_code == 200
    PageViewRestriction.objects.create(page=events_index, restriction_type="login")
    assert client.get(reverse("events:calendar")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("events:calendar")).status_code == 200


def test_an_unpublished_calendar_is_not_found(client, events_index):
    events_index.unpublish()
    assert client.get(reverse("events:calendar")).status_code == 404


def test_a_renamed_or_moved_calendar_is_routed_where_it_is(client, events_index, site_home):
    from wagtail.models import Page

    assert client.get("/en/events/").status_code == 200
    events_index.slug = "calendar"
    events_index.save_revision().publish()
    assert client.get("/en/events/").status_code == 404
    assert client.get("/en/calendar/").status_code == 200
    events_index.slug = "events"
    events_index.save_revision().publish()
    assert client.get("/en/events/").status_code == 200
    other = site_home.add_child(instance=Page(title="Elsewhere", slug="elsewhere"))
    events_index.move(other, pos="last-child")
    response = client.get("/en/events/")  # not the calendar any more: Wagtail's redirect to its new place
    assert response.status_code == 301 and response["Location"] == "/en/elsewhere/events/"


def test_the_calendar_is_served_from_the_page_tree_like_every_page(
    client, events_index, make_event, django_assert_num_queries
):
    """Its address is the page tree's serve (home.sites: the route table), not a view of its own: a warm
    anonymous calendar reads its page by id and nothing else, however many events it lists."""
    from django.urls import resolve

    from home import sites

    assert resolve(reverse("events:calendar")).func is sites.serve
    make_event(title="Knowledge fair on páramo restoration")
    client.get(reverse("events:calendar"))
    with django_assert_num_queries(1):
        assert client.get(reverse("events:calendar")).status_code == 200
    for n in range(5):
        make_event(title=f"Clinic {n}")
    client.get(reverse("events:calendar"))
    with django_assert_num_queries(1):
        html = client.get(reverse("events:calendar")).content.decode()
    assert "Clinic 4" in html
