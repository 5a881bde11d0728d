"""The open schema: public profiles, organisations, needs and offers as Murmurations documents, valid
against the vendored schemas (tests/network/murmurations), with linked_schemas, honouring each part's
visibility for the anonymous viewer, never the e-mail, linked from the pages."""

import json
from pathlib import Path

import jsonschema
import pytest

from cop.models import GBFTarget, Language
from cop.network.models import ExchangeStatus, Organisation, Profile, Topic
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "murmurations"


def _validate(document: dict, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)
    assert document["linked_schemas"] == [name]


@pytest.fixture
def organisation():
    parent = Organisation.objects.create(name="Andean Wetlands Network", kind="network", scope="regional")
    organisation = Organisation.objects.create(
        name="Instituto Humboldt",
        kind="organisation",
        scope="national",
        countries=["CO"],
        website="https://www.humboldt.org.co/",
        feed_url="https://www.humboldt.org.co/feed",
        mission="Research on biodiversity for Colombia.",
    )
    organisation.gbf_targets.set(GBFTarget.objects.filter(number__in=[3, 21]))
    parent.member_organisations.add(organisation)
    return organisation


@pytest.fixture
def lucia(organisation):
    person = UserFactory(display_name="Lucía Fernández", country="CO", bio="Biodiversity information systems")
    person.expertise.set(GBFTarget.objects.filter(number=21))
    person.languages.set(Language.objects.filter(code__in=["es", "en"]))
    profile = Profile.objects.create(
        user=person,
        headline="Wetland ecologist",
        organisation_record=organisation,
        links="https://example.org/lucia",
        orcid="0000-0002-1825-0097",
    )
    profile.topics.set(Topic.objects.all()[:1])
    return person


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_profile_document_with_defaults_shows_only_public_parts(client, lucia):
    document = _get(client, f"/en/people/{lucia.pk}/murmurations.json")
    _validate(document, "people_schema-v0.1.0")
    assert document["name"] == "Lucía Fernández"
    assert document["primary_url"].endswith(f"/people/{lucia.pk}/")
    assert document["description"] == "Wetland ecologist"  # headline public by default; bio members-only
    assert document["tags"] == ["biodiversity"]  # expertise is members-only by default
    for hidden in ("country_iso_3166", "knows_language", "relationships", "image"):
        assert hidden not in document
    assert [url["url"] for url in document["urls"]] == [document["primary_url"]]
    assert lucia.email not in json.dumps(document)


def test_profile_document_shows_what_the_person_made_public(client, lucia, organisation):
    Profile.objects.filter(user=lucia).update(
        country_visibility="public",
        expertise_visibility="public",
        languages_visibility="public",
        bio_visibility="public",
        links_visibility="public",
        organisation_visibility="public",
        headline_visibility="nobody",
    )
    document = _get(client, f"/en/people/{lucia.pk}/murmurations.json")
    _validate(document, "people_schema-v0.1.0")
    assert document["country_iso_3166"] == "CO" and document["country_name"] == "Colombia"
    assert sorted(document["knows_language"]) == ["en", "es"]
    assert "GBF Target 21" in document["tags"]
    assert document["description"] == "Biodiversity information systems"
    assert {"name": "ORCID", "url": "https://orcid.org/0000-0002-1825-0097"} in document["urls"]
    (relationship,) = document["relationships"]
    assert relationship["predicate_url"] == "https://schema.org/memberOf"
    assert relationship["object_url"].endswith(f"/en/network/organisations/{organisation.pk}/")


def test_unlisted_profile_has_no_document_and_the_page_links_to_it(client, lucia):
    page = client.get(f"/en/people/{lucia.pk}/").content.decode()
    assert (
        f'<link rel="alternate" type="application/json" href="/en/people/{lucia.pk}/murmurations.json"'
        in page
    )
    lucia.listed_in_directory = False
    lucia.save()
    assert client.get(f"/en/people/{lucia.pk}/murmurations.json").status_code == 404
    client.force_login(lucia)  # the document is always the anonymous view
    assert client.get(f"/en/people/{lucia.pk}/murmurations.json").status_code == 404


def test_organisation_document(client, organisation):
    document = _get(client, f"/en/network/organisations/{organisation.pk}/murmurations.json")
    _validate(document, "organizations_schema-v1.0.0")
    assert document["name"] == "Instituto Humboldt"
    assert document["primary_url"] == "https://www.humboldt.org.co/"
    assert document["geographic_scope"] == "national" and document["country_iso_3166"] == "CO"
    assert document["rss"] == "https://www.humboldt.org.co/feed"
    assert {"Organisation", "GBF Target 3", "GBF Target 21"} <= set(document["tags"])
    assert [rel["predicate_url"] for rel in document["relationships"]] == ["https://schema.org/memberOf"]
    page = client.get(f"/en/network/organisations/{organisation.pk}/").content.decode()
    assert f'href="/en/network/organisations/{organisation.pk}/murmurations.json"' in page


@pytest.mark.parametrize("kind, exchange_type", [("need", "want"), ("offer", "offer")])
def test_need_and_offer_documents_and_unpublished_ones_are_404(client, lucia, kind, exchange_type):
    item = make_exchange(
        kind, lucia, title="Wetland inventory training", targets=[11], support_kind="data", country="CO"
    )
    item.expires_on = "2030-06-30"
    item.save()
    document = _get(client, f"/en/network/{kind}s/{item.pk}/murmurations.json")
    _validate(document, "offers_wants_schema-v0.1.0")
    assert document["exchange_type"] == exchange_type and document["item_type"] == "good"
    assert document["title"] == "Wetland inventory training" and document["geographic_scope"] == "national"
    assert "GBF Target 11" in document["tags"] and "Data" in document["tags"]
    assert document["contact_details"]["contact_form"] == document["details_url"]
    assert document["expires_at"] > 1_900_000_000
    assert lucia.email not in json.dumps(document)
    page = client.get(f"/en/network/{kind}s/{item.pk}/").content.decode()
    assert f'href="/en/network/{kind}s/{item.pk}/murmurations.json"' in page
    for status in (ExchangeStatus.DRAFT, ExchangeStatus.SUBMITTED, ExchangeStatus.REJECTED):
        item.status = status
        item.save()
        assert client.get(f"/en/network/{kind}s/{item.pk}/murmurations.json").status_code == 404
