"""Network profiles: each part shown as its visibility allows (anonymous, member, organiser, the
person), the directory's filters never matching a hidden part, the photo, the editor, the contact relay."""

import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cop.models import GBFTarget, Language, StakeholderGroup
from cop.network.models import ContactMessage, Profile, Topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Each part of a profile and a text that only that part puts on the page.
MARKERS = {
    "headline": "Wetland ecologist",
    "organisation": "Instituto Humboldt",
    "country": "Colombia",
    "expertise": "Target 21",
    "languages": "Kiswahili",
    "bio": "Biodiversity information systems",
    "links": "example.org/lucia",
    "open_to": "Mentoring",
    "photo": "/photo/",
}
SEES = {
    "public": {"anonymous", "member", "organiser", "owner"},
    "members": {"member", "organiser", "owner"},
    "nobody": {"owner"},
}


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def lucia(db):
    person = UserFactory(
        display_name="Lucía Fernández",
        organisation="Instituto Humboldt",
        country="CO",
        bio="Biodiversity information systems.",
    )
    person.stakeholder_groups.set([StakeholderGroup.objects.get(slug="academia")])
    person.expertise.set([GBFTarget.objects.get(number=21)])
    person.languages.set([Language.objects.get(code="sw")])
    profile = Profile.objects.create(
        user=person,
        headline="Wetland ecologist",
        links="https://example.org/lucia",
        orcid="0000-0002-1825-0097",
        open_to_mentoring=True,
    )
    profile.photo.save("lucia.png", SimpleUploadedFile("lucia.png", png_bytes()), save=True)
    return person


def viewers(lucia, moderator) -> dict:
    """A client for each kind of viewer: anonymous, a member, an organiser, the person."""
    clients = {}
    for viewer, user in [
        ("anonymous", None),
        ("member", UserFactory()),
        ("organiser", moderator),
        ("owner", lucia),
    ]:
        clients[viewer] = Client()
        if user is not None:
            clients[viewer].force_login(user)
    return clients


@pytest.mark.parametrize("level", ["public", "members", "nobody"])
@pytest.mark.parametrize("part", list(MARKERS))
def test_visibility_matrix_on_the_profile_page(lucia, moderator, part, level):
    Profile.objects.filter(user=lucia).update(**{f"{part}_visibility": level})
    for viewer, client in viewers(lucia, moderator).items():
        html = client.get(f"/en/people/{lucia.pk}/").content.decode()
        assert (MARKERS[part] in html) is (viewer in SEES[level]), viewer
        assert "Lucía Fernández" in html  # the name is always shown on a listed profile
        assert lucia.email not in html  # the address never


@pytest.mark.parametrize("level", ["public", "members", "nobody"])
def test_all_stakeholder_groups_show_where_the_expertise_visibility_allows(lucia, moderator, level):
    lucia.stakeholder_groups.add(StakeholderGroup.objects.get(slug="youth"))
    Profile.objects.filter(user=lucia).update(expertise_visibility=level)
    for viewer, client in viewers(lucia, moderator).items():
        html = client.get(f"/en/people/{lucia.pk}/").content.decode()
        shown = "<dd>Youth, Academia and research</dd>" in html
        assert shown is (viewer in SEES[level]), viewer
        assert ("Stakeholder groups" in html) is shown, viewer
        card = client.get("/en/network/").content.decode()
        assert ("Youth, Academia and research" in card) is (viewer in SEES[level]), viewer


@pytest.mark.parametrize("level", ["public", "members", "nobody"])
def test_photo_is_served_only_to_those_who_may_see_it(lucia, moderator, level):
    Profile.objects.filter(user=lucia).update(photo_visibility=level)
    for viewer, client in viewers(lucia, moderator).items():
        response = client.get(f"/en/people/{lucia.pk}/photo/")
        if viewer in SEES[level]:
            assert response.status_code == 200, viewer
            assert b"".join(response.streaming_content) == png_bytes()
            assert response["Cache-Control"].startswith("public" if level == "public" else "private")
        else:
            assert response.status_code == 404, viewer


def test_conservative_defaults_for_a_person_without_a_network_profile(client):
    person = UserFactory(display_name="Amina Diallo", organisation="Wetlands Senegal", country="SN")
    html = client.get(f"/en/people/{person.pk}/").content.decode()
    assert "Amina Diallo" in html
    assert "Wetlands Senegal" not in html and "Senegal" not in html
    client.force_login(UserFactory())
    html = client.get(f"/en/people/{person.pk}/").content.decode()
    assert "Wetlands Senegal" in html and "Senegal" in html


def test_unlisted_profile_is_not_found_except_for_its_owner(client):
    person = UserFactory(display_name="Quiet Person", listed_in_directory=False)
    assert client.get(f"/en/people/{person.pk}/").status_code == 404
    assert client.get(f"/en/people/{person.pk}/photo/").status_code == 404
    client.force_login(person)
    assert client.get(f"/en/people/{person.pk}/").status_code == 200


# DIRECTORY ----


def card_names(response):
    return {card.name for card in response.context["cards"]}


@pytest.mark.parametrize(
    ("query", "part"),
    [
        ({"country": "CO"}, "country"),
        ({"region": "019"}, "country"),  # the Americas, through South America
        ({"target": "21"}, "expertise"),
        ({"stakeholder": "academia"}, "expertise"),
        ({"language": "sw"}, "languages"),
        ({"open_to": "mentoring"}, "open_to"),
        ({"q": "humboldt"}, "organisation"),
    ],
)
def test_directory_filters_never_match_a_hidden_part(client, lucia, query, part):
    Profile.objects.filter(user=lucia).update(**{f"{part}_visibility": "members"})
    assert card_names(client.get("/en/network/", query)) == set()
    client.force_login(UserFactory())
    assert card_names(client.get("/en/network/", query)) == {"Lucía Fernández"}
    Profile.objects.filter(user=lucia).update(**{f"{part}_visibility": "nobody"})
    assert card_names(client.get("/en/network/", query)) == set()
    client.force_login(lucia)
    assert card_names(client.get("/en/network/", query)) == {"Lucía Fernández"}


def test_directory_lists_listed_active_people_and_honours_the_opt_out(client, lucia):
    UserFactory(display_name="Quiet Person", listed_in_directory=False)
    UserFactory(display_name="Gone Away", is_active=False)
    response = client.get("/en/network/")
    assert response.status_code == 200
    assert card_names(response) == {"Lucía Fernández"}
    html = response.content.decode()
    assert "Wetland ecologist" in html  # headline public by default
    assert "Instituto Humboldt" not in html  # organisation for members by default
    assert lucia.email not in html


def test_directory_unknown_filter_value_is_400_and_the_others_apply(client, lucia):
    Profile.objects.filter(user=lucia).update(country_visibility="public")
    response = client.get("/en/network/", {"country": "CO", "target": "999"})
    assert response.status_code == 400
    assert card_names(response) == {"Lucía Fernández"}


def _people(count):
    for index in range(count):
        person = UserFactory(display_name=f"Person {index:02d}", country="KE")
        person.expertise.set(GBFTarget.objects.filter(number__in=[1, 2]))
        person.languages.set(Language.objects.filter(code__in=["en", "fr"]))
        profile = Profile.objects.create(user=person, headline=f"Ranger {index}", country_visibility="public")
        profile.topics.set(Topic.objects.all()[:2])


def test_directory_queries_do_not_grow_with_the_people(client, django_assert_max_num_queries):
    client.force_login(UserFactory())
    _people(2)
    client.get("/en/network/?region=014")  # warm caches that are not per request (vocabularies)
    cache.clear()  # every card rendered anew (they are cached fragments), in both requests compared
    with django_assert_max_num_queries(30) as few:
        client.get("/en/network/?region=014")
    few_count = len(few.captured_queries)
    _people(25)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/network/?region=014")
    assert len(response.context["cards"]) == 27
    assert len(many.captured_queries) == few_count


# EDITING ----


def test_profile_editor_saves_parts_and_visibility(client, lucia):
    client.force_login(lucia)
    assert client.get("/en/me/network-profile/").status_code == 200
    data = {
        "headline": "Peatland ecologist",
        "organisation": "Instituto Humboldt",
        "country": "CO",
        "expertise": [GBFTarget.objects.get(number=3).pk],
        "languages": [Language.objects.get(code="es").pk],
        "topics": [Topic.objects.get(slug="restoration").pk],
        "orcid": "https://orcid.org/0000-0001-5109-3700",
        "links": "https://example.org/a\n\nhttps://example.org/b",
        "open_to_reviewing": "on",
        "listed_in_directory": "on",
        "accepts_contact": "on",
        "photo": SimpleUploadedFile("new.png", png_bytes((20, 20)), content_type="image/png"),
        **{f"{part}_visibility": "public" for part in MARKERS},
        "country_visibility": "nobody",
    }
    response = client.post("/en/me/network-profile/", data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=lucia)
    assert profile.headline == "Peatland ecologist"
    assert profile.orcid == "0000-0001-5109-3700"
    assert profile.link_list == ["https://example.org/a", "https://example.org/b"]
    assert profile.country_visibility == "nobody" and profile.headline_visibility == "public"
    assert profile.open_to_reviewing and not profile.open_to_mentoring
    assert list(profile.topics.values_list("slug", flat=True)) == ["restoration"]
    lucia.refresh_from_db()
    assert list(lucia.expertise.values_list("number", flat=True)) == [3]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("orcid", "0000-0002-1825-0098", "typing error"),
        ("links", "javascript:alert(1)", "Enter a valid URL"),
        ("photo", SimpleUploadedFile("x.png", b"not an image", content_type="image/png"), "image"),
        ("headline_visibility", "everyone", "Select a valid choice"),
    ],
)
def test_profile_editor_refuses_bad_input_with_a_message(client, lucia, field, value, message):
    client.force_login(lucia)
    data = {f"{part}_visibility": "members" for part in MARKERS}
    data[field] = value
    response = client.post("/en/me/network-profile/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_profile_editor_needs_a_login(client):
    response = client.get("/en/me/network-profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# CONTACT RELAY ----


def test_contact_relay_hides_the_recipient_address_and_replies_reach_the_sender(
    client, lucia, django_capture_on_commit_callbacks
):
    sender = UserFactory(display_name="James Okello")
    client.force_login(sender)
    assert client.get(f"/en/people/{lucia.pk}/contact/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/people/{lucia.pk}/contact/", {"subject": "Wetland data", "body": "Could we compare notes?"}
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert lucia.email not in page
    (message,) = mail.outbox
    assert message.to == [lucia.email]
    assert message.extra_headers["Reply-To"] == sender.email
    assert sender.email not in message.from_email
    assert "Could we compare notes?" in message.body and "James Okello" in message.subject


def test_contact_is_refused_when_the_person_opted_out(client, lucia):
    Profile.objects.filter(user=lucia).update(accepts_contact=False)
    client.force_login(UserFactory())
    assert "Write to" not in client.get(f"/en/people/{lucia.pk}/").content.decode()
    response = client.post(f"/en/people/{lucia.pk}/contact/", {"subject": "Hi", "body": "Hello"})
    assert response.status_code == 403
    assert "does not accept messages" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_contact_needs_a_login_and_is_never_to_oneself(client, lucia):
    assert client.get(f"/en/people/{lucia.pk}/contact/").status_code == 302
    client.force_login(lucia)
    assert client.get(f"/en/people/{lucia.pk}/contact/").status_code == 403


def test_contact_flood_gets_429_with_retry_after(client, lucia, settings):
    settings.NETWORK_CONTACT_RATE_LIMITS = {"hour": (3600, 2)}
    client.force_login(UserFactory())
    for _ in range(2):
        response = client.post(f"/en/people/{lucia.pk}/contact/", {"subject": "Hi", "body": "Hello"})
        assert response.status_code == 302
    response = client.post(f"/en/people/{lucia.pk}/contact/", {"subject": "Hi", "body": "Hello"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600 + 60  # the window, to within one bucket
    assert "Please wait" in response.content.decode()
    assert ContactMessage.objects.count() == 2


def test_profile_page_queries_do_not_grow(client, lucia):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory())
    url = f"/en/people/{lucia.pk}/"
    client.get(url)
    cache.clear()  # the body is a cached fragment: both requests compared render it anew
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    few_count = len(few.captured_queries)
    lucia.expertise.set(GBFTarget.objects.all())
    lucia.languages.set(Language.objects.all())
    Profile.objects.get(user=lucia).topics.set(Topic.objects.all())
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Target 23" in html
    assert len(many.captured_queries) == few_count
