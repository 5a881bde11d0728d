import datetime as dt

import pytest
from django.core.cache import cache

from tests.factories import EventPageFactory, UserFactory, events_community, events_membership


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def events_index(site_home):
    from events.services import events_index

    return events_index()


@pytest.fixture
def community(events_index):
    return events_community(title="National CHM focal points")


@pytest.fixture
def private_community(events_index):
    return events_community(title="IPLC protocols circle", visibility="members")


@pytest.fixture
def facilitator(community):
    user = UserFactory()
    events_membership(user, community, role="facilitator")
    return user


@pytest.fixture
def make_event(events_index, community):
    def make(**kwargs):
        kwargs.setdefault("community", community)
        return EventPageFactory(**kwargs)

    return make


@pytest.fixture
def future_day():
    return dt.date.today() + dt.timedelta(days=10)
