"""The directory's cards, a profile page's body and the directory's filter form are cached fragments
(cop.network.fragments). Each change they show must show on the very next request, made the way users
and organisers make it: the profile editor, the admin's plain saves, the data-rights service, a
vocabulary renamed. Each test first fills the cache, then changes, then looks again."""

import re

import pytest
from django.test import Client

from cop.models import GBFTarget, Language
from cop.models.vocabularies import StakeholderGroup
from cop.network.models import Organisation, Profile, Topic
from cop.network.models.profiles import VISIBLE_PARTS
from cop.network.services.data_rights import account_delete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/network/"


@pytest.fixture
def subject(db):
    person = UserFactory(display_name="Cached Subject", country="NR", organisation="Free-text org")
    person.set_password("secret-pass-1")
    person.save()
    Profile.objects.create(
        user=person,
        headline="Headline-one",
        **{f"{part}_visibility": "public" for part in VISIBLE_PARTS},
    )
    return person


@pytest.fixture
def member(db):
    client = Client()
    client.force_login(UserFactory(display_name="Looking Member", listed_in_directory=False))
    return client


def _profile_url(person) -> str:
    return f"/en/people/{person.pk}/"


def _both(client, person) -> tuple[str, str]:
    """The directory's and the profile page's HTML, each requested twice (the second from the cache)."""
    for _ in range(2):
        directory = client.get(DIRECTORY).content.decode()
        profile = client.get(_profile_url(person)).content.decode()
    return directory, profile


def _form(person, **values) -> dict:
    data = {f"{part}_visibility": "public" for part in VISIBLE_PARTS}
    data.update(
        headline="Headline-one",
        organisation=person.organisation,
        country="NR",
        listed_in_directory="on",
        accepts_contact="on",
    )
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_an_edited_part_shows_at_once(client, member, subject):
    assert all("Headline-one" in html for html in _both(client, subject))
    assert all("Headline-one" in html for html in _both(member, subject))
    owner = Client()
    owner.force_login(subject)
    assert owner.post("/en/me/network-profile/", _form(subject, headline="Headline-two")).status_code == 302
    for viewer in (client, member):
        directory, profile = _both(viewer, subject)
        assert "Headline-two" in directory and "Headline-two" in profile
        assert "Headline-one" not in directory and "Headline-one" not in profile


def test_a_visibility_narrowed_hides_the_part_at_once(client, member, subject):
    assert all("Headline-one" in html for html in _both(client, subject))
    assert all("Headline-one" in html for html in _both(member, subject))
    owner = Client()
    owner.force_login(subject)
    owner.post("/en/me/network-profile/", _form(subject, headline_visibility="members"))
    assert not any("Headline-one" in html for html in _both(client, subject))
    assert all("Headline-one" in html for html in _both(member, subject))
    owner.post("/en/me/network-profile/", _form(subject, headline_visibility="nobody"))
    assert not any("Headline-one" in html for html in _both(member, subject))
    # The person themselves still sees it, and only they are told how to edit it.
    assert "Headline-one" in owner.get(_profile_url(subject)).content.decode()
    assert "Edit my network profile" not in member.get(_profile_url(subject)).content.decode()


def test_a_plain_save_of_the_profile_or_the_account_shows_at_once(client, subject):
    """The admin saves rows directly: no service runs, the receivers do."""
    _both(client, subject)
    profile = subject.network_profile
    profile.headline = "Headline-admin"
    profile.save()
    subject.bio = "Bio-admin"
    subject.save()
    directory, page = _both(client, subject)
    assert "Headline-admin" in directory and "Headline-admin" in page and "Bio-admin" in page


def test_vocabularies_added_or_renamed_show_at_once(client, subject):
    _both(client, subject)
    topic = Topic.objects.create(slug="cached-topic", name="Topic-one")
    subject.network_profile.topics.add(topic)
    subject.languages.add(Language.objects.get(code="es"))
    assert "Topic-one" in _both(client, subject)[1]
    topic.name = "Topic-renamed"
    topic.save()
    language = Language.objects.get(code="es")
    language.native_name = "Espanol-renamed"
    language.save()
    directory, page = _both(client, subject)
    assert "Topic-renamed" in page and "Espanol-renamed" in directory and "Espanol-renamed" in page
    # A term's people changed from the term's side.
    target = GBFTarget.objects.get(number=7)
    target.practitioners.add(subject)
    assert "Target 7" in _both(client, subject)[0]
    group = StakeholderGroup.objects.first()
    subject.stakeholder_groups.add(group)
    group.name = "Group-renamed"
    group.save()
    assert all("Group-renamed" in html for html in _both(client, subject))


def _groups_shown(client, person) -> tuple[str, str]:
    """The groups on the person's directory card and on their profile page (each requested twice, the
    second from the cache); the directory's filter form names every group, so only the card counts."""
    for _ in range(2):
        cards = client.get(DIRECTORY).context["cards"]
        card = next(card.html for card in cards if card.pk == person.pk)
        page = client.get(_profile_url(person)).content.decode()
    meta = re.search(r'<p class="card__meta">(.*?)</p>', card).group(1)  # "Country (region) · groups"
    card_groups = meta.partition(" · ")[2]
    page_groups = re.search(r"<dt>Stakeholder groups</dt><dd>(.*?)</dd>", page)
    return card_groups, page_groups.group(1) if page_groups else ""


def test_stakeholder_groups_added_or_removed_show_at_once(client, subject):
    """The groups are the account's many-to-many: a change from either side, without saving the
    account, shows on the card and the profile at once."""
    youth, iplc, women = (StakeholderGroup.objects.get(slug=slug) for slug in ("youth", "iplc", "women"))
    iplc_name = "Indigenous peoples and local communities (IPLC)"
    assert _groups_shown(client, subject) == ("", "")
    subject.stakeholder_groups.add(iplc, youth)
    assert _groups_shown(client, subject) == (f"{iplc_name}, Youth", f"{iplc_name}, Youth")
    subject.stakeholder_groups.remove(youth)
    assert _groups_shown(client, subject) == (iplc_name, iplc_name)
    women.practitioners.add(subject)
    assert _groups_shown(client, subject) == (f"{iplc_name}, Women", f"{iplc_name}, Women")
    subject.stakeholder_groups.clear()
    assert _groups_shown(client, subject) == ("", "")


def test_an_organisation_renamed_shows_at_once(client, subject):
    record = Organisation.objects.create(name="Org-one", kind="ngo")
    profile = subject.network_profile
    profile.organisation_record = record
    profile.save()
    assert all("Org-one" in html for html in _both(client, subject))
    record.name = "Org-two"
    record.save()
    assert all("Org-two" in html and "Org-one" not in html for html in _both(client, subject))
    record.delete()
    assert not any("Org-two" in html for html in _both(client, subject))


def test_opting_out_removes_the_card_and_the_profile_at_once(client, member, subject):
    assert "Cached Subject" in _both(member, subject)[0]
    owner = Client()
    owner.force_login(subject)
    owner.post("/en/me/network-profile/", _form(subject, listed_in_directory=None))
    for viewer in (client, member):
        assert "Cached Subject" not in viewer.get(DIRECTORY).content.decode()
        assert viewer.get(_profile_url(subject)).status_code == 404
    assert "Only you can see this profile" in owner.get(_profile_url(subject)).content.decode()


def test_deleting_the_account_removes_card_and_profile_at_once(client, member, subject):
    for viewer in (client, member):
        assert "Cached Subject" in _both(viewer, subject)[0]
    account_delete(user=subject, password="secret-pass-1")
    for viewer in (client, member):
        html = viewer.get(DIRECTORY).content.decode()
        assert "Cached Subject" not in html and "Headline-one" not in html
        assert viewer.get(_profile_url(subject)).status_code == 404


def test_a_deleted_person_leaves_the_directory_at_once(client, subject):
    _both(client, subject)
    subject.delete()
    assert "Cached Subject" not in client.get(DIRECTORY).content.decode()


def test_the_cached_filter_form_shows_a_new_term_at_once(client, member, subject):
    for viewer in (client, member):
        viewer.get(DIRECTORY)
    Topic.objects.create(slug="brand-new-topic", name="Topic-brand-new")
    for viewer in (client, member):
        assert "Topic-brand-new" in viewer.get(DIRECTORY).content.decode()


def test_a_filtered_directory_shows_its_values_and_the_unfiltered_form_none(member, subject):
    topic = Topic.objects.create(slug="filter-topic", name="Filter topic")
    html = member.get(DIRECTORY, {"topic": topic.slug}).content.decode()
    assert 'value="filter-topic" selected' in html and "Clear the filters" in html
    html = member.get(DIRECTORY).content.decode()
    assert 'value="filter-topic" selected' not in html
    assert "Clear the filters" not in html


def test_profile_page_query_count_is_constant(member, subject, django_assert_max_num_queries):
    """A warm profile page reads the person and their communities; the rest is the cached body."""
    url = _profile_url(subject)
    member.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as warm:
        assert member.get(url).status_code == 200
    warm_count = len(warm.captured_queries)  # now: the next request empties the connection's log
    assert warm_count > 0
    subject.expertise.set(GBFTarget.objects.all()[:10])
    member.get(url)
    with django_assert_max_num_queries(warm_count):
        member.get(url)


def test_the_communities_on_a_profile_change_at_once(client, subject, site_home):
    from tests.factories import CommunityPageFactory, MembershipFactory

    open_community = CommunityPageFactory(title="Community-open")
    closed_community = CommunityPageFactory(title="Community-closed", visibility="members")
    membership = MembershipFactory(user=subject, community=open_community)
    MembershipFactory(user=subject, community=closed_community)
    viewer = UserFactory(listed_in_directory=False)
    member = Client()
    member.force_login(viewer)
    page = _both(member, subject)[1]
    assert "Community-open" in page and "Community-closed" not in page
    assert "Community-closed" not in _both(client, subject)[1]
    # The viewer joins the members-only community: it is theirs to see now, and only theirs.
    MembershipFactory(user=viewer, community=closed_community)
    assert "Community-closed" in _both(member, subject)[1]
    assert "Community-closed" not in _both(client, subject)[1]
    # Renamed and published; the subject's role changed; the subject leaves.
    open_community.title = "Community-renamed"
    open_community.save_revision().publish()
    assert "Community-renamed" in _both(client, subject)[1]
    membership.role = "facilitator"
    membership.save()
    assert "badge--role" in _both(client, subject)[1]
    membership.delete()
    assert "Community-renamed" not in _both(client, subject)[1]
    # A community unpublished leaves every profile.
    closed_community.unpublish()
    assert "Community-closed" not in _both(member, subject)[1]
