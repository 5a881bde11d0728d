"""The JSON and CSV exports of a library: its case studies that an anonymous visitor may read in full
(cop.library.fair.is_public's decision, as a queryset filter), one row each, never a contact address
or a restricted word; CSV cells that a spreadsheet would run as a formula are made inert."""

import csv
import io
import json

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone

from cop import permissions as cop_permissions
from cop.mail import absolute_url

from .fair import PUBLISHER, citation, label_url, shown_place, stable_url
from .models import BuildingBlock, CaseStudyPage, Label
from .permissions import Access, library_items_for

# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = (
    "id",
    "url",
    "title",
    "summary",
    "library",
    "country",
    "region",
    "place",
    "scale",
    "period_start",
    "period_end",
    "gbf_targets",
    "ecosystems",
    "stakeholder_groups",
    "languages",
    "organisations",
    "source_community",
    "attribution",
    "licence",
    "licence_url",
    "doi",
    "labels",
    "building_blocks",
    "citation",
    "published",
)


def public_case_studies(library):
    """The live case studies of `library` an anonymous visitor may read in full (a constant number of
    queries), with what the export shows."""
    queryset = CaseStudyPage.objects.live().child_of(library).order_by("path")
    return (
        library_items_for(AnonymousUser(), queryset, minimum=Access.FULL)
        .select_related("consent", "region", "source_community", "locale")
        .prefetch_related(
            "gbf_targets",
            "ecosystems",
            "stakeholder_groups",
            "languages",
            Prefetch("labels", queryset=Label.objects.order_by("sort_order")),
            "block_uses__block",
        )
    )


def export_rows(library) -> list[dict]:
    pages = list(public_case_studies(library))
    used = {use.block_id for page in pages for use in page.block_uses.all()}
    public_blocks = set(
        library_items_for(
            AnonymousUser(), BuildingBlock.objects.filter(pk__in=used), minimum=Access.FULL
        ).values_list("pk", flat=True)
    )
    rows = []
    for page in pages:
        page._library = library
        place = shown_place(page)
        blocks = [use.block for use in page.block_uses.all() if use.block_id in public_blocks]
        rows.append(
            {
                "id": page.pk,
                "url": stable_url(page),
                "title": page.title,
                "summary": page.summary,
                "library": library.title,
                "country": place["country_code"],
                "region": place["region"],
                "place": place["place"],
                "scale": page.scale,
                "period_start": page.period_start.isoformat() if page.period_start else "",
                "period_end": page.period_end.isoformat() if page.period_end else "",
                "gbf_targets": [target.number for target in page.gbf_targets.all()],
                "ecosystems": [ecosystem.slug for ecosystem in page.ecosystems.all()],
                "stakeholder_groups": [group.slug for group in page.stakeholder_groups.all()],
                "languages": [language.code for language in page.languages.all()],
                "organisations": page.organisation_list,
                "source_community": page.source_community.title if page.source_community_id else "",
                "attribution": page.attribution,
                "licence": page.licence,
                "licence_url": page.licence_url,
                "doi": page.doi,
                "labels": [
                    {"code": label.code, "name": label.name, "url": label_url(label)}
                    for label in page.labels.all()
                ],
                "building_blocks": [stable_url(block) for block in blocks],
                "citation": citation(page),
                "published": page.first_published_at.isoformat() if page.first_published_at else "",
            }
        )
    return rows


def export_json(library) -> str:
    return json.dumps(
        {
            "library": {"title": library.title, "url": absolute_url(library.url)},
            "publisher": PUBLISHER,
            "generated": timezone.now().isoformat(),
            "case_studies": export_rows(library),
        },
        ensure_ascii=False,
        indent=1,
    )


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value) -> str:
    if isinstance(value, list):
        value = "; ".join(item["code"] if isinstance(item, dict) else str(item) for item in value)
    return csv_safe(value)


def export_csv(library) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(library):
        writer.writerow([_cell(row[column]) for column in EXPORT_COLUMNS])
    return out.getvalue()


def library_is_public(library) -> bool:
    """May an anonymous visitor read the library at all (the site-wide one, or a public community's)?"""
    community = library.community
    return community is None or cop_permissions.can_view(AnonymousUser(), community)
