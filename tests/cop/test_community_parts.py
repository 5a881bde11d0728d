"""A community's home keeps its shared parts (header line, announcements, members, facts) in the cache
(cop.community_pages.community_parts): every change they show is on the next page at once, made the
way the site makes it (services, publishing, the admin's models), and who may read them is decided
per request."""

import pytest
from django.core.cache import cache

from cop.models import GBFTarget, Region
from cop.services import (
    announcement_create,
    announcement_delete,
    membership_ban,
    membership_join,
    membership_leave,
    membership_set_role,
)
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _page(client, community) -> str:
    response = client.get(community.url)
    assert response.status_code == 200
    return response.content.decode()


def _community(**fields):
    community = CommunityPageFactory(title="Seed keepers", **fields)
    facilitator = MembershipFactory(community=community, role="facilitator").user
    return community, facilitator


def test_members_and_count_change_at_once(client, site_home):
    community, _facilitator = _community()
    assert "1 member\n" in _page(client, community)
    newcomer = UserFactory(display_name="Amara Diallo")
    membership_join(user=newcomer, community=community)
    html = _page(client, community)
    assert "2 members" in html and "Amara Diallo" in html
    membership_leave(user=newcomer, community=community)
    html = _page(client, community)
    assert "1 member\n" in html and "Amara Diallo" not in html


def test_a_role_and_a_name_change_at_once(client, site_home):
    community, facilitator = _community()
    member = MembershipFactory(community=community, user=UserFactory(display_name="Kofi Mensah"))
    membership_set_role(actor=facilitator, membership_id=member.pk, role="facilitator")
    html = _page(client, community)
    assert html.count("Kofi Mensah") == 2  # in the members and among the facilitators
    member.user.display_name = "Kofi A. Mensah"
    member.user.save()
    html = _page(client, community)
    assert "Kofi A. Mensah" in html and "Kofi Mensah" not in html


def test_announcements_change_at_once(client, site_home):
    community, facilitator = _community()
    assert "Announcements" not in _page(client, community)
    announcement = announcement_create(
        actor=facilitator, community=community, title="Knowledge fair in May", body="Bring posters."
    )
    assert "Knowledge fair in May" in _page(client, community)
    announcement_delete(actor=facilitator, announcement_id=announcement.pk)
    assert "Knowledge fair in May" not in _page(client, community)


def test_topics_links_and_vocabulary_names_change_at_once(client, site_home):
    community, _facilitator = _community()
    target = GBFTarget.objects.order_by("number").first()
    region = Region.objects.first()
    assert target.title not in _page(client, community)
    community.gbf_targets = [target]
    community.regions = [region]
    community.tags.add("seed-banks")
    community.external_links.create(title="Our wiki", url="https://wiki.example.org/")
    community.save_revision().publish()
    html = _page(client, community)
    assert target.title in html and region.name in html and "seed-banks" in html and "Our wiki" in html
    region.name = "Renamed region for the test"
    region.save()
    assert "Renamed region for the test" in _page(client, community)


def test_who_may_read_the_parts_is_decided_per_request(client, site_home):
    community, facilitator = _community(visibility="members")
    announcement_create(actor=facilitator, community=community, title="Webinar for members", body="Thursday.")
    member = MembershipFactory(community=community)
    client.force_login(member.user)
    assert "Webinar for members" in _page(client, community)  # rendered for readers first
    client.logout()
    html = _page(client, community)
    assert "Webinar for members" not in html and facilitator.public_name not in html
    assert "2 members" in html  # the header line is shown to everyone
    client.force_login(member.user)
    membership_ban(actor=facilitator, membership_id=member.pk)
    assert "Webinar for members" not in _page(client, community)
