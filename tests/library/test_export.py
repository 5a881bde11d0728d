"""The JSON and CSV exports of a library: its public case studies only (what an anonymous visitor reads
in full), with their labels; no restricted word ever; CSV cells that a spreadsheet cannot run as
formulas; a constant number of queries."""

import csv
import io
import json

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.library.exports import csv_safe
from cop.library.models import Audience, BuildingBlock, CaseStudyBlockUse, Label
from tests.factories import CommunityPageFactory
from tests.library.conftest import make_case_study, make_library

pytestmark = pytest.mark.django_db


def _rows(client, library) -> list[dict]:
    response = client.get(reverse("cop_library:export_csv", args=[library.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _json(client, library) -> dict:
    response = client.get(reverse("cop_library:export_json", args=[library.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_start_a_formula(start):
    assert (
        csv_safe(f'{start}HYPERLINK("http://evil.example")') == f'\'{start}HYPERLINK("http://evil.example")'
    )
    assert csv_safe("Plain text = fine") == "Plain text = fine"
    assert csv_safe(None) == ""


def test_the_csv_export_is_safe_and_carries_the_labels(site_library, client):
    page = make_case_study(
        site_library,
        title='=HYPERLINK("http://evil.example","Click")',
        summary="+SUM(A1:A9)",
        organisations="@attacker\n-minus",
        attribution="\tcmd",
    )
    page.labels.set(Label.objects.filter(code__in=["tk-attribution", "bc-provenance"]))
    page.save()
    [row] = _rows(client, site_library)
    assert row["title"] == "'" + '=HYPERLINK("http://evil.example","Click")'
    assert row["summary"] == "'+SUM(A1:A9)"
    assert row["organisations"] == "'@attacker; -minus"
    assert row["attribution"] == "'\tcmd"
    assert row["labels"] == "tk-attribution; bc-provenance"
    assert row["licence"] == "cc-by-4.0" and row["url"].endswith(f"/library/case-studies/{page.pk}/")
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_json_export_carries_what_is_public(site_library, client):
    page = make_case_study(site_library, title="Community seed banks", country="PE", licence="cc-by-sa-4.0")
    page.labels.set(Label.objects.filter(code="tk-attribution"))
    page.save()
    block = BuildingBlock.objects.create(
        title="Seed fairs", summary="Yearly fairs.", library=site_library, status="published"
    )
    CaseStudyBlockUse.objects.create(case_study=page, block=block)
    data = _json(client, site_library)
    assert data["library"]["title"] == site_library.title
    [item] = data["case_studies"]
    assert item["title"] == "Community seed banks" and item["country"] == "PE"
    assert item["licence_url"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert item["labels"] == [
        {
            "code": "tk-attribution",
            "name": "TK Attribution",
            "url": "https://localcontexts.org/label/tk-attribution/",
        }
    ]
    [block_url] = item["building_blocks"]
    assert block_url.endswith(f"/library/blocks/{block.pk}/")
    assert "contact_email" not in item


def test_restricted_items_are_never_exported(cast, client):
    public_tk, _consent = cast.tk_case_study(library=cast.site_library, audience=Audience.PUBLIC)
    public_tk.summary, public_tk.solution = "Shared with everyone", "Shared with everyone"
    public_tk.save()
    cast.tk_case_study(library=cast.site_library)  # members of the holder community: NOTICE outside
    cast.tk_case_study(library=cast.site_library, secret_sacred=True)
    _page, withdrawn = cast.tk_case_study(library=cast.site_library, audience=Audience.SIGNED_IN)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    make_case_study(cast.site_library, title="RESTRICTED-DRAFT", summary="RESTRICTED-DRAFT", live=False)
    sensitive = make_case_study(
        cast.site_library, title="Turtle beach", location_name="RESTRICTED-PLACE", location_sensitive=True
    )
    restricted_block = BuildingBlock.objects.create(
        title="RESTRICTED-BLOCK",
        summary="x",
        library=cast.site_library,
        status="published",
        holds_traditional_knowledge=True,
    )
    CaseStudyBlockUse.objects.create(case_study=sensitive, block=restricted_block)
    # Whoever asks (custodians and members too), the export holds what anyone may read in full.
    for kind in ("anonymous", "custodian", "holder_member", "granted", "editor"):
        visitor = cast.client(client, kind)
        text = visitor.get(reverse("cop_library:export_csv", args=[cast.site_library.pk])).content.decode()
        text += visitor.get(reverse("cop_library:export_json", args=[cast.site_library.pk])).content.decode()
        assert "RESTRICTED" not in text, kind
        assert "Medicinal plant knowledge" not in text  # not even a notice
        ids = {row["id"] for row in _rows(visitor, cast.site_library)}
        assert ids == {str(public_tk.pk), str(sensitive.pk)}
    # The public TK case study's own text is public: its consent says so.
    assert "Shared with everyone" in "".join(row["summary"] for row in _rows(client, cast.site_library))


def test_a_private_communitys_library_has_no_export(client):
    community = CommunityPageFactory(title="Private circle", slug="private-circle", visibility="members")
    library = make_library(community)
    make_case_study(library, title="Members only")
    assert client.get(reverse("cop_library:export_csv", args=[library.pk])).status_code == 404
    assert client.get(reverse("cop_library:export_json", args=[library.pk])).status_code == 404


def test_exports_read_a_constant_number_of_queries(site_library, client, django_assert_num_queries):
    from django.db import connection

    def one(title):
        page = make_case_study(site_library, title=title)
        page.labels.set(Label.objects.filter(code="tk-attribution"))
        page.save()
        CaseStudyBlockUse.objects.create(
            case_study=page,
            block=BuildingBlock.objects.create(
                title=f"Block of {title}", summary="x", library=site_library, status="published"
            ),
        )

    one("First")
    client.get(reverse("cop_library:export_json", args=[site_library.pk]))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("cop_library:export_json", args=[site_library.pk]))
    for number in range(5):
        one(f"More {number}")
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(_json(client, site_library)["case_studies"]) == 6
