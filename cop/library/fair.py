"""FAIR metadata of the libraries: schema.org JSON-LD, Dublin Core meta tags, DataCite metadata (schema
4.5, JSON and XML, built and validated by the `datacite` package); the JSON and CSV exports of a
library are in cop.library.exports.

Machine metadata is given only for what an anonymous visitor may read in full (`is_public`: the one
decision, cop.library.permissions, asked for an anonymous user): restricted traditional knowledge, a
private community's library or a draft get none, whoever asks, and are never exported. A sensitive
location is given at country and region level only. The contact e-mail address is never given.
Local Contexts labels and notices go into DataCite's rightsList as DataCite's guidance for Local
Contexts asks (the label's name, its page on localcontexts.org, its code, the scheme "Local Contexts").
"""

import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation

from cop.mail import absolute_url

from .models import BuildingBlock, CaseStudyPage
from .models.consent import may_be_cited
from .permissions import Access, access

PUBLISHER = "KM4B Communities"
SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
LOCAL_CONTEXTS = "Local Contexts"
LOCAL_CONTEXTS_URI = "https://localcontexts.org/"
GBF_SCHEME = "Kunming-Montreal Global Biodiversity Framework"
GBF_SCHEME_URI = "https://www.cbd.int/gbf/targets/"
SPDX = {
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc0-1.0": "CC0-1.0",
}


def is_public(item) -> bool:
    """Would an anonymous visitor read this item in full? Only then is it given machine metadata."""
    return access(AnonymousUser(), item) == Access.FULL


def label_url(label) -> str:
    kind = "notice" if label.kind == "notice" else "label"
    return f"{LOCAL_CONTEXTS_URI}{kind}/{label.code}/"


def stable_url(item) -> str:
    """The address that does not change when the title does (the page's own address is its slug's)."""
    if isinstance(item, CaseStudyPage):
        return absolute_url(reverse("cop_library:item", args=[item.pk]))
    return absolute_url(item.get_absolute_url())


def _labels(item) -> list:
    return sorted(item.labels.all(), key=lambda label: label.sort_order)


def _language(page) -> str:
    languages = list(page.languages.all())
    return languages[0].code if languages else (page.locale.language_code if page.locale_id else "en")


def _authors(page) -> list[str]:
    if page.organisation_list:
        return page.organisation_list
    if page.source_community_id:
        return [page.source_community.title]
    return [page.library.title]


def _year(page) -> int:
    return (page.first_published_at or page.latest_revision_created_at or timezone.now()).year


def citation(page) -> str:
    """The "cite as" text, with the stable address (or the DOI); empty where citing was not consented
    to (cop.library.models.consent.may_be_cited)."""
    if not may_be_cited(page):
        return ""
    where = f"https://doi.org/{page.doi}" if page.doi else stable_url(page)
    return f"{'; '.join(_authors(page))} ({_year(page)}). {page.title}. {page.library.title}, {PUBLISHER}. {where}"


def shown_place(page) -> dict:
    """Where, as precisely as an anonymous visitor may know it (for a public page: the place and
    coordinates unless it is sensitive, cop.library.permissions.may_see_location)."""
    precise = not page.location_sensitive
    return {
        "country": page.country.name if page.country else "",
        "country_code": page.country.code if page.country else "",
        "region": page.region.name if page.region_id else "",
        "place": page.location_name if precise else "",
        "latitude": float(page.latitude) if precise and page.latitude is not None else None,
        "longitude": float(page.longitude) if precise and page.longitude is not None else None,
    }


def _licence_rights(page) -> list[dict]:
    if not page.licence_url:
        return [{"rights": str(page.get_licence_display())}]
    return [
        {
            "rights": str(page.get_licence_display()),
            "rightsUri": page.licence_url,
            "rightsIdentifier": SPDX[page.licence].lower(),
            "rightsIdentifierScheme": "SPDX",
            "schemeUri": "https://spdx.org/licenses/",
        }
    ]


def _label_rights(labels) -> list[dict]:
    return [
        {
            "rights": label.name,
            "rightsUri": label_url(label),
            "rightsIdentifier": label.code,
            "rightsIdentifierScheme": LOCAL_CONTEXTS,
            "schemeUri": LOCAL_CONTEXTS_URI,
        }
        for label in labels
    ]


# DATACITE ----


def case_study_datacite(page: CaseStudyPage) -> dict:
    """DataCite metadata (schema 4.5, as the `datacite` package's JSON) of a public case study."""
    with translation.override(settings.LANGUAGE_CODE):
        place = shown_place(page)
        data = {
            "types": {"resourceTypeGeneral": "Text", "resourceType": "Case study"},
            "creators": [{"name": name, "nameType": "Organizational"} for name in _authors(page)],
            "titles": [{"title": page.title}],
            "publisher": {"name": PUBLISHER},
            "publicationYear": str(_year(page)),
            "subjects": [
                *(
                    {
                        "subject": f"GBF Target {target.number}: {target.title}",
                        "subjectScheme": GBF_SCHEME,
                        "schemeUri": GBF_SCHEME_URI,
                    }
                    for target in page.gbf_targets.all()
                ),
                *({"subject": str(ecosystem.name)} for ecosystem in page.ecosystems.all()),
                *({"subject": str(component)} for component in page.km_components.all()),
            ],
            "dates": [{"date": page.first_published_at.date().isoformat(), "dateType": "Issued"}]
            if page.first_published_at
            else [],
            "language": _language(page),
            "alternateIdentifiers": [
                {"alternateIdentifier": stable_url(page), "alternateIdentifierType": "URL"}
            ],
            "rightsList": [*_licence_rights(page), *_label_rights(_labels(page))],
            "descriptions": [{"description": page.summary, "descriptionType": "Abstract"}],
            "url": stable_url(page),
            "schemaVersion": SCHEMA_VERSION,
        }
        if page.period_start:
            period = page.period_start.isoformat()
            if page.period_end:
                period = f"{period}/{page.period_end.isoformat()}"
            data["dates"].append(
                {"date": period, "dateType": "Other", "dateInformation": "Period of the case study"}
            )
        if page.doi:
            data["doi"] = page.doi
        if place["country"] or place["place"]:
            location = {"geoLocationPlace": ", ".join(p for p in (place["place"], place["country"]) if p)}
            if place["latitude"] is not None:
                location["geoLocationPoint"] = {
                    "pointLatitude": place["latitude"],
                    "pointLongitude": place["longitude"],
                }
            data["geoLocations"] = [location]
        for name in ("subjects", "dates"):
            if not data[name]:
                del data[name]
    return data


def block_datacite(block: BuildingBlock) -> dict:
    """DataCite metadata of a public building block."""
    creator = block.author.public_name if block.author_id else block.library.title
    data = {
        "types": {"resourceTypeGeneral": "Text", "resourceType": "Building block"},
        "creators": [{"name": creator}],
        "titles": [{"title": block.title}],
        "publisher": {"name": PUBLISHER},
        "publicationYear": str(block.created_at.year),
        "descriptions": [{"description": block.summary, "descriptionType": "Abstract"}],
        "url": stable_url(block),
        "alternateIdentifiers": [
            {"alternateIdentifier": stable_url(block), "alternateIdentifierType": "URL"}
        ],
        "schemaVersion": SCHEMA_VERSION,
    }
    rights = _label_rights(_labels(block))
    if rights:
        data["rightsList"] = rights
    return data


def datacite_validated(data: dict) -> dict:
    """Validated against DataCite's own schema by the `datacite` package (an error is a bug here)."""
    from datacite import schema45  # ~1 s to import (idutils): loaded only when a DataCite record is asked

    schema45.validator.validate(data)
    return data


def datacite_xml(data: dict) -> str:
    from datacite import schema45  # ~1 s to import (idutils): loaded only when a DataCite record is asked

    return schema45.tostring(data)


# SCHEMA.ORG AND DUBLIN CORE ----


def case_study_json_ld(page: CaseStudyPage) -> dict:
    """schema.org Article of a public case study."""
    place = shown_place(page)
    data = {
        "@context": "https://schema.org",
        "@type": ["CreativeWork", "Article"],
        "@id": stable_url(page),
        "url": stable_url(page),
        "headline": page.title,
        "name": page.title,
        "abstract": page.summary,
        "inLanguage": [language.code for language in page.languages.all()] or _language(page),
        "author": [{"@type": "Organization", "name": name} for name in _authors(page)],
        "creator": [{"@type": "Organization", "name": name} for name in _authors(page)],
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": absolute_url("/")},
        "isPartOf": {
            "@type": "Collection",
            "name": page.library.title,
            "url": absolute_url(page.library.url),
        },
        "license": page.licence_url or str(page.get_licence_display()),
        "about": [
            *(
                {"@type": "DefinedTerm", "name": f"GBF Target {target.number}", "description": target.title}
                for target in page.gbf_targets.all()
            ),
            *({"@type": "DefinedTerm", "name": str(ecosystem.name)} for ecosystem in page.ecosystems.all()),
        ],
        "keywords": [label.name for label in _labels(page)],
    }
    if cited := citation(page):
        data["citation"] = cited
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.date().isoformat()
    if page.doi:
        data["identifier"] = f"https://doi.org/{page.doi}"
    if place["country"]:
        spatial = {"@type": "Place", "name": place["place"] or place["country"]}
        spatial["address"] = {"@type": "PostalAddress", "addressCountry": place["country_code"]}
        if place["latitude"] is not None:
            spatial["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": place["latitude"],
                "longitude": place["longitude"],
            }
        data["spatialCoverage"] = spatial
    if page.period_start:
        data["temporalCoverage"] = (
            f"{page.period_start.isoformat()}/{page.period_end.isoformat() if page.period_end else '..'}"
        )
    return data


def json_ld_script(data: dict) -> str:
    """JSON for a <script type="application/ld+json">: "<", ">" and "&" escaped so no text can end it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dublin_core(page: CaseStudyPage) -> list[tuple[str, str]]:
    """Dublin Core <meta name="DC.*"> pairs of a public case study."""
    place = shown_place(page)
    pairs = [
        ("DC.title", page.title),
        *(("DC.creator", name) for name in _authors(page)),
        ("DC.description", page.summary),
        ("DC.publisher", PUBLISHER),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
        ("DC.identifier", stable_url(page)),
        ("DC.rights", page.licence_url or str(page.get_licence_display())),
        *(("DC.subject", f"GBF Target {target.number}") for target in page.gbf_targets.all()),
        *(("DC.subject", str(ecosystem.name)) for ecosystem in page.ecosystems.all()),
        *(("DC.language", language.code) for language in page.languages.all()),
    ]
    if page.first_published_at:
        pairs.append(("DC.date", page.first_published_at.date().isoformat()))
    if place["country"]:
        pairs.append(("DC.coverage", ", ".join(p for p in (place["place"], place["country"]) if p)))
    if page.doi:
        pairs.append(("DC.identifier", f"https://doi.org/{page.doi}"))
    return pairs


def page_metadata(page: CaseStudyPage) -> dict | None:
    """What a case study's <head> carries for machines, or None when it is not public."""
    if not page.pk or not page.live or not is_public(page):
        return None
    # Each vocabulary read once for the JSON-LD and the Dublin Core tags.
    prefetch_related_objects([page], "gbf_targets", "ecosystems", "languages", "labels")
    return {
        "json_ld": json_ld_script(case_study_json_ld(page)),
        "dublin_core": dublin_core(page),
        "datacite_json": reverse("cop_library:datacite_json", args=[page.pk]),
        "datacite_xml": reverse("cop_library:datacite_xml", args=[page.pk]),
    }


def block_json_ld(block: BuildingBlock) -> dict:
    """schema.org CreativeWork of a public building block."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": stable_url(block),
        "url": stable_url(block),
        "name": block.title,
        "abstract": block.summary,
        "creator": {"@type": "Person", "name": block.author.public_name}
        if block.author_id
        else {"@type": "Organization", "name": block.library.title},
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": absolute_url("/")},
        "dateCreated": block.created_at.date().isoformat(),
        "keywords": [label.name for label in _labels(block)],
    }
    return data


def block_metadata(block: BuildingBlock) -> dict | None:
    """What a building block's <head> carries for machines, or None when it is not public."""
    if not block.is_live or not is_public(block):
        return None
    return {
        "json_ld": json_ld_script(block_json_ld(block)),
        "dublin_core": [
            ("DC.title", block.title),
            ("DC.description", block.summary),
            ("DC.publisher", PUBLISHER),
            ("DC.type", "Text"),
            ("DC.identifier", stable_url(block)),
            ("DC.date", block.created_at.date().isoformat()),
        ],
        "datacite_json": reverse("cop_library:block_datacite_json", args=[block.pk]),
        "datacite_xml": reverse("cop_library:block_datacite_xml", args=[block.pk]),
    }
