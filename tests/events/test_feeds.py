"""Calendar feeds: built in a constant number of queries whatever the number of events, cached per scope
and language, and invalidated only where the changed event is listed, the superseded copies deleted."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from events import feed_cache, ical, services
from events.emails import event_url
from events.models import EventPage, OccurrenceChange
from tests.factories import UserFactory, events_community

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def summaries(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")}


def is_cached(scope: str, language: str = "en") -> bool:
    version = cache.get(feed_cache._version_key(scope))
    return version is not None and cache.get(feed_cache._feed_key(scope, version, language)) is not None


@pytest.fixture
def other_community(events_index):
    return events_community(title="Youth biodiversity network")


@pytest.fixture
def member(db):
    return UserFactory()


def add_events(make_event, member, community, count: int, start: int) -> None:
    """Events of every kind a feed writes: single, series with a moved session, with tags; the member
    registers for each."""
    for n in range(start, start + count):
        event = make_event(
            title=f"Exchange {n}",
            community=community,
            event_type="workshop",
            tags=["youth", f"topic-{n}"],
            recurrence_rule="FREQ=WEEKLY;COUNT=4" if n % 3 == 0 else "",
            venue_name="UNON, Gigiri",
            latitude="-1.2345",
            longitude="36.8123",
        )
        services.event_register(user=member, occurrence_id=event.occurrences.order_by("start_utc").first().pk)


def feed_urls(community, token) -> dict:
    return {
        "site": reverse("events:feed_site"),
        "community": reverse("events:feed_community", args=[community.slug]),
        "type": reverse("events:feed_type", args=["workshop"]),
        "tag": reverse("events:feed_tag", args=["youth"]),
        "personal": reverse("events:feed_personal", args=[token]),
    }


def count_queries(client, urls) -> dict:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries.captured_queries)
    return counts


def test_every_feed_is_built_in_the_same_queries_for_3_and_30_events(
    client, make_event, community, member, settings, django_assert_num_queries
):
    # No cache at all: neither the feeds nor Wagtail's site root paths, so nothing per event can hide.
    settings.CACHES = NO_CACHE
    cache.clear()
    token = services.calendar_token_rotate(user=member).token
    urls = feed_urls(community, token)
    add_events(make_event, member, community, 3, start=0)
    few = count_queries(client, urls)
    add_events(make_event, member, community, 27, start=3)
    for name, url in urls.items():
        with django_assert_num_queries(few[name]):
            response = client.get(url)
        assert len(summaries(response)) == 30, name
    # The request's Wagtail site (home.sites, read again after pages changed), Wagtail's view restrictions
    # and site root paths, events, sessions; the community or the token; for a tag, whether a public event
    # carries it.
    assert max(few.values()) <= 7, few


def test_one_event_ics_is_built_in_the_same_queries_for_3_and_30_sessions(
    client, make_event, settings, django_assert_num_queries
):
    settings.CACHES = NO_CACHE

    def series(count: int) -> EventPage:
        event = make_event(
            title=f"{count} sessions",
            start_date=dt.date(2030, 1, 7),
            end_date=dt.date(2030, 1, 7),
            recurrence_rule=f"FREQ=WEEKLY;COUNT={count}",
        )
        event = event.get_latest_revision_as_object()
        for week in range(0, count, 2):  # every other session moved by a day: an override VEVENT each
            day = dt.date(2030, 1, 7) + dt.timedelta(weeks=week)
            event.occurrence_changes.add(
                OccurrenceChange(original_date=day, new_start_date=day + dt.timedelta(days=1))
            )
        return services.event_update(page=event)

    short, long = series(3), series(30)
    counts = count_queries(client, {"short": reverse("events:event_ics", args=[short.pk])})
    with django_assert_num_queries(counts["short"]):
        response = client.get(reverse("events:event_ics", args=[long.pk]))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1 + 15


def test_feed_addresses_are_wagtails(make_event, community):
    events = [make_event(title=f"Event {n}") for n in range(2)]
    events.append(make_event(title="Встреча", slug="встреча-по-биоразнообразию"))  # quoted as Wagtail does
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            urls = ical.PageUrls()
            assert [urls(event) for event in events] == [event_url(event) for event in events]
            assert f"/{language}/" in urls(events[0])


def test_a_change_invalidates_only_the_feeds_listing_the_event(
    client, make_event, community, other_community, django_capture_on_commit_callbacks
):
    registrant, bystander = UserFactory(), UserFactory()
    changed = make_event(title="Before", community=community, event_type="webinar", tags=["youth"])
    make_event(title="Elsewhere", community=other_community, event_type="workshop", tags=["forests"])
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=registrant, occurrence_id=changed.occurrences.get().pk)
    tokens = {user.pk: services.calendar_token_rotate(user=user).token for user in (registrant, bystander)}
    urls = {
        feed_cache.SITE_SCOPE: reverse("events:feed_site"),
        feed_cache.community_scope(community.pk): reverse("events:feed_community", args=[community.slug]),
        feed_cache.community_scope(other_community.pk): reverse(
            "events:feed_community", args=[other_community.slug]
        ),
        feed_cache.type_scope("webinar"): reverse("events:feed_type", args=["webinar"]),
        feed_cache.type_scope("workshop"): reverse("events:feed_type", args=["workshop"]),
        feed_cache.tag_scope("youth"): reverse("events:feed_tag", args=["youth"]),
        feed_cache.tag_scope("forests"): reverse("events:feed_tag", args=["forests"]),
        feed_cache.personal_scope(registrant.pk): reverse(
            "events:feed_personal", args=[tokens[registrant.pk]]
        ),
        feed_cache.personal_scope(bystander.pk): reverse("events:feed_personal", args=[tokens[bystander.pk]]),
    }
    for url in urls.values():
        client.get(url)
    assert all(is_cached(scope) for scope in urls)
    old_versions = {scope: cache.get(feed_cache._version_key(scope)) for scope in urls}

    page = changed.get_latest_revision_as_object()
    page.title = "After"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(page=page)

    listing = {
        feed_cache.SITE_SCOPE,
        feed_cache.community_scope(community.pk),
        feed_cache.type_scope("webinar"),
        feed_cache.tag_scope("youth"),
        feed_cache.personal_scope(registrant.pk),
    }
    assert {scope for scope in urls if not is_cached(scope)} == listing
    for scope in listing:  # deleted, not left to expire
        assert cache.get(feed_cache._feed_key(scope, old_versions[scope], "en")) is None
        assert "After" in summaries(client.get(urls[scope]))


def test_moving_an_event_refreshes_the_feeds_it_leaves(
    client, make_event, community, other_community, django_capture_on_commit_callbacks
):
    event = make_event(title="Moving", community=community, event_type="webinar", tags=["youth"])
    old_feeds = [
        reverse("events:feed_community", args=[community.slug]),
        reverse("events:feed_type", args=["webinar"]),
        reverse("events:feed_tag", args=["youth"]),
    ]
    new_feeds = [
        reverse("events:feed_community", args=[other_community.slug]),
        reverse("events:feed_type", args=["dialogue"]),
        reverse("events:feed_tag", args=["forests"]),
    ]
    assert all("Moving" in summaries(client.get(url)) for url in old_feeds)
    assert all("Moving" not in summaries(client.get(url)) for url in new_feeds)
    page = event.get_latest_revision_as_object()
    page.community, page.event_type = other_community, "dialogue"
    page.tags.set(["forests"])
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(page=page)
    assert all("Moving" not in summaries(client.get(url)) for url in old_feeds)
    assert all("Moving" in summaries(client.get(url)) for url in new_feeds)


def test_a_registration_invalidates_only_the_registrants_personal_feed(
    client, make_event, django_capture_on_commit_callbacks
):
    event = make_event(title="Open webinar", capacity=1)
    first, second = UserFactory(), UserFactory()
    tokens = {user.pk: services.calendar_token_rotate(user=user).token for user in (first, second)}
    for user in (first, second):
        client.get(reverse("events:feed_personal", args=[tokens[user.pk]]))
    client.get(reverse("events:feed_site"))
    occurrence = event.occurrences.get()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.event_register(user=first, occurrence_id=occurrence.pk)
    assert not is_cached(feed_cache.personal_scope(first.pk))
    assert is_cached(feed_cache.personal_scope(second.pk)) and is_cached(feed_cache.SITE_SCOPE)
    # The second waits; when the first cancels, the seat offered to the second shows in their feed.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=second, occurrence_id=occurrence.pk)
    client.get(reverse("events:feed_personal", args=[tokens[second.pk]]))
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=registration.pk, user=first)
    assert not is_cached(feed_cache.personal_scope(first.pk)) and not is_cached(
        feed_cache.personal_scope(second.pk)
    )
    assert is_cached(feed_cache.SITE_SCOPE)
    assert summaries(client.get(reverse("events:feed_personal", args=[tokens[first.pk]]))) == set()


def test_a_deleted_event_leaves_the_feeds_at_once(client, make_event, django_capture_on_commit_callbacks):
    event = make_event(title="Deleted soon", tags=["youth"])
    urls = [reverse("events:feed_site"), reverse("events:feed_tag", args=["youth"])]
    assert all("Deleted soon" in summaries(client.get(url)) for url in urls)
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=event.pk).delete()
    assert all("Deleted soon" not in summaries(client.get(url)) for url in urls)


def test_every_language_is_cached_apart_and_invalidated_together(client, make_event):
    make_event(title="Dialogue")
    for language in ("en", "fr"):
        with translation.override(language):
            url = reverse("events:feed_site")
        assert f"/{language}/events/" in client.get(url).content.decode().replace("\r\n ", "")
    assert is_cached(feed_cache.SITE_SCOPE, "en") and is_cached(feed_cache.SITE_SCOPE, "fr")
    version = cache.get(feed_cache._version_key(feed_cache.SITE_SCOPE))
    feed_cache.invalidate_feeds({feed_cache.SITE_SCOPE})
    for language in ("en", "fr"):
        assert cache.get(feed_cache._feed_key(feed_cache.SITE_SCOPE, version, language)) is None


def test_a_feed_built_while_invalidated_is_not_kept(db):
    """A build that read the rows before a change committed must not be served after it."""
    scope = feed_cache.community_scope(1)

    def build_during_a_change():
        feed_cache.invalidate_feeds({scope})  # the change commits while this build reads the old rows
        return b"stale"

    with translation.override("en"):
        assert feed_cache.cached_feed(scope, build_during_a_change) == b"stale"  # this request gets its build
        assert not is_cached(scope)
        assert feed_cache.cached_feed(scope, lambda: b"fresh") == b"fresh"
        assert feed_cache.cached_feed(scope, lambda: b"not built") == b"fresh"


def test_a_tag_that_no_public_event_carries_gets_an_empty_feed_never_cached(client, make_event, community):
    # Made up, or carried only by a hidden community's event: the same empty calendar, nothing cached
    # (requests for made-up tags cannot fill the cache), nothing revealed about the hidden event.
    hidden = events_community(title="Hidden circle", visibility="hidden")
    make_event(community=hidden, title="Closed circle", tags=["sacred-grove"])
    make_event(community=community, title="Open webinar", tags=["youth"])
    made_up = client.get(reverse("events:feed_tag", args=["no-event-has-this-tag"]))
    hidden_only = client.get(reverse("events:feed_tag", args=["sacred-grove"]))
    assert summaries(made_up) == summaries(hidden_only) == set()
    for tag in ("no-event-has-this-tag", "sacred-grove"):
        assert cache.get(feed_cache._version_key(feed_cache.tag_scope(tag))) is None
    assert "Open webinar" in summaries(client.get(reverse("events:feed_tag", args=["youth"])))
