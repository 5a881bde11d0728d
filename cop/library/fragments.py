"""The library's cached fragments (cop.fragments): a listing's rows and facet block, a case study's body.

Every key carries what the text shows and who may see it: the item's id, its access level for this
viewer (decided for the request, never read from the cache), its last publication, address and
consent version, and the library-wide version `LIBRARY_SCOPE`, replaced whenever a case study, a
consent record, a vocabulary or a community (a holder's or source's name) changes (the receivers
below). A fragment rendered for a custodian (FULL) is keyed on FULL: an outsider, decided NOTICE or
HIDDEN, asks for another key. A revoked grant or a withdrawn consent changes the decision at once,
so the key at once."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cop.fragments import (
    FRAGMENT_SECONDS,
    fragment_key,
    render_many,
    render_one,
    scope_changed,
    scope_versions,
)
from cop.models import CommunityPage, GBFTarget, KMComponent, Language, Region, StakeholderGroup

from .models import CaseStudyPage, ConsentRecord, Ecosystem, Label, LibraryCollection, LibraryPage
from .models.consent import getattr_consent
from .selectors import blocks_for_list, pages_for_links

LIBRARY_SCOPE = "library"


def library_version() -> str:
    (version,) = scope_versions(LIBRARY_SCOPE)
    return version


def cached_facets(version: str, full_ids: list[int], selected: dict, compute) -> tuple[list[dict], str]:
    """The facets (counted over `full_ids`, the FULL case studies listed) and their rendered block, read
    from the cache in one round trip, else `compute()`d, rendered and kept. The key names the ids
    themselves: two viewers share the block only when they may read the same case studies."""
    key = fragment_key("library-facets", version, tuple(full_ids), tuple(sorted(selected.items())))
    found = cache.get(key)
    if found is None:
        facets = compute()
        for facet in facets:
            facet["label"] = str(facet["label"])
            for option in facet["options"]:
                option["label"] = str(option["label"])
        found = {
            "facets": facets,
            "html": render_to_string("cop_library/includes/facets.html", {"facets": facets}),
        }
        cache.set(key, found, FRAGMENT_SECONDS)
    return found["facets"], mark_safe(found["html"])  # noqa: S308 - our own rendered template


def row_parts(version: str, row) -> tuple:
    """What a listing row shows depends on (beyond the code version and language)."""
    return (row.pk, row.library_access, row.last_published_at, row.url_path, row.consent_version, version)


@receiver(post_save, sender=CaseStudyPage, dispatch_uid="cop_library_fragments_page_saved")
@receiver(post_delete, sender=CaseStudyPage, dispatch_uid="cop_library_fragments_page_deleted")
@receiver(post_save, sender=ConsentRecord, dispatch_uid="cop_library_fragments_consent_saved")
@receiver(post_delete, sender=ConsentRecord, dispatch_uid="cop_library_fragments_consent_deleted")
@receiver(post_save, sender=Ecosystem, dispatch_uid="cop_library_fragments_ecosystem_saved")
@receiver(post_save, sender=Label, dispatch_uid="cop_library_fragments_label_saved")
@receiver(post_save, sender=GBFTarget, dispatch_uid="cop_library_fragments_target_saved")
@receiver(post_save, sender=StakeholderGroup, dispatch_uid="cop_library_fragments_group_saved")
@receiver(post_save, sender=KMComponent, dispatch_uid="cop_library_fragments_component_saved")
@receiver(post_save, sender=Language, dispatch_uid="cop_library_fragments_language_saved")
@receiver(post_save, sender=Region, dispatch_uid="cop_library_fragments_region_saved")
@receiver(post_save, sender=CommunityPage, dispatch_uid="cop_library_fragments_community_saved")
# A library's title or address, shown in its case studies' headers.
@receiver(post_save, sender=LibraryPage, dispatch_uid="cop_library_fragments_library_saved")
@receiver(post_delete, sender=LibraryPage, dispatch_uid="cop_library_fragments_library_deleted")
@receiver(post_save, sender=LibraryCollection, dispatch_uid="cop_library_fragments_collection_saved")
@receiver(post_delete, sender=LibraryCollection, dispatch_uid="cop_library_fragments_collection_deleted")
# A term or community deleted leaves the case studies by a cascade on the links (no m2m_changed, no save).
@receiver(post_delete, sender=Ecosystem, dispatch_uid="cop_library_fragments_ecosystem_deleted")
@receiver(post_delete, sender=Label, dispatch_uid="cop_library_fragments_label_deleted")
@receiver(post_delete, sender=GBFTarget, dispatch_uid="cop_library_fragments_target_deleted")
@receiver(post_delete, sender=StakeholderGroup, dispatch_uid="cop_library_fragments_group_deleted")
@receiver(post_delete, sender=KMComponent, dispatch_uid="cop_library_fragments_component_deleted")
@receiver(post_delete, sender=Language, dispatch_uid="cop_library_fragments_language_deleted")
@receiver(post_delete, sender=Region, dispatch_uid="cop_library_fragments_region_deleted")
@receiver(post_delete, sender=CommunityPage, dispatch_uid="cop_library_fragments_community_deleted")
# The resources' documents and the story's images (their addresses name the file: a new file, a new
# address; the old one answers 404) edited or deleted in Wagtail's admin.
@receiver(post_save, sender=get_document_model(), dispatch_uid="cop_library_fragments_document_saved")
@receiver(post_delete, sender=get_document_model(), dispatch_uid="cop_library_fragments_document_deleted")
@receiver(post_save, sender=get_image_model(), dispatch_uid="cop_library_fragments_image_saved")
@receiver(post_delete, sender=get_image_model(), dispatch_uid="cop_library_fragments_image_deleted")
def library_changed(sender, **kwargs):
    scope_changed(LIBRARY_SCOPE)


@receiver(m2m_changed, dispatch_uid="cop_library_fragments_m2m_changed")
def library_relation_changed(sender, **kwargs):
    """A case study's vocabularies or labels, a consent's custodians or audience changed in place."""
    if sender in _LIBRARY_RELATIONS:
        scope_changed(LIBRARY_SCOPE)


_LIBRARY_RELATIONS = {
    *(field.remote_field.through for field in CaseStudyPage._meta.many_to_many),
    *(field.remote_field.through for field in ConsentRecord._meta.many_to_many),
}


_BODY_PARTS = ("header", "main", "rights")


def case_study_body(key_parts: tuple | None, context) -> dict:
    """A case study's body for a FULL viewer, in three fragments around the consent link and its
    building blocks (which are decided for each viewer): "header" (the article's opening: its language,
    library, title and summary), "main" (facts, story, sections) and "rights" (resources, labels,
    rights and citation). `key_parts` names what they show (see views.case_study.case_study_shown); None
    renders them without the cache (a preview's unsaved edits). `context()` gives the templates' context, asked only when
    a fragment is rendered."""
    found = {}

    def render(name):
        if not found:
            found.update(context())
        return render_to_string(f"cop_library/includes/case_study_{name}.html", found)

    if key_parts is None:
        return {name: mark_safe(render(name)) for name in _BODY_PARTS}  # noqa: S308 - our own templates
    version = library_version()
    htmls = render_many(
        "case-study-body", _BODY_PARTS, parts=lambda name: (name, *key_parts, version), render=render
    )
    return dict(zip(_BODY_PARTS, htmls, strict=True))


def case_study_head(page, render) -> str:
    """A public case study's <head> metadata (licence link, DataCite links, Dublin Core, JSON-LD:
    cop.library.fair), rendered by `render()` once per state of what it shows: the page's publication,
    address and consent version, its library's publication and address (the JSON-LD's "isPartOf" and
    the citation name it), the site's address (absolute URLs) and the library-wide version (its
    vocabularies, place names and communities). Whether the page is public is decided by the caller
    on every request, before asking."""
    library = page.library
    consent = getattr_consent(page) if page.holds_traditional_knowledge else None
    return render_one(
        "case-study-head",
        page.pk,
        page.last_published_at,
        page.url_path,
        consent.version if consent is not None else 0,
        library.pk,
        library.last_published_at,
        library.url_path,
        settings.SITE_URL,
        library_version(),
        render=render,
    )


def related_list(rows, version: str) -> str:
    """The related case studies' list (cop_library/includes/related.html): `rows` are the decision's
    (selectors.related_case_studies: each FULL for this viewer, with its last publication, address and
    consent version, all named in the key), so who may read which decides the key; the pages are read
    (their links' columns only) only when it is rendered."""

    def render():
        pages = pages_for_links(row.pk for row in rows)
        return render_to_string(
            "cop_library/includes/related.html",
            {"related": [pages[row.pk] for row in rows if row.pk in pages]},
        )

    parts = [row_parts(version, row) for row in rows]
    return render_one("case-study-related", version, *parts, render=render) if rows else ""


def blocks_list(shown, version: str) -> str:
    """A case study's building blocks (cop_library/includes/blocks.html): `shown` are the blocks this
    viewer may read in full (selectors.case_study_blocks, decided for the request), each named in the
    key with its last change; the blocks are read only when it is rendered."""

    def render():
        return render_to_string("cop_library/includes/blocks.html", {"blocks": blocks_for_list(shown)})

    parts = [(item.pk, item.library_access, item.updated_at) for item in shown]
    return render_one("case-study-blocks", version, *parts, render=render) if shown else ""


def collections_nav(library, version: str) -> str:
    """A library's collections (their titles and addresses: nothing restricted; each collection's page
    decides its case studies), read and rendered once per library address and library version (a
    collection saved or deleted replaces it)."""

    def render():
        collections = list(LibraryCollection.objects.filter(library=library).order_by("title"))
        return render_to_string(
            "cop_library/includes/collections_nav.html", {"collections": collections, "library": library}
        )

    return render_one("library-collections", library.pk, library.url_path, version, render=render)


def listing_block(library, listing: dict, public_export: bool) -> str:
    """A library's listing below its title (filters, facet menus, rows, pagination), from
    listing.library_listing's `listing`. Without parameters it is one fragment keyed on the listing's
    `cache_parts` (each listed row's level, the FULL ids, the first page's rows as their own keys name
    them: what the request decided, so a revoked grant or a withdrawn consent is a new key at once),
    the library and whether its export is public; the rows and facets are then not asked at all."""

    def render():
        context = {**listing, **listing["prepare"](), "page": library, "public_export": public_export}
        return render_to_string("cop_library/includes/listing.html", context)

    if listing["cache_parts"] is None:
        return mark_safe(render())  # noqa: S308 - our own template
    return render_one("library-listing", library.pk, public_export, *listing["cache_parts"], render=render)
