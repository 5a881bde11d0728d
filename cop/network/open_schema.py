"""Public profiles, organisations, needs and offers as Murmurations documents (people_schema-v0.1.0,
organizations_schema-v1.0.0, offers_wants_schema-v0.1.0), so that other networks can harvest them.
Built for the anonymous viewer: a part of a profile appears only if its owner made it public; the
e-mail address never does. The vendored schemas in tests/network/murmurations validate the output."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from cop.mail import absolute_url

from .models import Scope, SupportKind

PEOPLE_SCHEMA = "people_schema-v0.1.0"
ORGANISATION_SCHEMA = "organizations_schema-v1.0.0"
OFFERS_WANTS_SCHEMA = "offers_wants_schema-v0.1.0"
BASE_TAG = "biodiversity"  # every document has at least one tag, as the schemas require

SCOPES = {
    Scope.GLOBAL: "international",
    Scope.REGIONAL: "regional",
    Scope.NATIONAL: "national",
    Scope.SUBNATIONAL: "regional",
    Scope.LOCAL: "local",
}
# Data and technology are delivered; training, advice, funding and partnership are performed.
GOODS = {SupportKind.DATA, SupportKind.TECHNOLOGY}
MEMBER_OF = "https://schema.org/memberOf"
MEMBER = "https://schema.org/member"


def anonymous() -> AnonymousUser:
    return AnonymousUser()


def _tags(*groups) -> list[str]:
    tags = [BASE_TAG]
    for group in groups:
        for term in group:
            text = str(term).strip()[:100]
            if text and text not in tags:
                tags.append(text)
    return tags


def _target_tags(targets) -> list[str]:
    return [_("GBF Target %(number)s") % {"number": target.number} for target in targets]


def person_document(view) -> dict:
    """`view`: the ProfileView of the person for an anonymous viewer (selectors.profile_view)."""
    person = view.person
    page = absolute_url(reverse("cop_network:profile", args=[person.pk]))
    document = {
        "linked_schemas": [PEOPLE_SCHEMA],
        "name": view.name,
        "primary_url": page,
        "tags": _tags(_target_tags(view.targets), view.km_components, view.topics),
    }
    description = "\n\n".join(text for text in (view.headline, view.bio) if text)
    if description:
        document["description"] = description
    if view.photo:
        document["image"] = absolute_url(reverse("cop_network:photo", args=[person.pk]))
    urls = [{"name": _("Profile"), "url": page}]
    urls += [{"name": _("Link"), "url": link} for link in view.links]
    if view.orcid:
        urls.append({"name": "ORCID", "url": f"https://orcid.org/{view.orcid}"})
    document["urls"] = urls
    if view.languages:
        document["knows_language"] = [language.code for language in view.languages]
    if view.country:
        document["country_iso_3166"] = view.country.code
        document["country_name"] = str(view.country.name)
    if view.profile is None or view.profile.accepts_contact:
        document["contact_details"] = {
            "contact_form": absolute_url(reverse("cop_network:contact", args=[person.pk]))
        }
    if view.organisation_record is not None:
        document["relationships"] = [
            {
                "predicate_url": MEMBER_OF,
                "object_url": absolute_url(
                    reverse("cop_network:organisation", args=[view.organisation_record.pk])
                ),
            }
        ]
    return document


def _organisation_url(organisation) -> str:
    return absolute_url(reverse("cop_network:organisation", args=[organisation.pk]))


def organisation_document(organisation) -> dict:
    """An organisation loaded by selectors.organisation_detail (its relations prefetched)."""
    page = _organisation_url(organisation)
    document = {
        "linked_schemas": [ORGANISATION_SCHEMA],
        "name": organisation.name,
        "primary_url": organisation.website or page,
        "tags": _tags([organisation.get_kind_display()], _target_tags(organisation.gbf_targets.all())),
        "urls": [{"name": _("Page in the KM4B network"), "url": page}]
        + ([{"name": _("Website"), "url": organisation.website}] if organisation.website else []),
        "geographic_scope": SCOPES[organisation.scope],
    }
    if organisation.mission:
        document["mission"] = organisation.mission
    if len(organisation.countries) == 1:
        document["country_iso_3166"] = organisation.countries[0].code
    if organisation.feed_url:
        document["rss"] = organisation.feed_url
    relationships = [
        {"predicate_url": MEMBER, "object_url": _organisation_url(member)}
        for member in organisation.member_organisations.all()
    ] + [
        {"predicate_url": MEMBER_OF, "object_url": _organisation_url(parent)}
        for parent in organisation.member_of.all()
    ]
    if relationships:
        document["relationships"] = relationships
    return document


def exchange_document(item) -> dict:
    """A public need (a "want") or offer."""
    page = absolute_url(reverse(f"cop_network:{item.kind}", args=[item.pk]))
    document = {
        "linked_schemas": [OFFERS_WANTS_SCHEMA],
        "exchange_type": "offer" if item.kind == "offer" else "want",
        "item_type": "good" if item.support_kind in GOODS else "service",
        "transaction_type": ["receive-donate"],
        "tags": _tags(
            [item.get_support_kind_display()], _target_tags(item.gbf_targets.all()), item.km_components.all()
        ),
        "title": item.title,
        "description": item.description,
        "details_url": page,
        "geographic_scope": "national" if item.country else "international",
        # Interest is expressed on the item's page; the author's address is never published.
        "contact_details": {"contact_form": page},
    }
    if item.expires_on:
        end = datetime.datetime.combine(item.expires_on, datetime.time.max, tzinfo=datetime.UTC)
        document["expires_at"] = int(end.timestamp())
    return document
