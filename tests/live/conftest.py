"""Live discussion fixtures: communities of each visibility, members by role, rooms, and sockets that
authenticate with a real session cookie through the same middleware stack as config/asgi.py."""

import pytest
from channels.auth import AuthMiddlewareStack
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from cop.models import CommunityIndexPage, CommunityPage, Membership, MembershipStatus, Role, Visibility
from forums.live import services
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    """A new in-memory layer per test (its queues belong to one event loop), quick presence updates."""
    channel_layers.backends = {}
    settings.LIVE_PRESENCE_DEBOUNCE = 0.05
    yield
    channel_layers.backends = {}


def make_community(home, title, visibility):
    index = CommunityIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
    return index.add_child(
        instance=CommunityPage(
            title=title, slug=title.lower().replace(" ", "-"), summary=title, visibility=visibility
        )
    )


def make_member(user, community, role=Role.MEMBER, status=MembershipStatus.ACTIVE):
    membership, _ = Membership.objects.update_or_create(
        user=user, community=community, defaults={"role": role, "status": status, "joined_at": timezone.now()}
    )
    return membership


@pytest.fixture
def public_community(site_home):
    return make_community(site_home, "Clearing house mechanisms", Visibility.PUBLIC)


@pytest.fixture
def private_community(site_home):
    return make_community(site_home, "Traditional knowledge", Visibility.MEMBERS)


@pytest.fixture
def facilitator(public_community, private_community):
    user = UserFactory(display_name="Amina Diallo")
    make_member(user, public_community, Role.FACILITATOR)
    make_member(user, private_community, Role.FACILITATOR)
    return user


@pytest.fixture
def member(public_community, private_community):
    user = UserFactory(display_name="Lucía Fernández")
    make_member(user, public_community)
    make_member(user, private_community)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(display_name="Olga Smirnova")


@pytest.fixture
def room(public_community, facilitator):
    return services.room_create(
        community=public_community, title="Webinar: CHM in practice", actor=facilitator
    )


@pytest.fixture
def private_room(private_community, facilitator):
    return services.room_create(
        community=private_community, title="IPLC protocols session", actor=facilitator
    )


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def websocket_application():
    """Built like config/asgi.py, read at call time so that a test may change ALLOWED_HOSTS first."""
    from config.routing import websocket_urlpatterns

    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def communicator(path="/ws/live/", *, session=None, origin="http://testserver"):
    headers = [(b"host", b"testserver")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(websocket_application(), path, headers=headers)


async def receive_until(ws, frame_type, *, stream=None, timeout=3):
    """Frames up to and including the first of `frame_type` (for `stream`, if given)."""
    seen = []
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame.get("type") == frame_type and (stream is None or frame.get("stream") == stream):
            return frame, seen


@pytest.fixture
def site_home(db):
    """As the root conftest's, but also after a transactional test flushed Wagtail's root page away."""
    from wagtail.models import Locale, Page

    from home.demo import seed_home

    Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type_id=None))
    return seed_home()


async def events_within(ws, timeout=0.3) -> list[dict]:
    """Every stream event that arrives within `timeout` (presence and other frames are skipped)."""
    events = []
    while not await ws.receive_nothing(timeout=timeout):
        frame = await ws.receive_json_from()
        if frame["type"] == "event":
            events.append(frame)
    return events
