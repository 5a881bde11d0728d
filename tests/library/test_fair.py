"""FAIR: every public demo case study (and building block) has DataCite metadata that DataCite's own
schema accepts, as JSON and XML, with its licence and Local Contexts labels in rightsList; its page
carries schema.org JSON-LD with the licence, Dublin Core meta tags and a rel="license" link. Nothing
restricted (traditional knowledge outside a public audience, a private community's library, a draft,
withdrawn consent) gets any machine metadata: its endpoints are 404 and no restricted word appears."""

import json
import re

import pytest
from datacite import schema45
from defusedxml import ElementTree
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import cop.demo
import home.demo
from cop.library import demo, fair
from cop.library.models import Audience, BuildingBlock, CaseStudyPage, Label
from cop.library.permissions import Access, access
from tests.factories import CommunityPageFactory
from tests.library.conftest import make_case_study, make_consent, make_library

pytestmark = pytest.mark.django_db

DATACITE_NS = "{http://datacite.org/schema/kernel-4}"


@pytest.fixture
def seeded():
    context = home.demo.seed(None)
    cop.demo.seed(context, None)
    return demo.seed(context, None)


def _public(model):
    return [item for item in model.objects.all() if fair.is_public(item)]


def _json_ld(html: str) -> dict:
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


def test_datacite_json_and_xml_of_every_public_demo_case_study_are_valid(seeded, client):
    pages = [page for page in _public(CaseStudyPage) if page.live]
    assert len(pages) >= 10
    for page in pages:
        response = client.get(reverse("cop_library:datacite_json", args=[page.pk]))
        assert response.status_code == 200, page.slug
        data = response.json()
        assert schema45.validate(data), page.slug
        assert data["titles"] == [{"title": page.title}]
        assert data["url"].endswith(f"/library/case-studies/{page.pk}/")
        licence = data["rightsList"][0]
        if page.licence_url:
            assert licence["rightsUri"] == page.licence_url and licence["rightsIdentifierScheme"] == "SPDX"
        labels = [
            entry for entry in data["rightsList"] if entry.get("rightsIdentifierScheme") == "Local Contexts"
        ]
        assert {entry["rightsIdentifier"] for entry in labels} == set(
            page.labels.values_list("code", flat=True)
        )
        xml = client.get(reverse("cop_library:datacite_xml", args=[page.pk]))
        assert xml.status_code == 200 and xml["Content-Type"].startswith("application/xml")
        root = ElementTree.fromstring(xml.content)
        assert root.tag == f"{DATACITE_NS}resource"
        assert root.find(f"{DATACITE_NS}titles/{DATACITE_NS}title").text == page.title
        assert root.find(f"{DATACITE_NS}publisher").text == fair.PUBLISHER
        rights = root.findall(f"{DATACITE_NS}rightsList/{DATACITE_NS}rights")
        assert len(rights) == len(data["rightsList"])
        # The XML is the validated JSON, written by the datacite package.
        assert xml.content.decode() == schema45.tostring(data)


def test_datacite_of_public_demo_building_blocks_is_valid(seeded, client):
    blocks = [block for block in _public(BuildingBlock) if block.is_live]
    assert blocks
    for block in blocks:
        data = client.get(reverse("cop_library:block_datacite_json", args=[block.pk])).json()
        assert schema45.validate(data)
        assert data["types"]["resourceType"] == "Building block"
        xml = client.get(reverse("cop_library:block_datacite_xml", args=[block.pk]))
        assert (
            ElementTree.fromstring(xml.content).find(f"{DATACITE_NS}titles/{DATACITE_NS}title").text
            == block.title
        )
        html = client.get(block.get_absolute_url()).content.decode()
        assert _json_ld(html)["name"] == block.title
        assert f'<meta name="DC.title" content="{block.title}">' in html


def test_a_public_page_carries_json_ld_dublin_core_and_its_licence(seeded, client):
    page = CaseStudyPage.objects.get(slug="locally-managed-marine-areas-fiji")
    html = client.get(page.url).content.decode()
    data = _json_ld(html)
    assert data["@context"] == "https://schema.org" and "Article" in data["@type"]
    assert data["license"] == page.licence_url and data["license"].startswith("https://creativecommons.org/")
    assert data["headline"] == page.title and data["@id"].endswith(f"/library/case-studies/{page.pk}/")
    assert data["spatialCoverage"]["address"]["addressCountry"] == "FJ"
    assert data["about"] and data["author"]
    assert f'<link rel="license" href="{page.licence_url}">' in html
    assert f'<meta name="DC.title" content="{page.title}">' in html
    assert f'<meta name="DC.rights" content="{page.licence_url}">' in html
    assert reverse("cop_library:datacite_json", args=[page.pk]) in html
    # "Cite as" gives the stable address.
    assert f"/library/case-studies/{page.pk}/" in fair.citation(page)


def test_a_sensitive_place_is_given_at_country_level_only(site_library, client):
    page = make_case_study(
        site_library,
        title="Nesting beaches patrol",
        country="CR",
        location_name="SECRET-BEACH",
        latitude="9.5",
        longitude="-85.1",
        location_sensitive=True,
    )
    html = client.get(page.url).content.decode()
    spatial = _json_ld(html)["spatialCoverage"]
    assert spatial["address"]["addressCountry"] == "CR" and "geo" not in spatial
    assert "SECRET-BEACH" not in html
    data = client.get(reverse("cop_library:datacite_json", args=[page.pk])).json()
    assert schema45.validate(data)
    assert data["geoLocations"] == [{"geoLocationPlace": "Costa Rica"}]


def test_restricted_items_have_no_machine_metadata_at_all(cast, client):
    public_tk, _consent = cast.tk_case_study(library=cast.site_library, audience=Audience.PUBLIC)
    restricted, _consent = cast.tk_case_study(library=cast.site_library)
    secret, _consent = cast.tk_case_study(library=cast.site_library, secret_sacred=True)
    withdrawn, consent = cast.tk_case_study(library=cast.site_library, audience=Audience.PUBLIC)
    consent.status = "withdrawn"
    consent.save()
    draft = make_case_study(cast.site_library, title="Draft RESTRICTED-DRAFT", live=False)
    private_community = CommunityPageFactory(
        title="Private circle", slug="private-circle", visibility="members"
    )
    private = make_case_study(
        make_library(private_community), title="Members only RESTRICTED-MEMBERS", summary="RESTRICTED-M"
    )
    block = BuildingBlock.objects.create(
        title="RESTRICTED-BLOCK",
        summary="RESTRICTED-BLOCK-SUMMARY",
        library=cast.site_library,
        holds_traditional_knowledge=True,
        status="published",
    )
    make_consent(block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder])
    assert access(AnonymousUser(), public_tk) == Access.FULL
    assert client.get(reverse("cop_library:datacite_json", args=[public_tk.pk])).status_code == 200
    for kind in ("custodian", "holder_member", "granted", "editor", "anonymous"):
        visitor = cast.client(client, kind)
        for page in (restricted, secret, withdrawn, draft, private):
            for name in ("cop_library:datacite_json", "cop_library:datacite_xml"):
                response = visitor.get(reverse(name, args=[page.pk]))
                assert response.status_code == 404, (kind, page.title, name)
                assert b"RESTRICTED" not in response.content
        for name in ("cop_library:block_datacite_json", "cop_library:block_datacite_xml"):
            response = visitor.get(reverse(name, args=[block.pk]))
            assert response.status_code == 404 and b"RESTRICTED" not in response.content
    # Read in full by a member of the audience: the page has no JSON-LD or Dublin Core for machines.
    html = cast.client(client, "holder_member").get(restricted.url).content.decode()
    assert "RESTRICTED-SUMMARY" in html
    assert "application/ld+json" not in html and 'name="DC.' not in html
    block_page = cast.client(client, "holder_member").get(block.get_absolute_url()).content.decode()
    assert "RESTRICTED-BLOCK-SUMMARY" in block_page and "application/ld+json" not in block_page
    # The notice shown to outsiders carries none either.
    notice = cast.client(client, "outsider").get(reverse("cop_library:item", args=[restricted.pk]))
    assert notice.status_code == 200 and "application/ld+json" not in notice.content.decode()


def test_local_contexts_labels_follow_datacites_guidance(site_library):
    page = make_case_study(site_library, title="Bark cloth patterns")
    page.labels.set(Label.objects.filter(code__in=["tk-attribution", "notice-tk"]))
    page.save()
    data = fair.datacite_validated(fair.case_study_datacite(CaseStudyPage.objects.get(pk=page.pk)))
    labels = {entry["rightsIdentifier"]: entry for entry in data["rightsList"][1:]}
    assert labels["tk-attribution"] == {
        "rights": "TK Attribution",
        "rightsUri": "https://localcontexts.org/label/tk-attribution/",
        "rightsIdentifier": "tk-attribution",
        "rightsIdentifierScheme": "Local Contexts",
        "schemeUri": "https://localcontexts.org/",
    }
    assert labels["notice-tk"]["rightsUri"] == "https://localcontexts.org/notice/notice-tk/"
