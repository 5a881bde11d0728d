"""The visibility matrix of the practitioner network: every surface that shows a person, for every kind of
viewer, with every part of the person's profile at each visibility level. Each part carries a marker
found nowhere else on the site, so a part is asserted present exactly where its level lets the viewer
see it and absent everywhere else (pages, filters that would match on it, the photo, the map counts,
the open-schema JSON, the organisers' CSV export, the site search, needs and organisation pages).

The size of the matrix: len(SURFACES) x len(VIEWERS) x len(LEVELS) cases."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django_countries import countries
from PIL import Image

from cop.models import Language
from cop.network.models import Organisation, Profile, Topic
from cop.network.permissions import MODERATORS_GROUP
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db

LEVELS = ["public", "members", "nobody"]
VIEWERS = ["anonymous", "member", "owner", "organiser", "other_focal_point"]
SEES = {
    "public": {"anonymous", "member", "owner", "organiser", "other_focal_point"},
    "members": {"member", "owner", "organiser", "other_focal_point"},
    "nobody": {"owner"},
}

# One marker per part, found nowhere else (the country and language are rare on purpose).
COUNTRY = "NR"
COUNTRY_NAME = str(countries.name(COUNTRY))
MARKERS = {
    "headline": "Headline-mark-h7q",
    "organisation": "Organisation-mark-o3k",
    "organisation_record": "Orgrecord-mark-r5w",
    "country": COUNTRY_NAME,
    "expertise": "Topic-mark-t9z",
    "languages": "Language-mark-l2x",
    "bio": "Bio-mark-b4v",
    "links": "links-mark-k8y.example",
    "orcid": "0000-0002-1825-0097",
    "open_to": "Reviewing",
}
PART_OF = {"organisation_record": "organisation", "orcid": "links"}
# What each surface shows of a person when it may: the organisation's free text gives way to the
# organisation record on pages; a directory card is short; the CSV has no "about me"; the JSON names
# no organisation (it links it).
PAGE_SHOWS = set(MARKERS) - {"organisation"}
CARD_SHOWS = {"headline", "organisation_record", "country", "languages", "open_to"}
CSV_SHOWS = set(MARKERS) - {"bio"}
JSON_SHOWS = PAGE_SHOWS - {"organisation_record", "open_to", "languages"}
EMAIL = "subject-address-e6u@km4b.test"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(db):
    language = Language.objects.create(code="xq", name=MARKERS["languages"], native_name=MARKERS["languages"])
    topic = Topic.objects.create(slug="topic-mark", name=MARKERS["expertise"])
    record = Organisation.objects.create(name=MARKERS["organisation_record"], kind="ngo")
    subject = UserFactory(
        display_name="Matrix Subject",
        email=EMAIL,
        organisation=MARKERS["organisation"],
        country=COUNTRY,
        bio=MARKERS["bio"],
    )
    subject.languages.set([language])
    profile = Profile.objects.create(
        user=subject,
        headline=MARKERS["headline"],
        organisation_record=record,
        links=f"https://{MARKERS['links']}/me",
        orcid=MARKERS["orcid"],
        open_to_reviewing=True,
    )
    profile.topics.set([topic])
    profile.photo.save("subject.png", SimpleUploadedFile("subject.png", _png()), save=True)
    # The subject is a focal point of their organisation and posted a need for themselves.
    record.focal_points.add(subject)
    need = make_exchange("need", subject, title="Matrix need", language="xq")
    other_organisation = Organisation.objects.create(name="Other organisation", kind="ngo")
    focal = UserFactory(display_name="Other Focal Point")
    other_organisation.focal_points.add(focal)
    organiser = UserFactory(display_name="Network Organiser")
    organiser.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    users = {
        "anonymous": None,
        "member": UserFactory(display_name="Plain Member"),
        "owner": subject,
        "organiser": organiser,
        "other_focal_point": focal,
    }
    return {"subject": subject, "profile": profile, "users": users, "need": need, "record": record}


def _set_level(profile, level):
    Profile.objects.filter(pk=profile.pk).update(
        **{f"{part}_visibility": level for part in set(MARKERS) - set(PART_OF) | {"photo"}}
    )


def _text(response) -> str:
    """The page without its filter menus (which list every country, language and topic)."""
    html = response.content.decode()
    return re.sub(r"<select.*?</select>", "", html, flags=re.DOTALL)


def _parts_in(text: str) -> dict[str, bool]:
    return {marker: value in text for marker, value in MARKERS.items()}


def _expected(level, viewer, shows) -> dict[str, bool]:
    """Each marker is present exactly where the surface shows its part and the viewer may see it."""
    sees = viewer in SEES[level]
    return {marker: sees and marker in shows for marker in MARKERS}


# Each surface: (client, world, level, viewer) -> (what is shown, what should be).


def surface_profile_page(client, world, level, viewer):
    text = _text(client.get(f"/en/people/{world['subject'].pk}/"))
    assert EMAIL not in text
    return _parts_in(text), _expected(level, viewer, PAGE_SHOWS)


def surface_directory_page(client, world, level, viewer):
    text = _text(client.get("/en/network/"))
    assert "Matrix Subject" in text and EMAIL not in text
    return _parts_in(text), _expected(level, viewer, CARD_SHOWS)


def _listed(client, query) -> bool:
    response = client.get("/en/network/", query)
    return any(card.pk == client.subject_pk for card in response.context["cards"])


def surface_directory_filters(client, world, level, viewer):
    found = {
        "organisation": _listed(client, {"q": MARKERS["organisation"]}),
        "organisation_record": _listed(client, {"q": MARKERS["organisation_record"]}),
        "country": _listed(client, {"country": COUNTRY}),
        "expertise": _listed(client, {"topic": "topic-mark"}),
        "languages": _listed(client, {"language": "xq"}),
        "open_to": _listed(client, {"open_to": "reviewing"}),
        # Words of the parts that are not filters do not find the person either.
        "headline": _listed(client, {"q": MARKERS["headline"]}),
        "bio": _listed(client, {"q": MARKERS["bio"]}),
        "email": _listed(client, {"q": EMAIL.split("@")[0]}),
    }
    sees = viewer in SEES[level]
    expected = dict.fromkeys(found, sees)
    expected.update(headline=False, bio=False, email=False)
    return found, expected


def surface_photo(client, world, level, viewer):
    subject = world["subject"]
    served = client.get(f"/en/people/{subject.pk}/photo/").status_code == 200
    linked = f"/people/{subject.pk}/photo/" in client.get(f"/en/people/{subject.pk}/").content.decode()
    sees = viewer in SEES[level]
    return {"served": served, "linked": linked}, {"served": sees, "linked": sees}


def surface_map(client, world, level, viewer):
    response = client.get("/en/network/map/", {"layer": "practitioners"})
    counted = sum(area.count for area in response.context["map"].areas if area.code == COUNTRY)
    return {"counted": counted}, {"counted": 1 if viewer in SEES[level] else 0}


def surface_open_schema(client, world, level, viewer):
    """The JSON is for everyone: only public parts, whoever asks."""
    response = client.get(f"/en/people/{world['subject'].pk}/murmurations.json")
    text = json.dumps(response.json(), ensure_ascii=False) if response.status_code == 200 else ""
    assert EMAIL not in text
    found = _parts_in(text)
    found["photo"] = f"/people/{world['subject'].pk}/photo/" in text
    found["language_code"] = '"xq"' in text  # languages go by code
    expected = _expected(level, "anonymous", JSON_SHOWS)
    expected["photo"] = expected["language_code"] = level == "public"
    return found, expected


def surface_csv_export(client, world, level, viewer):
    """Organisers only, and only what signed-in members see (never a part kept to its owner)."""
    response = client.get("/en/network/export.csv")
    text = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    assert EMAIL not in text
    exported = viewer == "organiser" and level != "nobody"
    return _parts_in(text), {marker: exported and marker in CSV_SHOWS for marker in MARKERS}


def surface_site_search(client, world, level, viewer):
    """The network's hits of the site search (cop.network.search): a person is found by, and shown
    with, their headline and organisation where the viewer may see them, never by their other parts."""
    found = {}
    for marker in ("headline", "bio", "organisation", "expertise"):
        context = client.get("/en/search/", {"q": MARKERS[marker]}).context
        assert not context["results"]  # people are not pages
        found[marker] = MARKERS[marker] in str(context["network_results"])
    searched = viewer in SEES[level]
    return found, {marker: searched and marker in ("headline", "organisation") for marker in found}


def surface_need_page(client, world, level, viewer):
    """A need posted for oneself shows its author's name, and none of their hidden parts."""
    text = _text(client.get(f"/en/network/needs/{world['need'].pk}/"))
    assert "Matrix need" in text and EMAIL not in text
    found = _parts_in(text)
    found.pop("languages")  # the need's own language, not the author's
    return found, dict.fromkeys(found, False)


def surface_organisation_page(client, world, level, viewer):
    """The subject's organisation lists them as a focal point, by name only."""
    text = _text(client.get(f"/en/network/organisations/{world['record'].pk}/"))
    assert "Matrix Subject" in text and EMAIL not in text
    found = _parts_in(text)
    found.pop("organisation_record")  # the page's own name
    return found, dict.fromkeys(found, False)


SURFACES = {
    name.removeprefix("surface_"): function
    for name, function in globals().items()
    if name.startswith("surface_")
}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_visibility_matrix(client, world, surface, viewer, level):
    _set_level(world["profile"], level)
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    client.subject_pk = world["subject"].pk
    found, expected = SURFACES[surface](client, world, level, viewer)
    assert found == expected


def test_former_member_leaves_no_trace_but_their_posts(client, world):
    """A deleted account: profile 404, out of the directory, map and JSON; their need says "former member"."""
    from cop.network.services.data_rights import account_delete

    subject = world["subject"]
    subject.set_password("matrix-password-1")
    subject.save()
    _set_level(world["profile"], "public")
    account_delete(user=subject, password="matrix-password-1")
    client.force_login(world["users"]["member"])
    assert client.get(f"/en/people/{subject.pk}/").status_code == 404
    assert client.get(f"/en/people/{subject.pk}/murmurations.json").status_code == 404
    assert client.get(f"/en/people/{subject.pk}/photo/").status_code == 404
    assert all(card.pk != subject.pk for card in client.get("/en/network/").context["cards"])
    areas = client.get("/en/network/map/", {"layer": "practitioners"}).context["map"].areas
    assert sum(area.count for area in areas if area.code == COUNTRY) == 0
    text = _text(client.get(f"/en/network/organisations/{world['record'].pk}/"))
    assert "Matrix Subject" not in text


def test_a_person_without_a_name_is_not_shown_by_their_address(client, world):
    """public_name's last fallback is the address's local part: no surface may show it."""
    subject = world["subject"]
    type(subject).objects.filter(pk=subject.pk).update(display_name="", first_name="", last_name="")
    client.force_login(world["users"]["member"])
    for address in ("/en/network/", f"/en/people/{subject.pk}/", f"/en/network/needs/{world['need'].pk}/"):
        assert EMAIL.split("@")[0] not in client.get(address).content.decode(), address
