"""No input answers 5xx: every URL pattern of the project is requested with hostile path segments and
hostile query strings, by an anonymous visitor and by a signed-in member (a facilitator of the seeded
community, so that the organisers' pages run too), over a small seeded dataset so that the real views
run. Every response must be below 500; a failure lists each URL that answered 5xx.

The Wagtail admin (/admin/) and the Django admin (/django-admin/) are left out: they are staff-only
(an anonymous visitor or a member is redirected to the login page before any view parses input) and
their views are upstream code, tested upstream. Every other pattern is covered, including the
i18n-prefixed ones in every language, allauth's, Wagtail's document, password and page-serving routes.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import EventPageFactory, UserFactory, events_community, forums_member, forums_thread

pytestmark = pytest.mark.django_db

EXCLUDED_PREFIXES = ("admin/", "django-admin/")
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]

# Values that a path segment matched by an integer converter can hold: zero, padded, and beyond what a
# 64-bit database column holds.
HOSTILE_INTEGERS = [
    "0",
    "00000000000000000001",
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(10**30),
    "9" * 400,
]

# Text for path segments and query strings: numbers out of range, dates out of range, NUL and control
# characters, quotes, markup, every script, bidi controls, dots, a 10 KB string.
HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    str(2**63),
    str(2**64),
    str(10**30),
    "-" + str(10**30),
    "1e309",
    "NaN",
    "1.5",
    "²",
    "١٢",
    "abc",
    "\x00",
    "a\x00b",
    "\r\n",
    '"',
    '"unbalanced',
    "'",
    "\\",
    "*",
    "<script>alert(1)</script>",
    "биоразнообразие",
    "التنوع البيولوجي",
    "生物多样性",
    "जैव विविधता",
    "🦋🌍",
    "\u202eevil\u202c",
    "\u2066x\u2069\u200f\u061c",
    "a.b",
    ".",
    "..",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "0001-01",
    "9999-12",
    "2024-02-30",
    "2024-W53",
    "x" * 10240,
]

# Already percent-encoded: broken UTF-8, an encoded NUL, encoded dots, an encoded bidi override.
RAW_SEGMENTS = ["%ff%fe", "%00", "%2e%2e", "%c0%ae", "%E2%80%AE", "%25", "%"]

# Every GET parameter a view of the project reads (grep request.GET and the filter forms), and the
# usual ones of allauth and Wagtail.
QUERY_NAMES = [
    "page",
    "p",
    "tag",
    "q",
    "view",
    "year",
    "month",
    "week",
    "day",
    "date",
    "type",
    "format",
    "community",
    "language",
    "target",
    "region",
    "stakeholder",
    "country",
    "mine",
    "sort",
    "quote",
    "before",
    "next",
    "lang",
]

# A few values for the views that refuse a GET or the visitor before reading the query string.
SHARP_TEXT = ["\x00", '"unbalanced', str(2**64), "-1", "биоразнообразие", "a.b", "9999-12-31", "x" * 10240]

# Values that switch a view into another mode, combined with hostile values for everything else.
CSV = [{"format": "csv"}]
MODES = {
    "events:calendar": [{"view": "month"}, {"view": "week"}, {"view": "past"}],  # the calendar page's route
    "events.views.organiser.attendees": CSV,
    "forums.live.views.room_transcript": CSV,
}

_CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its path template (`{lang}` for the language prefix, `{name}` per group)."""

    template: str
    groups: tuple[tuple[str, str], ...]  # (name, kind): kind "int" or "text"
    view: str
    url_name: str


def _regex_template(regex: str) -> tuple[str, list[tuple[str, str]]]:
    """Replaces each top-level capturing group of a simple URL regex with a `{placeholder}`."""
    regex = regex.removeprefix("^").removesuffix("$").replace("\\.", ".")
    out, groups, depth, start, index = [], [], 0, 0, 0
    for position, char in enumerate(regex):
        if char == "(" and (position == 0 or regex[position - 1] != "\\"):
            if depth == 0:
                out.append(regex[start:position])
                start = position
            depth += 1
        elif char == ")" and regex[position - 1] != "\\":
            depth -= 1
            if depth == 0:
                group = regex[start : position + 1]
                named = re.match(r"\(\?P<(\w+)>", group)
                name = named.group(1) if named else f"g{index}"
                index += 1
                kind = "int" if group in ("(\\d+)", "([0-9]+)") else "text"
                if group.endswith(")*)"):  # Wagtail's page path: zero or more "segment/"
                    name = "pagepath"
                groups.append((name, kind))
                out.append("{" + name + "}")
                start = position + 1
    out.append(regex[start:])
    return "".join(out), groups


def _walk(patterns, prefix="", groups=()) -> Iterator[Pattern]:
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            text, found = "{lang}/", []
        elif isinstance(pattern, RoutePattern):
            route = str(pattern)
            found = [
                (m["name"], "int" if (m["kind"] or "str") in ("int", "id") else "text")
                for m in _CONVERTER.finditer(route)
            ]
            text = _CONVERTER.sub(lambda m: "{" + m["name"] + "}", route)
        else:
            assert isinstance(pattern, RegexPattern)
            text, found = _regex_template(str(pattern))
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + text, groups + tuple(found))
        else:
            assert isinstance(entry, URLPattern)
            yield Pattern(prefix + text, groups + tuple(found), entry.lookup_str, entry.name or "")


def all_patterns() -> list[Pattern]:
    return [
        p
        for p in _walk(get_resolver().url_patterns)
        if not p.template.replace("{lang}/", "").startswith(EXCLUDED_PREFIXES)
    ]


@pytest.fixture(autouse=True)
def _quiet_not_found():
    """Thousands of 404s are expected: keep the log for the errors (a 500's traceback)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def _network_objects(*, author, other) -> dict:
    """An organisation with a pending claim, a need by `author` and an offer by `other` (published),
    and their match: the practitioner network's ids."""
    from cop.models import Language
    from cop.network.models import FocalPointClaim, Match, Need, Offer, Organisation

    organisation = Organisation.objects.create(name="Andean Páramo Alliance", kind="network")
    claim = FocalPointClaim.objects.create(organisation=organisation, user=other, message="I coordinate it.")
    spanish = Language.objects.get(code="es")
    common = {
        "support_kind": "training",
        "language": spanish,
        "status": "published",
        "description": "Training",
    }
    need = Need.objects.create(title="Monitoring training", author=author, **common)
    offer = Offer.objects.create(title="Monitoring course", author=other, **common)
    match = Match.objects.create(need=need, offer=offer)
    return {
        "organisation_id": organisation.pk,
        "claim_id": claim.pk,
        "item_id": need.pk,
        "other_id": offer.pk,
        "match_id": match.pk,
    }


@pytest.fixture
def dataset(site_home, settings):
    """A public community with its board, a thread with a reply, a flag and a notification, a live
    room, an announcement, an invitation, a webinar (tagged in Cyrillic) with a registration, an
    imported feed; an anonymous and a signed-in client."""
    from cop.models import Announcement, Invitation
    from events import services as event_services
    from events.models import ImportedFeed
    from forums.live.services import room_create
    from forums.models import Flag, Notification
    from forums.services import board_ensure_for_community, post_create

    settings.FORUMS_NEW_ACCOUNT_DAYS = 0
    community = events_community(title="Clearing-house mechanisms", join_policy="open")
    board = board_ensure_for_community(community=community)
    member = UserFactory(display_name="Mara Member")
    other = UserFactory(display_name="Otto Other")
    membership = forums_member(member, board, role="facilitator")
    other_membership = forums_member(other, board)
    thread = forums_thread(board=board, author=other)
    reply = post_create(thread=thread, author=member, body="We use a **shared** calendar.")
    flag = Flag.objects.create(post=reply, reporter=other, reason="spam")
    notification = Notification.objects.create(recipient=member, kind="reply", thread=thread, post=reply)
    room = room_create(community=community, title="Webinar room", actor=member)
    announcement = Announcement.objects.create(community=community, title="Welcome", body="Hello")
    invitation = Invitation.objects.create(community=community, email="guest@km4b.test", role="member")
    event = EventPageFactory(
        community=community, event_type="webinar", tags=["биоразнообразие", "chm"], online_url=""
    )
    occurrence = event.occurrences.first()
    registration = event_services.event_register(user=member, occurrence_id=occurrence.pk)
    token = event_services.calendar_token_rotate(user=member)
    feed = ImportedFeed.objects.create(community=community, title="Partner", url="https://example.org/f.ics")
    network = _network_objects(author=member, other=other)
    ids = {
        "community_id": community.pk,
        "membership_id": other_membership.pk,
        "invitation_id": invitation.pk,
        "announcement_id": announcement.pk,
        "user_id": other.pk,
        "room_id": room.pk,
        "message_id": 1,
        "slug": board.slug,
        "token": token.token,
        "event_type": "webinar",
        "tag": "chm",
        "name": "file.pdf",
        "lang": "en",
        "pagepath": "",
        "restriction_id": 1,
        "page_view_restriction_id": 1,
        "page_id": event.pk,
        "key": "abc",
        "uidb36": "1",
        "g0": "1",
        "g1": "file.pdf",
        **network,
    }
    # Per URL name, the object its "pk" means.
    pks = {
        "thread": thread.pk,
        "reply": thread.pk,
        "reply_form": thread.pk,
        "thread_unread": thread.pk,
        "thread_watch": thread.pk,
        "thread_moderate": thread.pk,
        "thread_move": thread.pk,
        "thread_unaccept": thread.pk,
        "notification_open": notification.pk,
        "flag_resolve": flag.pk,
        "event_ics": event.pk,
        "event_edit": event.pk,
        "event_cancel": event.pk,
        "event_followup": event.pk,
        "register": occurrence.pk,
        "attendees": occurrence.pk,
        "registration_cancel": registration.pk,
        "registration_accept": registration.pk,
        "import_feed": feed.pk,
    }
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(member)
    assert membership.role == "facilitator"
    return {
        "ids": ids,
        "pks": pks,
        "post_pk": reply.pk,
        "clients": {"anonymous": anonymous, "member": signed_in},
        "pages": [community.url, event.url, "/", "/en/communities/", "/en/events/"],
    }


def _valid_values(pattern: Pattern, dataset) -> dict[str, str]:
    values = {}
    for name, _kind in pattern.groups:
        if name == "pk":
            values[name] = str(dataset["pks"].get(pattern.url_name, dataset["post_pk"]))
        else:
            values[name] = str(dataset["ids"].get(name, "1"))
    return values


def _fill(pattern: Pattern, values: dict[str, str], lang: str) -> str:
    """The path for `values` (already percent-encoded)."""
    path = pattern.template.replace("{lang}", lang)
    for name, _kind in pattern.groups:
        value = values[name]
        if name == "pagepath" and value and not value.endswith("/"):
            value += "/"
        path = path.replace("{" + name + "}", value, 1)
    return "/" + path


def _encode(value: str) -> str:
    return quote(value, safe="")


class Requests:
    """Sends GET requests and records every one that answers 5xx."""

    def __init__(self, clients):
        self.clients = clients
        self.failures: list[str] = []
        self.count = 0

    def get(self, path: str, query: dict | None = None, *, who: str) -> int:
        url = path + ("?" + urlencode(query) if query else "")
        self.count += 1
        response = self.clients[who].get(url)
        translation.activate(django_settings.LANGUAGE_CODE)
        if response.status_code >= 500:
            shown = url if len(url) < 200 else url[:200] + f"... ({len(url)} characters)"
            self.failures.append(f"{response.status_code} {who}: {shown}")
        return response.status_code

    def check(self) -> None:
        if self.failures:
            unique = list(dict.fromkeys(self.failures))
            pytest.fail(f"{len(unique)} of {self.count} requests answered 5xx:\n" + "\n".join(unique[:200]))


def test_every_pattern_is_exercised(dataset):
    """Each pattern's valid path resolves to that pattern's view (the sweep really reaches them all)."""
    patterns = all_patterns()
    assert len(patterns) > 100
    for pattern in patterns:
        path = _fill(pattern, _valid_values(pattern, dataset), "en")
        with translation.override("en"):
            match = resolve(path)
        assert match._func_path == pattern.view, (path, match._func_path, pattern.view)


def test_hostile_path_segments(dataset):
    """Every group of every pattern filled with hostile values, the others valid, in every language."""
    requests = Requests(dataset["clients"])
    turn = 0
    for pattern in all_patterns():
        valid = _valid_values(pattern, dataset)
        for name, kind in pattern.groups:
            if name == "lang":
                continue
            if kind == "int":  # few values: each as both visitors
                candidates = [(value, who) for value in HOSTILE_INTEGERS for who in ("anonymous", "member")]
            else:  # many values: the visitors take turns
                texts = [_encode(v) for v in HOSTILE_TEXT] + RAW_SEGMENTS
                candidates = [(value, ("anonymous", "member")[i % 2]) for i, value in enumerate(texts)]
            for candidate, who in candidates:
                turn += 1
                path = _fill(pattern, {**valid, name: candidate}, LANGUAGES[turn % len(LANGUAGES)])
                requests.get(path, who=who)
    requests.check()


def test_hostile_query_strings(dataset):
    """Every pattern with valid path values and every known GET parameter set to each hostile value at
    once, the visitors taking turns. Pages that answer 200 get every value, in each of their modes
    (calendar views, CSV exports); the others (POST only, sign-in required, refused) a sharp few."""
    requests = Requests(dataset["clients"])
    patterns = {_fill(p, _valid_values(p, dataset), "en"): p.view for p in all_patterns()}
    paths = [*patterns, *dataset["pages"]]
    for path in dict.fromkeys(paths):
        view = "events:calendar" if path.endswith("/events/") else patterns.get(path, "")
        for turn, who in enumerate(("anonymous", "member")):
            if requests.get(path, who=who) == 200:
                values, modes = HOSTILE_TEXT[turn::2], [{}, *MODES.get(view, [])]
            else:
                values, modes = SHARP_TEXT, [{}]
            for mode in modes:
                for value in values:
                    requests.get(path, {**dict.fromkeys(QUERY_NAMES, value), **mode}, who=who)
    requests.check()


def test_hostile_everything_hypothesis(dataset):
    """Hypothesis mixes the rest: any text in any group, any set of parameters, unprefixed paths."""
    requests = Requests(dataset["clients"])
    patterns = all_patterns()
    segment = st.one_of(
        st.sampled_from(HOSTILE_TEXT + HOSTILE_INTEGERS).map(_encode),
        st.sampled_from(RAW_SEGMENTS),
        st.text(min_size=1, max_size=40).map(_encode),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )
    query_value = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates().map(str),
        st.sampled_from(["upcoming", "month", "week", "past", "csv", "1"]),
    )

    @hypothesis_settings(
        max_examples=400,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        pattern=st.sampled_from(patterns),
        hostile=st.dictionaries(st.sampled_from([n for p in patterns for n, _k in p.groups]), segment),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), query_value, max_size=6),
        lang=st.sampled_from([*LANGUAGES, ""]),
        who=st.sampled_from(["anonymous", "member"]),
    )
    def request_anything(pattern, hostile, query, lang, who):
        values = {**_valid_values(pattern, dataset), **{k: v for k, v in hostile.items() if k != "lang"}}
        path = _fill(pattern, values, lang or "")
        requests.get(path.replace("//", "/", 1) if not lang else path, query, who=who)

    request_anything()
    requests.check()
