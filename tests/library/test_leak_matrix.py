"""The leak matrix (issue #12): every surface x every visitor x every item state, in one parametrised
test. Each item carries a marker word ("zq" + its state) in every restricted field: title (and so its
address), summary, story, the structured fields, place, organisations, contact, attribution, its
building block, its resources' titles and its document's contents. Its consent's notice carries
another ("ntc" + its state). Wherever the one decision (cop.library.permissions.access) gives the
visitor less than FULL, no response body, mail or index row holds the marker; where it gives NOTICE
the notice is shown; where HIDDEN, not even the notice. Where it gives FULL, the marker is there.

The data is built once for the module (in a transaction rolled back at its end); each case runs in
its own savepoint. Websockets: no consumer pushes library items (forums/live and forums carry no
library content), so there is no socket surface to try. Caches: the library caches no fragment; the
revocation case below proves a reader who loses access gets nothing from an earlier response."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from cop.library import tasks
from cop.library.listing import library_listing
from cop.library.models import (
    AccessRequest,
    Audience,
    BuildingBlock,
    CaseStudyBlockUse,
    CaseStudyResource,
    ConsentRecord,
    Ecosystem,
    LibraryCollection,
    LibraryCollectionItem,
)
from cop.library.permissions import Access, access
from tests.factories import CommunityPageFactory, MembershipFactory
from tests.library.conftest import VISITORS, Cast, make_case_study, make_consent, make_library

F, N, H = Access.FULL, Access.NOTICE, Access.HIDDEN

# visitor order: anonymous, outsider, other_member, holder_member, custodian, granted, revoked, editor
EXPECTED = {
    "public": [F, F, F, F, F, F, F, F],  # no traditional knowledge, site-wide library
    "private": [H, H, H, F, F, H, H, F],  # no traditional knowledge, a members-only community's library
    "community": [N, N, N, F, F, F, N, N],  # TK, consent: members of the holder community
    "restricted": [N, N, N, N, F, F, N, N],  # TK, consent: named people only (none named)
    "secret": [H, H, H, F, F, F, H, H],  # TK, the holder community's members, secret/sacred
    "withdrawn": [H, H, H, H, F, H, H, H],
    "expired": [H, H, H, H, F, H, H, H],
}
STATES = list(EXPECTED)
PDF = b"%PDF-1.4 "


def marker(state):
    return f"zq{state}"


def notice_word(state):
    return f"ntc{state}"


def _image(title):
    output = io.BytesIO()
    PILImage.new("RGB", (80, 60), (20, 120, 60)).save(output, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(output.getvalue()), name="river.png")
    )


class Item:
    """One state's case study, its building block, files and the addresses to try."""

    def __init__(self, state, cast, library, ecosystem, shared):
        word = marker(state)
        self.state, self.word, self.notice = state, word, notice_word(state)
        self.library = library
        tk = state not in ("public", "private")
        self.tk = tk
        self.ecosystem, self.shared = ecosystem, shared
        self.image = _image(f"{word} river")
        self.page = make_case_study(
            library,
            title=f"{word.capitalize()} remedies of the river",
            summary=f"{word} summary",
            context=f"{word} context",
            solution=f"{word} solution",
            results=f"{word} results",
            lessons=f"{word} lessons",
            organisations=f"{word} organisation",
            contact_name=f"{word} contact",
            attribution=f"{word} attribution",
            location_name=f"{word} place",
            country="PE",
            holds_traditional_knowledge=tk,
            ecosystems=[shared, ecosystem],
        )
        self.page.story = json.dumps(
            [
                {"type": "paragraph", "value": f"<p>{word} story</p>"},
                {"type": "image", "value": {"image": self.image.pk, "alt_text": word, "decorative": False}},
            ]
        )
        self.page.save()
        self.document = get_document_model().objects.create(
            title=f"{word} document", file=ContentFile(PDF + word.encode(), name="notes.pdf")
        )
        CaseStudyResource.objects.create(
            case_study=self.page, title=f"{word} field notes", document=self.document
        )
        CaseStudyResource.objects.create(
            case_study=self.page, title=f"{word} link", url="https://example.org/"
        )
        self.block = BuildingBlock.objects.create(
            title=f"{word} block",
            summary=f"{word} block summary",
            body=f"{word} block body",
            library=library,
            status="draft",
            holds_traditional_knowledge=tk,
        )
        CaseStudyBlockUse.objects.create(case_study=self.page, block=self.block)
        self.evidence = None
        if tk:
            self.evidence = get_document_model().objects.create(
                title="Assembly minutes", file=ContentFile(PDF + b"minutes", name="minutes.pdf")
            )
            fields = {
                "audience": Audience.PEOPLE if state == "restricted" else Audience.COMMUNITIES,
                "secret_sacred": state == "secret",
                "notice_title": f"{self.notice.capitalize()} plant knowledge",
                "notice_summary": f"{self.notice} shared under the protocol",
                "allow_download": True,
            }
            for item in (self.page, self.block):
                make_consent(
                    item,
                    holder=cast.holder,
                    custodians=[cast.users["custodian"]],
                    communities=[cast.holder],
                    evidence=self.evidence if item is self.page else None,
                    **fields,
                )
                for kind, status in (("granted", "granted"), ("revoked", "revoked")):
                    field = "case_study" if item is self.page else "building_block"
                    request = AccessRequest.objects.create(
                        **{field: item},
                        requester=cast.users[kind],
                        status=status,
                        decided_at=timezone.now(),
                        message="Please",
                    )
                    if item is self.page:
                        setattr(self, f"{kind}_request", request)
        self.page.save_revision().publish()  # under active consent: withdrawn or expired afterwards
        BuildingBlock.objects.filter(pk=self.block.pk).update(status="published")
        after = {
            "withdrawn": {"status": "withdrawn"},
            "expired": {"expires_on": timezone.localdate() - datetime.timedelta(days=1)},
        }.get(state)
        if after:
            ConsentRecord.objects.filter(case_study=self.page).update(**after)
            ConsentRecord.objects.filter(building_block=self.block).update(**after)
        self.page.refresh_from_db()
        self.rendition_url = self.image.get_rendition("fill-40x30").url
        # Its own address (from its slug, thus its title): a TK case study is linked to by its neutral
        # one (CaseStudyPage.get_url_parts), but the own one still answers, through the same decision.
        self.own_url = Page.get_url_parts(self.page)[2]
        self.path = self.own_url[3:]  # without the language prefix, as the language switcher repeats it

    def surfaces(self, neighbour, collection):
        page, block, library, word = self.page, self.block, self.library, self.word
        surfaces = {
            "page": page.url,
            "own_address": self.own_url,
            "neutral": reverse("cop_library:item", args=[page.pk]),
            "block": block.get_absolute_url(),
            "listing": library.url,
            "listing_filtered": f"{library.url}?ecosystem={self.ecosystem.slug}",
            "listing_sorted": f"{library.url}?sort=title",
            "collection": f"{library.url}collections/{collection.slug}/",
            "related": neighbour.url,
            "search_notice": f"/en/search/?q={self.notice}",
            "search_restricted": f"/en/search/?q={self.word}",
            "submission_edit": reverse("cop_library:submission_edit", args=[page.pk]),
            "submission_preview": reverse("cop_library:submission_preview", args=[page.pk]),
            "consent_manage": reverse("cop_library:consent_manage", args=["case-study", page.pk]),
            "block_consent_manage": reverse("cop_library:consent_manage", args=["block", block.pk]),
            "request_access": reverse("cop_library:access_request", args=["case-study", page.pk]),
            "datacite_json": reverse("cop_library:datacite_json", args=[page.pk]),
            "datacite_xml": reverse("cop_library:datacite_xml", args=[page.pk]),
            "block_datacite_json": reverse("cop_library:block_datacite_json", args=[block.pk]),
            "block_datacite_xml": reverse("cop_library:block_datacite_xml", args=[block.pk]),
            "export_json": reverse("cop_library:export_json", args=[library.pk]),
            "export_csv": reverse("cop_library:export_csv", args=[library.pk]),
            "admin_explorer": reverse("wagtailadmin_explore", args=[library.pk]),
            "admin_search_notice": reverse("wagtailadmin_pages:search") + f"?q={self.notice}",
            "admin_search_restricted": reverse("wagtailadmin_pages:search") + f"?q={self.word}",
            "admin_chooser": reverse("wagtailadmin_choose_page_child", args=[library.pk]),
            "admin_chooser_search": reverse("wagtailadmin_choose_page_search") + f"?q={self.notice}",
            "admin_api_children": reverse("wagtailadmin_api:pages:listing")
            + f"?child_of={library.pk}&for_explorer=1",
            "admin_api_detail": reverse("wagtailadmin_api:pages:detail", args=[page.pk]),
            "admin_edit": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            "admin_preview": reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
            "admin_view_draft": reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
            "admin_history": reverse("wagtailadmin_pages:history", args=[page.pk]),
            "admin_usage": reverse("wagtailadmin_pages:usage", args=[page.pk]),
            "admin_type_use": reverse("wagtailadmin_pages:type_use", args=["cop_library", "casestudypage"]),
            "admin_dashboard": reverse("wagtailadmin_home"),
            "admin_snippets": reverse("wagtailsnippets_cop_library_buildingblock:list"),
            "admin_snippet_edit": reverse("wagtailsnippets_cop_library_buildingblock:edit", args=[block.pk]),
            # The block's other snippet views: the copy form (it would show the block's fields and save
            # them as an unrestricted block), its usage and history.
            "admin_snippet_copy": reverse("wagtailsnippets_cop_library_buildingblock:copy", args=[block.pk]),
            "admin_snippet_usage": reverse(
                "wagtailsnippets_cop_library_buildingblock:usage", args=[block.pk]
            ),
            "admin_snippet_history": reverse(
                "wagtailsnippets_cop_library_buildingblock:history", args=[block.pk]
            ),
            "admin_documents": reverse("wagtaildocs:index"),
            "admin_documents_results": reverse("wagtaildocs:index_results"),
            "admin_documents_search_restricted": reverse("wagtaildocs:index") + f"?q={self.word}",
            "admin_document_chooser": reverse("wagtaildocs_chooser:choose"),
            "admin_document_chooser_results": reverse("wagtaildocs_chooser:choose_results"),
            "admin_images": reverse("wagtailimages:index"),
            "admin_images_results": reverse("wagtailimages:index_results"),
            "admin_image_chooser": reverse("wagtailimages_chooser:choose"),
            "admin_image_chooser_results": reverse("wagtailimages_chooser:choose_results"),
            "admin_document_edit": reverse("wagtaildocs:edit", args=[self.document.pk]),
            # The files' other admin surfaces: the admin API, usage, multiple-upload edit (its form, by
            # POST below), choosers' search and "chosen" answers, the image's URL generator and preview.
            "admin_api_documents": reverse("wagtailadmin_api:documents:listing"),
            "admin_api_document": reverse("wagtailadmin_api:documents:detail", args=[self.document.pk]),
            "admin_api_images": reverse("wagtailadmin_api:images:listing"),
            "admin_api_image": reverse("wagtailadmin_api:images:detail", args=[self.image.pk]),
            "admin_api_documents_search_restricted": reverse("wagtailadmin_api:documents:listing")
            + f"?search={word}",
            "admin_document_usage": reverse("wagtaildocs:document_usage", args=[self.document.pk]),
            "admin_image_usage": reverse("wagtailimages:image_usage", args=[self.image.pk]),
            "admin_image_edit": reverse("wagtailimages:edit", args=[self.image.pk]),
            "admin_image_url_generator": reverse("wagtailimages:url_generator", args=[self.image.pk]),
            "admin_image_preview": reverse("wagtailimages:preview", args=[self.image.pk, "fill-40x30"]),
            "admin_documents_add_multiple": reverse("wagtaildocs:add_multiple"),
            "admin_images_add_multiple": reverse("wagtailimages:add_multiple"),
            "admin_images_search_restricted": reverse("wagtailimages:index") + f"?q={word}",
            "admin_document_chooser_search_restricted": reverse("wagtaildocs_chooser:choose_results")
            + f"?q={word}",
            "admin_image_chooser_search_restricted": reverse("wagtailimages_chooser:choose_results")
            + f"?q={word}",
            "admin_document_chosen": reverse("wagtaildocs_chooser:chosen", args=[self.document.pk]),
            "admin_image_chosen": reverse("wagtailimages_chooser:chosen", args=[self.image.pk]),
            "admin_image_select_format": reverse("wagtailimages_chooser:select_format", args=[self.image.pk]),
            "admin_bulk_documents": reverse(
                "wagtail_bulk_action", args=["wagtaildocs", "document", "add_to_collection"]
            )
            + f"?id={self.document.pk}",
            "admin_bulk_images": reverse("wagtail_bulk_action", args=["wagtailimages", "image", "add_tags"])
            + f"?id={self.image.pk}",
        }
        if self.evidence is not None:
            surfaces["admin_evidence_usage"] = reverse("wagtaildocs:document_usage", args=[self.evidence.pk])
            surfaces["admin_evidence_edit"] = reverse("wagtaildocs:edit", args=[self.evidence.pk])
        return surfaces


# Where a FULL reader must find the marker, and where a NOTICE reader must find the notice.
SHOWS_ITEM = {
    "page",
    "own_address",
    "neutral",
    "block",
    "listing",
    "listing_filtered",
    "collection",
    "related",
}
SHOWS_NOTICE = {"page", "own_address", "neutral", "block", "listing", "collection", "search_notice"}
FAIR = {"datacite_json", "datacite_xml", "block_datacite_json", "block_datacite_xml"}
NEVER_404_FOR_FULL = {"page", "own_address", "neutral", "block"}
# Admin file surfaces where the editor finds the file by its title when, and only when, they may read
# its case study in full.
ADMIN_FILES_SHOW_ITEM = {
    "admin_documents_search_restricted",
    "admin_images_search_restricted",
    "admin_document_chooser_search_restricted",
    "admin_image_chooser_search_restricted",
    "admin_api_documents_search_restricted",
    "admin_api_document",
    "admin_api_image",
    "admin_document_usage",
    "admin_image_usage",
    "admin_image_edit",
    "admin_document_chosen",
    "admin_image_chosen",
    "admin_bulk_documents",
    "admin_bulk_images",
}


class World:
    def __init__(self, site_home):
        cast = Cast(site_home)
        self.cast = cast
        private = CommunityPageFactory(
            title="Highland seed keepers", slug="seed-keepers", visibility="members"
        )
        for kind in ("holder_member", "custodian"):
            MembershipFactory(community=private, user=cast.users[kind])
        private_library = make_library(private, title="Our archive", slug="archive")
        # One ecosystem per item (its facet) and one per library (shared with the library's neighbour:
        # related lists are bounded, so each library's items are related to its own neighbour only).
        vocabulary = list(Ecosystem.objects.order_by("slug")[: len(STATES) + 3])
        own = dict(zip(STATES, vocabulary, strict=False))
        shared = dict(zip(("site", "private", "holder"), vocabulary[len(STATES) :], strict=True))
        libraries = {"public": cast.site_library, "private": private_library}
        self.items = {
            state: Item(
                state,
                cast,
                libraries.get(state, cast.library),
                own[state],
                shared[{"public": "site", "private": "private"}.get(state, "holder")],
            )
            for state in STATES
        }
        self.neighbours, self.collections = {}, {}
        for library in {item.library for item in self.items.values()}:
            ecosystem = next(item.shared for item in self.items.values() if item.library == library)
            neighbour = make_case_study(library, title="Mangrove nurseries", ecosystems=[ecosystem])
            neighbour.save_revision().publish()
            collection = LibraryCollection.objects.create(library=library, title="Selected", slug="selected")
            for item in self.items.values():
                if item.library == library:
                    LibraryCollectionItem.objects.create(collection=collection, case_study=item.page)
            self.neighbours[library.pk], self.collections[library.pk] = neighbour, collection
        self.surfaces = {
            state: item.surfaces(self.neighbours[item.library.pk], self.collections[item.library.pk])
            for state, item in self.items.items()
        }


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root(settings, media_dir):
    """One media folder for the module: its files are made once, with the data."""
    settings.MEDIA_ROOT = media_dir


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_dir):
    from home.demo import seed_home

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_dir), transaction.atomic():
        yield World(seed_home())
        transaction.set_rollback(True)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace").lower()
    return response.content.decode(errors="replace").lower()


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code < 500, url
    return response, _body(response)


def _without_echo(body: str, surface: str, item) -> str:
    """The body without what the visitor asked for, echoed back to them: the address (the language
    switcher repeats it), the search words (the search box)."""
    if surface in ("page", "own_address"):
        body = body.replace(item.path.lower(), "")
    for word in (item.word, item.notice):
        if surface.endswith(("search_restricted", "search_notice")):
            for echo in (f"q={word}", f"q%3d{word}", f'value="{word}"', f"“{word}”", f"<em>{word}</em>"):
                body = body.replace(echo, "")
    return body


CASES = [(state, visitor) for state in STATES for visitor in VISITORS]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "visitor"), CASES, ids=[f"{s}-{v}" for s, v in CASES])
def test_leak_matrix(world, state, visitor):
    item = world.items[state]
    level = EXPECTED[state][VISITORS.index(visitor)]
    user = world.cast.user(visitor)
    assert access(user, item.page) == level  # the decision itself; every surface below must follow it
    client = Client()
    if visitor != "anonymous":
        client.force_login(world.cast.users[visitor])
    anonymous_full = EXPECTED[state][0] == F
    for surface, url in world.surfaces[state].items():
        response, body = _get(client, url, follow=surface == "neutral")
        where = (surface, url)
        body = _without_echo(body, surface, item)
        if level != F:
            assert item.word not in body, where
        if level == H:
            assert item.notice not in body, where
        if surface in NEVER_404_FOR_FULL:
            assert response.status_code == (404 if level == H else 200), where
        if level == F and surface in SHOWS_ITEM:
            assert item.word in body, where
        if level == N and surface in SHOWS_NOTICE:
            assert item.notice in body, where
        if level == N and surface in ("listing_filtered", "related"):
            assert item.notice not in body, where  # filtered lists and suggestions: FULL items only
        if surface in FAIR:
            # Machine metadata: anonymous-FULL items only, whoever asks.
            assert (item.word in body) is anonymous_full, where
            assert response.status_code == (200 if anonymous_full else 404), where
        if surface.startswith("export"):
            # Exports: the anonymous-FULL case studies of a library anyone may read.
            assert (item.word in body) is anonymous_full, where
        if surface in ("consent_manage", "block_consent_manage") and item.tk:
            # Anonymous visitors are asked to sign in; others refused (404 when the item is HIDDEN to them).
            refused = {302} if visitor == "anonymous" else {404} if level == H else {403, 404}
            assert response.status_code in ({200} if visitor == "custodian" else refused), where
        if surface == "admin_edit" and visitor == "editor":
            assert (response.status_code == 200) is (level == F), where
        if surface in ADMIN_FILES_SHOW_ITEM and visitor == "editor":
            # An editor without rights has no right on the files (the permission policy); one with
            # rights finds them, by their restricted title too.
            assert (item.word in body) is (level == F), where
        if surface == "admin_image_preview" and visitor == "editor":
            assert (response.status_code == 200) is (level == F), where  # the image itself
        if surface.startswith("admin_evidence") and visitor == "editor":
            assert response.status_code != 200, where  # the evidence is for its custodians only

    # The multiple-upload edit (after "add multiple"): its form is answered by POST, and an editor
    # without rights may neither read it nor rename the file.
    for name, prefix, obj in (
        ("wagtaildocs:edit_multiple", "doc", item.document),
        ("wagtailimages:edit_multiple", "image", item.image),
    ):
        url, original = reverse(name, args=[obj.pk]), obj.title
        response = client.post(url, {f"{prefix}-{obj.pk}-title": ""})
        assert response.status_code < 500, url
        assert item.word not in _body(response) or (visitor == "editor" and level == F), url
        client.post(url, {f"{prefix}-{obj.pk}-title": "renamed"})
        obj.refresh_from_db()
        assert (obj.title == "renamed") is (visitor == "editor" and level == F), url
        type(obj).objects.filter(pk=obj.pk).update(title=original)

    # Facet counts: FULL items only.
    listing = library_listing(user, item.library, QueryDict(""))
    ecosystem_counts = {
        option["value"]: option["count"]
        for facet in listing["facets"]
        if facet["name"] == "ecosystem"
        for option in facet["options"]
    }
    assert ecosystem_counts.get(item.ecosystem.slug) == (1 if level == F else None)

    # Files: the document (FULL and consent allows download), story image, consent evidence.
    response, body = _get(client, item.document.url)
    assert response.status_code == (200 if level == F else 404)
    assert (item.word in body) is (level == F)
    for url in (item.rendition_url, item.image.file.url):
        assert _get(client, url)[0].status_code == (200 if level == F else 404), url
    if item.evidence is not None:
        allowed = visitor == "custodian"
        assert _get(client, item.evidence.url)[0].status_code == (200 if allowed else 404)

    # The search index holds no restricted word of a TK item, whoever searches.
    if item.tk:
        rows = IndexEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Page), object_id=str(item.page.pk))
            | Q(content_type=ContentType.objects.get_for_model(BuildingBlock), object_id=str(item.block.pk))
        )
        text = " ".join(f"{row.title} {row.body} {row.autocomplete}" for row in rows).lower()
        assert item.word not in text

    # E-mails not yet sent: told at send time, never a restricted word to someone without FULL.
    if visitor in ("granted", "revoked") and item.tk:
        mail.outbox.clear()
        request = getattr(item, f"{visitor}_request")
        tasks.send_access_decided(request.pk, request.status)
        for message in mail.outbox:
            text = " ".join(
                [
                    message.subject,
                    message.body,
                    *[part for part, _type in getattr(message, "alternatives", [])],
                ]
            ).lower()
            assert (item.word in text) is (level == F), (visitor, message.subject)
        if visitor == "granted":
            assert len(mail.outbox) == (1 if level == F else 0)


@pytest.mark.django_db
def test_revoked_reader_gets_nothing_cached(world):
    """A reader whose grant is revoked sees only the notice at once, on every surface she read."""
    item = world.items["restricted"]
    client = Client()
    client.force_login(world.cast.users["granted"])
    urls = [item.page.url, item.library.url, item.block.get_absolute_url(), item.document.url]
    for url in urls:
        assert item.word in _get(client, url)[1], url
    AccessRequest.objects.filter(requester=world.cast.users["granted"]).update(status="revoked")
    for url in urls:
        assert item.word not in _get(client, url)[1], url
    assert access(world.cast.users["granted"], item.page) == N
    assert access(AnonymousUser(), item.page) == N


CACHED_SURFACES = (
    "page",
    "own_address",
    "neutral",
    "block",
    "listing",
    "listing_sorted",
    "collection",
    "related",
)


@pytest.mark.django_db
def test_cached_fragments_never_cross_visitors(world):
    """The matrix above starts each case with an empty cache; here the cache is warmed by the readers
    who see most (custodian, editor) and then asked by every other visitor, state by state."""
    order = [
        "custodian",
        "editor",
        *[visitor for visitor in VISITORS if visitor not in ("custodian", "editor")],
    ]
    for state in STATES:
        item = world.items[state]
        for visitor in order:
            client = Client()
            if visitor != "anonymous":
                client.force_login(world.cast.users[visitor])
            level = EXPECTED[state][VISITORS.index(visitor)]
            for surface in CACHED_SURFACES:
                url = world.surfaces[state][surface]
                body = _without_echo(_get(client, url, follow=surface == "neutral")[1], surface, item)
                where = (state, visitor, surface)
                if level != F:
                    assert item.word not in body, where
                elif surface in SHOWS_ITEM:
                    assert item.word in body, where
                if level == H:
                    assert item.notice not in body, where


SORTED = (
    # restricted title, notice title, start of the period: both restricted orders oppose the notices'
    ("Aardvark zqsortone", "Yew ntcsortone", datetime.date(2020, 1, 1)),
    ("Zebra zqsorttwo", "Alder ntcsorttwo", datetime.date(2001, 1, 1)),
)


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["title", "period"])
def test_sorted_listing_orders_notices_by_their_notice(world, sort):
    """Sort side channel: ?sort=title and ?sort=period never order NOTICE rows by their restricted title
    or period; by title they follow their notice titles, by period they come after the readable rows."""
    cast = world.cast
    for title, notice, start in SORTED:
        page = make_case_study(
            cast.library, title=title, holds_traditional_knowledge=True, period_start=start
        )
        make_consent(
            page,
            holder=cast.holder,
            custodians=[cast.users["custodian"]],
            audience=Audience.PEOPLE,
            notice_title=notice,
        )
        page.save_revision().publish()
    readable = world.neighbours[cast.library.pk].title.lower()
    url = f"{cast.library.url}?sort={sort}"

    anonymous = _get(Client(), url)[1]
    assert "zqsort" not in anonymous
    assert anonymous.index("alder ntcsorttwo") < anonymous.index("yew ntcsortone")
    if sort == "period":
        assert anonymous.index(readable) < anonymous.index("alder ntcsorttwo")

    client = Client()
    client.force_login(cast.users["custodian"])
    custodian = _get(client, url)[1]
    assert custodian.index("aardvark zqsortone") < custodian.index("zebra zqsorttwo")  # FULL: its own


REPORTS = (
    "site_history",
    "aging_pages",
    "locked_pages",
    "page_types_usage",
    "workflow",
    "workflow_tasks",
)


@pytest.mark.django_db
def test_admin_reports_leak_nothing(world):
    """Wagtail's admin reports (and their results fragments) hold no restricted word of a TK item the
    editor may not read in full, nor the notice of one hidden from them; what they may read is there."""
    Page.objects.filter(pk__in=[item.page.pk for item in world.items.values()]).update(locked=True)
    client = Client()
    client.force_login(world.cast.users["editor"])
    bodies = {}
    for name in REPORTS:
        for url_name in (name, f"{name}_results"):
            response, body = _get(client, reverse(f"wagtailadmin_reports:{url_name}"))
            assert response.status_code == 200, url_name
            bodies[url_name] = body
    for state in ("community", "restricted", "secret", "withdrawn", "expired"):
        item = world.items[state]
        for url_name, body in bodies.items():
            assert item.word not in body, (state, url_name)
            if EXPECTED[state][VISITORS.index("editor")] == H:
                assert item.notice not in body, (state, url_name)
    for url_name in ("site_history", "aging_pages", "locked_pages"):
        assert world.items["public"].word in bodies[url_name], url_name  # FULL: listed
