"""events.services.events: the calendar page is made where the site's home page is, without events
importing home (events.services.events_index)."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from events.models import EventIndexPage
from events.services import EventError, events_index

pytestmark = pytest.mark.django_db


def test_the_calendar_page_is_made_once_under_the_default_sites_home_page(site_home):
    assert not EventIndexPage.objects.exists()
    index = events_index()
    assert index.get_parent().specific == site_home
    assert Site.objects.get(is_default_site=True).root_page_id == site_home.pk
    assert events_index().pk == index.pk
    assert EventIndexPage.objects.count() == 1
    assert index.url == reverse("events:calendar")


def test_a_site_whose_root_is_not_a_home_page_gets_no_calendar_page():
    """Wagtail's welcome page (a fresh database) may not hold the calendar (EventIndexPage.parent_page_types)."""
    root = Site.objects.get(is_default_site=True).root_page.specific
    assert not EventIndexPage.can_create_at(root)
    with pytest.raises(EventError, match="no home page yet"):
        events_index()
    assert not EventIndexPage.objects.exists()
