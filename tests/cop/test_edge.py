"""cop.edge: a refused action becomes the one refused page (views) or one error frame (websockets)."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from cop.edge import RefusalMiddleware, refusal_frame
from cop.errors import DomainError, Forbidden
from cop.services import AlreadyMember
from forums.exceptions import RateLimited
from forums.live.exceptions import SlowModeActive, StreamForbidden
from tests.factories import CommunityPageFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _join(client, community, language="en", **headers):
    return client.post(f"/{language}/communities/{community.pk}/join/", headers=headers)


@pytest.fixture
def member_client(client, site_home, user):
    community = CommunityPageFactory(join_policy="open")
    MembershipFactory(user=user, community=community)
    client.force_login(user)
    client.community = community
    return client


def test_a_service_refusal_is_the_refused_page_with_its_status(member_client):
    community = member_client.community
    response = _join(member_client, community, referer=f"http://testserver{community.url}")
    assert response.status_code == AlreadyMember.status == 409
    assert [template.name for template in response.templates][0] == "refused.html"
    html = response.content.decode()
    assert (
        '<p class="message message--error" role="alert">You are already a member of this community.</p>'
        in html
    )
    assert f'href="http://testserver{community.url}">Go back</a>' in html  # the page the form was on


def test_the_refused_page_is_in_the_users_language(member_client):
    html = _join(member_client, member_client.community, language="es").content.decode()
    assert "Ya es miembro de esta comunidad." in html
    assert '<html lang="es"' in html


def test_go_back_never_leads_off_the_site(member_client):
    html = _join(
        member_client, member_client.community, referer="https://evil.example/phish"
    ).content.decode()
    assert "evil.example" not in html
    assert 'href="/">Go to the home page</a>' in html


def test_the_middleware_answers_only_domain_errors():
    request = RequestFactory().get("/en/")
    middleware = RefusalMiddleware(lambda request: None)
    assert middleware.process_exception(request, Http404()) is None
    assert middleware.process_exception(request, ValueError("a bug")) is None


def test_a_refusal_that_may_succeed_later_says_when(rf, site_home):
    request = rf.post("/en/forums/")
    request.user = None
    response = RefusalMiddleware(lambda request: None).process_exception(request, RateLimited(retry_after=42))
    assert (response.status_code, response["Retry-After"]) == (429, "42")
    forbidden = RefusalMiddleware(lambda request: None).process_exception(
        request, Forbidden("Organisers only.")
    )
    assert forbidden.status_code == 403 and not forbidden.has_header("Retry-After")
    assert "Organisers only." in forbidden.content.decode()


def test_a_refusal_frame_names_the_refusal_and_keeps_its_details():
    assert refusal_frame(SlowModeActive(retry_after=3), stream="room:4", ref="r1") == {
        "type": "error",
        "code": "slow_mode",
        "message": "Slow mode is on: please wait before sending another message.",
        "stream": "room:4",
        "ref": "r1",
        "retry_after": 3,
    }
    assert refusal_frame(StreamForbidden(), stream="room:5")["code"] == "forbidden"
    # A refusal of another app (no websocket code of its own) is still a frame, never a server error.
    frame = refusal_frame(RateLimited(retry_after=60), stream="thread:9", ref=None)
    assert (frame["code"], frame["retry_after"], frame["stream"]) == ("refused", 60, "thread:9")
    assert refusal_frame(DomainError())["message"] == "This could not be done."
