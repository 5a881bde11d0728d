"""The network map: counts by country per layer, practitioners counted only where the viewer may see
their country, the SVG and the table telling the same numbers, region and layer filters, no script,
and a light page."""

import gzip
import re

import pytest

from cop.models import Region
from cop.network.maps import geometry
from cop.network.models import ExchangeStatus, Organisation, Profile
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db

SVG_AREA = re.compile(
    r'<path d="[^"]+" fill="([^"]+)" data-code="([A-Z]{2})" role="img"><title>([^<]+)</title>'
)
TABLE_ROW = re.compile(r'<tr data-code="([A-Z]{2})"><th scope="row">[^<]+</th><td>(\d+)</td></tr>')


def _person(country, visibility, listed=True):
    person = UserFactory(country=country, listed_in_directory=listed)
    Profile.objects.create(user=person, country_visibility=visibility)
    return person


@pytest.fixture
def people():
    return {
        "public": _person("KE", "public"),
        "members": _person("KE", "members"),
        "nobody": _person("KE", "nobody"),
        "peru": _person("PE", "members"),
        "unlisted": _person("PE", "public", listed=False),
    }


def _counts(client, query=""):
    response = client.get(f"/en/network/map/{query}")
    assert response.status_code == 200
    page = response.content.decode()
    svg = {
        code: int(re.search(r"(\d+)", title.split(":", 1)[1]).group(1))
        for _f, code, title in SVG_AREA.findall(page)
        if ":" in title  # countries outside the chosen region are named, not counted
    }
    table = {code: int(count) for code, count in TABLE_ROW.findall(page)}
    return svg, table, page


@pytest.mark.parametrize(
    "viewer, kenya, peru",
    [(None, 1, 0), ("member", 2, 1), ("nobody", 3, 1)],
    ids=["anonymous", "member", "the person hiding their country"],
)
def test_practitioners_are_counted_only_where_the_viewer_sees_their_country(
    client, people, viewer, kenya, peru
):
    if viewer == "member":
        client.force_login(UserFactory())
    elif viewer == "nobody":
        client.force_login(people["nobody"])
    svg, table, _page = _counts(client)
    assert svg["KE"] == kenya and svg["PE"] == peru
    # The table says exactly what the map says, for every country with a count.
    assert table == {code: count for code, count in svg.items() if count}


def test_every_country_of_the_map_has_a_title_and_the_legend_is_visible(client, people):
    svg, _table, page = _counts(client)
    assert len(svg) == len(geometry()["countries"]) > 170
    assert "Kenya: 1 practitioner" in page and "Peru: 0 practitioners" in page
    assert 'aria-label="Legend"' in page and "20 or more" in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]


def test_layers_count_organisations_and_open_needs_and_offers(client, people):
    Organisation.objects.create(name="East African network", kind="network", countries=["KE", "TZ"])
    Organisation.objects.create(name="Kenya Wildlife", kind="organisation", countries=["KE"])
    author = people["public"]
    make_exchange("need", author, title="Open need", country="KE")
    make_exchange("need", author, title="Draft need", country="KE", status=ExchangeStatus.DRAFT)
    make_exchange("offer", author, title="Open offer", country="PE")
    assert _counts(client, "?layer=organisations")[1] == {"KE": 2, "TZ": 1}
    assert _counts(client, "?layer=needs")[1] == {"KE": 1}
    svg, table, page = _counts(client, "?layer=offers")
    assert table == {"PE": 1} and "Peru: 1 open offer" in page


def test_region_filter_counts_only_its_countries(client, people):
    client.force_login(UserFactory())
    africa = Region.objects.filter(subregions__countries__country="KE").first() or Region.objects.get(
        countries__country="KE"
    )
    svg, table, page = _counts(client, f"?region={africa.m49_code}")
    assert table == {"KE": 2}
    assert "PE" not in svg and svg["KE"] == 2  # outside the region: drawn, not counted
    assert 'data-code="PE" role="img"><title>Peru</title>' in page


def test_unknown_layer_or_region_is_400_and_still_a_map(client, people):
    for query in ("?layer=secrets", "?region=999999"):
        response = client.get(f"/en/network/map/{query}")
        assert response.status_code == 400
        assert "<svg" in response.content.decode()


def test_the_map_page_is_light(client, people, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/en/network/map/").content
    assert len(gzip.compress(page)) < 40_000, len(gzip.compress(page))


def test_vendored_geometry_holds_only_path_commands_and_iso_codes():
    # The SVG is assembled without escaping the paths (cop.network.maps.NetworkMap.svg_areas).
    data = geometry()
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in data["countries"])
    assert all(
        re.fullmatch(r"[Mlz0-9 \-]+", path) for path in [*data["countries"].values(), data["unassigned"]]
    )


def test_country_names_in_titles_are_escaped_and_translated(client, people):
    english = client.get("/en/network/map/").content.decode()
    assert "<title>Côte d&#x27;Ivoire: 0 practitioners</title>" in english
    french = client.get("/fr/network/map/").content.decode()
    assert "<title>Pérou" in french and "<title>Peru" not in french


def test_cached_map_parts_change_at_once(client, people):
    """The SVG's countries and the form are cached fragments: a count changed, a country's visibility
    narrowed, a region added show on the next request (each first requested twice: from the cache)."""
    provider = UserFactory()
    for _ in range(2):
        svg, _table, _page = _counts(client, "?layer=offers")
    assert "KE" not in svg or svg["KE"] == 0
    offer = make_exchange("offer", provider, title="Offer in Kenya", country="KE")
    for _ in range(2):
        svg, table, _page = _counts(client, "?layer=offers")
    assert svg["KE"] == 1 and table["KE"] == 1
    offer.status = ExchangeStatus.CLOSED
    offer.save()
    assert _counts(client, "?layer=offers")[0]["KE"] == 0
    for _ in range(2):
        svg, _table, _page = _counts(client)
    assert svg["KE"] == 1
    profile = people["public"].network_profile
    profile.country_visibility = "members"
    profile.save()
    assert _counts(client)[0]["KE"] == 0
    # The form lists a region added since it was cached.
    Region.objects.create(m49_code="990", name="Region-mark-new")
    assert "Region-mark-new" in client.get("/en/network/map/").content.decode()


def test_the_cached_form_shows_the_layer_chosen(client, people):
    for _ in range(2):
        page = client.get("/en/network/map/", {"layer": "needs"}).content.decode()
    assert 'value="needs" selected' in page
    page = client.get("/en/network/map/").content.decode()
    assert 'value="needs" selected' not in page
