"""The communities index (cards, filters, search) and the community page: content and query counts."""

import pytest
from django.core.cache import cache

from cop.models import GBFTarget, Language, Region, StakeholderGroup
from tests.factories import (
    AnnouncementFactory,
    CommunityPageFactory,
    MembershipFactory,
    UserFactory,
    community_index,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def communities(site_home):
    target_3, target_13 = GBFTarget.objects.get(number=3), GBFTarget.objects.get(number=13)
    spanish, arabic = Language.objects.get(code="es"), Language.objects.get(code="ar")
    youth, iplc = StakeholderGroup.objects.get(slug="youth"), StakeholderGroup.objects.get(slug="iplc")
    return {
        "youth": CommunityPageFactory(
            title="Youth for biodiversity",
            gbf_targets=[target_3],
            working_languages=[spanish],
            stakeholder_focus=[youth],
            regions=[Region.objects.get(m49_code="005")],  # South America
            tag_names=["citizen science"],
        ),
        "seeds": CommunityPageFactory(
            title="Seed keepers",
            gbf_targets=[target_13],
            working_languages=[arabic],
            stakeholder_focus=[iplc],
            regions=[Region.objects.get(m49_code="002")],  # Africa
            tag_names=["seeds"],
        ),
        "hidden": CommunityPageFactory(
            title="Secret round table", visibility="hidden", gbf_targets=[target_3]
        ),
    }


def titles(response):
    return {page.title for page in response.context["communities"]}


def test_index_is_reachable_by_its_route_name(client, site_home):
    from django.urls import reverse

    community_index()
    assert reverse("cop:community_index") == "/en/communities/"
    response = client.get("/en/communities/")
    assert response.status_code == 200
    nav = response.content.decode()
    assert 'href="/en/communities/" aria-current="page"' in nav
    assert 'href="/en/network/"' in nav


def test_index_is_served_by_its_page_at_its_named_address(client, communities):
    """The page serves its own listing (no view of cop's in between); the route name only names its
    address, so reversing it reads nothing and matches the page's own URL."""
    from django.urls import resolve, reverse
    from wagtail import views as wagtail_views

    from cop.models import CommunityIndexPage

    index = CommunityIndexPage.objects.get()
    address = reverse("cop:community_index")
    assert address == index.url == "/en/communities/"
    assert resolve(address).func is wagtail_views.serve
    response = client.get(address, {"target": "3"})
    assert response.status_code == 200
    assert response.context["page"] == index
    assert [t.name for t in response.templates][0] == "cop/community_index_page.html"
    assert titles(response) == {"Youth for biodiversity"}  # the hidden community stays hidden
    assert "Secret round table" not in response.content.decode()


def test_index_without_a_page_is_404(client, site_home):
    assert client.get("/en/communities/").status_code == 404


def test_cards_show_summary_topics_languages_members_and_activity(client, communities):
    MembershipFactory.create_batch(3, community=communities["youth"])
    MembershipFactory(community=communities["youth"], status="pending")
    html = client.get("/en/communities/").content.decode()
    assert "Youth for biodiversity" in html and communities["youth"].summary in html
    assert "3 members" in html
    assert "Target 3" in html and "Español" in html and "citizen science" in html
    assert "Secret round table" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"target": "3"}, {"Youth for biodiversity"}),
        ({"target": "13"}, {"Seed keepers"}),
        ({"language": "ar"}, {"Seed keepers"}),
        ({"stakeholder": "youth"}, {"Youth for biodiversity"}),
        ({"tag": "seeds"}, {"Seed keepers"}),
        ({"region": "019"}, {"Youth for biodiversity"}),  # Americas includes South America
        ({"region": "014"}, {"Seed keepers"}),  # Eastern Africa finds an all-Africa community
        ({"region": "150"}, set()),
        ({"q": "seed"}, {"Seed keepers"}),
        ({"q": "SECRET"}, set()),
        ({"target": "3", "language": "ar"}, set()),
    ],
)
def test_filters_and_search(client, communities, query, expected):
    response = client.get("/en/communities/", query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_unknown_filter_value_is_a_400_with_a_message(client, communities):
    response = client.get("/fr/communities/", {"target": "99", "language": "es"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    # The valid filters still apply.
    assert titles(response) == {"Youth for biodiversity"}


def test_filters_work_without_javascript_as_a_get_form(client, communities):
    html = client.get("/en/communities/").content.decode()
    assert '<form class="filters" method="get"' in html
    assert 'name="target"' in html and 'name="region"' in html and 'name="tag"' in html


def test_members_see_their_hidden_community_and_their_status(client, communities):
    user = UserFactory()
    MembershipFactory(user=user, community=communities["hidden"])
    MembershipFactory(user=user, community=communities["seeds"], status="pending")
    client.force_login(user)
    html = client.get("/en/communities/", {"target": "3"}).content.decode()
    assert "Secret round table" in html and "You are a member" in html
    assert "Request pending" in client.get("/en/communities/", {"tag": "seeds"}).content.decode()


def test_index_query_count_does_not_grow_with_communities(client, site_home, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    targets = list(GBFTarget.objects.all()[:3])

    def add(n):
        for _ in range(n):
            community = CommunityPageFactory(gbf_targets=targets, tag_names=["fisheries"])
            MembershipFactory.create_batch(2, community=community)
            MembershipFactory(user=user, community=community)

    add(2)
    client.get("/en/communities/")  # warm caches (site root paths)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/en/communities/")
    add(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/en/communities/")
    assert len(response.context["communities"]) == 14


# THE COMMUNITY PAGE ----


def test_community_page_shows_every_field_to_readers(client, site_home):
    community = CommunityPageFactory(
        title="National clearing-house mechanisms",
        gbf_targets=[GBFTarget.objects.get(number=21)],
        working_languages=[Language.objects.get(code="fr")],
        regions=[Region.objects.get(m49_code="002")],
        stakeholder_focus=[StakeholderGroup.objects.get(slug="government")],
        tag_names=["CHM"],
        description=[("paragraph", "<p>How national CHM websites are run.</p>")],
    )
    from cop.models import CommunityLink

    CommunityLink.objects.create(community=community, title="CBD CHM", url="https://www.cbd.int/chm/")
    facilitator = MembershipFactory(
        community=community, role="facilitator", user__display_name="Amina Diallo"
    )
    AnnouncementFactory(community=community, title="Webinar on Thursday", author=facilitator.user)
    html = client.get(community.url).content.decode()
    for text in [
        "National clearing-house mechanisms",
        community.summary,
        "How national CHM websites are run.",
        "Target 21",
        "Français",
        "Africa",
        "Government",
        "CHM",
        "https://www.cbd.int/chm/",
        "Amina Diallo",
        "Webinar on Thursday",
        "1 member",
    ]:
        assert text in html, text


def test_members_only_page_shows_outsiders_only_name_description_and_how_to_join(client, site_home):
    community = CommunityPageFactory(
        visibility="members",
        join_policy="approval",
        description=[("paragraph", "<p>Our purpose.</p>")],
    )
    from cop.models import CommunityLink

    CommunityLink.objects.create(community=community, title="Private chat", url="https://chat.example.org/x")
    MembershipFactory(community=community, role="facilitator", user__display_name="Tupac Mamani")
    AnnouncementFactory(community=community, title="Internal news")
    client.force_login(UserFactory())
    html = client.get(community.url).content.decode()
    assert community.title in html and "Our purpose." in html and "Ask to join" in html
    for secret in ["Tupac Mamani", "Internal news", "chat.example.org"]:
        assert secret not in html


def test_other_apps_sections_render_and_empty_ones_leave_nothing(client, site_home, monkeypatch):
    from cop import sections

    monkeypatch.setattr(sections, "_SECTIONS", sections.defaultdict(list))

    @sections.register_section("community", order=10)
    def nothing(request, community):
        return None

    @sections.register_section("community", order=20)
    def latest(request, community):
        return {"template": "cop/includes/access_badges.html", "marker": "x"}

    community = CommunityPageFactory(visibility="public", join_policy="approval")
    html = client.get(community.url).content.decode()
    assert html.count("Join on approval") == 2  # once in the header, once from the section


@pytest.mark.parametrize("kind", ["anonymous", "member", "facilitator"])
def test_community_page_query_count_does_not_grow_with_members(
    client, site_home, kind, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = CommunityPageFactory(
        gbf_targets=list(GBFTarget.objects.all()[:5]),
        working_languages=list(Language.objects.all()[:3]),
        tag_names=["seeds", "gender"],
    )
    AnnouncementFactory.create_batch(3, community=community)
    if kind == "anonymous":
        MembershipFactory(community=community)
    else:
        client.force_login(MembershipFactory(community=community, role=kind).user)
    MembershipFactory(community=community, role="facilitator")
    MembershipFactory(community=community, role="moderator")
    client.get(community.url)  # warm caches (site root paths)
    cache.clear()  # every part rendered anew, both times
    with CaptureQueriesContext(connection) as with_three:
        assert "3 members" in client.get(community.url).content.decode()
    MembershipFactory.create_batch(40, community=community)
    MembershipFactory.create_batch(5, community=community, role="moderator")
    MembershipFactory.create_batch(2, community=community, role="facilitator")
    cache.clear()
    with django_assert_max_num_queries(len(with_three.captured_queries)):
        response = client.get(community.url)
    assert "50 members" in response.content.decode()
    # The community's parts from the cache: none of their queries (members, facilitators, announcements,
    # topics, links).
    with CaptureQueriesContext(connection) as warm:
        assert "50 members" in client.get(community.url).content.decode()
    sql = " ".join(query["sql"] for query in warm.captured_queries)
    for table in ("cop_announcement", "cop_gbftarget", "cop_language", "taggit_tag", "cop_communitylink"):
        assert table not in sql, table
    assert len(warm.captured_queries) < len(with_three.captured_queries)
    # Wagtail routing, the session and user, other apps' sections included.
    assert len(with_three.captured_queries) <= 35


# THE SITE HOME AND THE ADMIN ----


def test_home_shows_communities_to_join_then_your_own(client, site_home):
    assert "home-communities-heading" not in client.get("/en/").content.decode()  # no empty section
    public = CommunityPageFactory(title="Youth for biodiversity")
    CommunityPageFactory(title="Secret round table", visibility="hidden")
    html = client.get("/en/").content.decode()
    assert "home-communities-heading" in html and "Youth for biodiversity" in html
    assert "Secret round table" not in html
    member = MembershipFactory(community=public).user
    client.force_login(member)
    html = client.get("/en/").content.decode()
    assert "Your communities" in html and "Youth for biodiversity" in html


def test_organisers_create_and_edit_communities_in_the_admin(client, site_home):
    index = community_index()
    community = CommunityPageFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/pages/add/cop/communitypage/{index.pk}/").status_code == 200
    response = client.get(f"/admin/pages/{community.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in [
        "visibility",
        "join_policy",
        "gbf_targets",
        "working_languages",
        "cover_alt",
        "external_links",
    ]:
        assert field in html, field
