"""The site search's pages (home.views.search): the live Wagtail pages a query finds, each only if the
visitor may find it (cop.permissions.visible_pages, cop.library.search), in Wagtail's ranking.

Wagtail's database backend ranks a query's matches in one statement that costs tens of milliseconds of
CPU on SQLite whoever asks, and narrowing it by the visitor's rights in the query costs as much again.
So the ranked list of the live pages outside view restrictions that a query matches (its first
CANDIDATES) is kept in the cache with, for each page, what decides who may find it (the communities
above it in the tree or owning it, whether it is a community page, whether it is a case study) and its
rendered row. Nothing in it depends on the visitor, and it holds no case study's text. Its key names
the query, the site, the language and the version of the "site-search-pages" scope (cop.fragments),
which any page saved (published, unpublished, renamed...), moved or deleted, any view restriction, any
site and any consent record saved or deleted replaces at once and again after commit; the search index
is written in the same transaction as the page (Wagtail's signal handlers).

Each request then decides what this visitor may find, never read from the cache: the communities they
may read and see listed (cop.permissions.can_view and can_see_listing over the live communities and
their visibility, kept in the entry, which any page saved replaces; a signed-in visitor's memberships
are read from the cache under their own version, cop.viewers, which any membership of theirs saved or
deleted replaces; for visitors who are not signed in the sets follow from the pages alone, so they are
kept in the entry), and the library's decision
for the case studies among the first results (cop.library.search.shown, one query, or two when hidden
ones push the window further), whose rows are rendered for the request: a notice only for a NOTICE
item. A list cut at CANDIDATES that leaves this visitor fewer than LIMIT results is searched again with
the visitor's rights in the query, as before the list was kept."""

from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move

from cop import permissions as cop_permissions
from cop import viewers
from cop.fragments import fragment_key, scope_changed, scope_versions
from cop.library import search as library_search
from cop.library.models import CaseStudyPage, ConsentRecord
from cop.models import CommunityPage

LIMIT = 50
CANDIDATES = 200
SEARCH_SCOPE = "site-search-pages"
# A query's kept list lives an hour (not cop.fragments' day): the query is the client's to choose, and each
# list holds up to CANDIDATES rendered rows; popular queries stay warm, one-off ones leave the cache.
SEARCH_SECONDS = 3600
ROW_TEMPLATE = "home/search_result.html"

# A candidate row: (page id, community ids above it, community ids owning it, is a community page,
# is a case study, its rendered row or None for a case study).
_PK, _ABOVE, _OWNERS, _COMMUNITY, _CASE_STUDY, _HTML = range(6)


class _Community(NamedTuple):
    """What cop.permissions reads of a community to decide whether a visitor may read it or see it."""

    pk: int
    visibility: str


def page_results(request, query: str) -> list[SafeString]:
    """The rendered rows of the first LIMIT pages `query` finds that the request's visitor may find."""
    site = Site.find_for_request(request)
    user = request.user
    memberships = ()
    if user.is_authenticated and not user.is_superuser:
        # Their memberships (remembered for cop.permissions) with the version, in one cache read.
        memberships, (version,) = viewers.memberships(user, SEARCH_SCOPE)
    else:
        (version,) = scope_versions(SEARCH_SCOPE)
    key = fragment_key("site-search-pages", query, site.pk if site is not None else "", version)
    entry = cache.get(key)
    if entry is None:
        entry = _candidates(request, query)
        cache.set(key, entry, SEARCH_SECONDS)
    rows = _findable(user, entry, memberships)
    results = _first_results(request, rows)
    if len(results) < LIMIT and entry["cut"]:
        return _searched(request, query)
    return results


def _candidates(request, query: str) -> dict:
    """The cache entry of `query`: its ranked candidates, and the communities a visitor who is not
    signed in may read and see listed."""
    pages = list(Page.objects.live().public().specific().search(query)[: CANDIDATES + 1])
    communities = list(CommunityPage.objects.values_list("pk", "path"))  # live or not, as visible_pages
    owners = [
        (model, model._meta.get_field(field).attname)
        for model, field in cop_permissions.community_owned_pages()  # visible_pages's own list
    ]
    template = get_template(ROW_TEMPLATE)
    rows = []
    for page in pages[:CANDIDATES]:
        case_study = isinstance(page, CaseStudyPage)
        rows.append(
            (
                page.pk,
                tuple(
                    pk
                    for pk, path in communities
                    if len(path) < len(page.path) and page.path.startswith(path)
                ),
                tuple(
                    getattr(page, attname)
                    for model, attname in owners
                    if isinstance(page, model) and getattr(page, attname) is not None
                ),
                isinstance(page, CommunityPage),
                case_study,
                None
                if case_study
                else _row(template, page.get_url(request=request), page.title, page.search_description),
            )
        )
    anonymous = AnonymousUser()
    return {
        "rows": rows,
        "cut": len(pages) > CANDIDATES,
        "communities": tuple(
            _Community(pk, visibility)
            for pk, visibility in CommunityPage.objects.live().values_list("pk", "visibility").order_by("pk")
        ),
        "anonymous": (
            frozenset(cop_permissions.readable_communities(anonymous).values_list("pk", flat=True)),
            frozenset(cop_permissions.visible_communities(anonymous).values_list("pk", flat=True)),
        ),
    }


def _row(template, url, title, summary) -> str:
    return template.render({"url": url, "title": title, "summary": summary})


def _findable(user, entry, memberships) -> list[tuple]:
    """The candidates `user` may find by visible_pages's rules: no community above or owning the page
    that they may not read, and a community page only if listed for them. Staff find every page.
    `memberships`: all the membership rows of a signed-in user (cop.viewers.memberships)."""
    if user.is_authenticated and user.is_superuser:
        return entry["rows"]
    readable, listed = _communities(user, entry, memberships)
    return [
        row
        for row in entry["rows"]
        if all(pk in readable for pk in row[_ABOVE])
        and all(pk in readable for pk in row[_OWNERS])
        and (not row[_COMMUNITY] or row[_PK] in listed)
    ]


def _communities(user, entry, memberships) -> tuple[set | frozenset, set | frozenset]:
    """The ids of the live communities `user` may read and see listed: readable_communities' and
    visible_communities' sets, decided without a query."""
    if not user.is_authenticated:
        return entry["anonymous"]
    # cop.permissions decides for each live community from the user's memberships, all remembered on
    # the user (a community without a row of theirs is one they are no member of).
    known = {membership.community_id for membership in memberships}
    for community in entry["communities"]:
        if community.pk not in known:
            cop_permissions.remember_membership(user, community.pk, None)
    readable = {c.pk for c in entry["communities"] if cop_permissions.can_view(user, c)}
    listed = {c.pk for c in entry["communities"] if cop_permissions.can_see_listing(user, c)}
    return readable, listed


def _first_results(request, rows: list[tuple]) -> list[SafeString]:
    """The first LIMIT rows, the case studies among them as the library decides for this visitor."""
    decided: dict[int, dict | None] = {}

    def window():
        taken = []
        for row in rows:
            if row[_CASE_STUDY] and decided.get(row[_PK], True) is None:
                continue  # hidden from this visitor
            taken.append(row)
            if len(taken) == LIMIT:
                break
        return taken

    def decide(ids):
        shown = library_search.shown(request.user, ids)
        decided.update({pk: shown.get(pk) for pk in ids})

    pending = [row[_PK] for row in window() if row[_CASE_STUDY]]
    if pending:
        decide(pending)
        if any(row[_CASE_STUDY] and row[_PK] not in decided for row in window()):
            # Hidden ones pushed the window further: every case study left, at once.
            decide([row[_PK] for row in rows if row[_CASE_STUDY] and row[_PK] not in decided])
    template = None
    results = []
    for row in window():
        if not row[_CASE_STUDY]:
            results.append(mark_safe(row[_HTML]))  # noqa: S308 - our own rendered template
            continue
        template = template or get_template(ROW_TEMPLATE)
        results.append(_case_study_row(template, request, decided[row[_PK]]))
    return results


def _case_study_row(template, request, shown: dict) -> SafeString:
    notice = shown.get("notice")
    if notice is not None:
        title = notice["title"] or _("Restricted traditional knowledge")
        return mark_safe(_row(template, notice["url"], title, notice["summary"]))  # noqa: S308
    page = shown["page"]
    return mark_safe(  # noqa: S308 - our own rendered template
        _row(template, page.get_url(request=request), page.title, page.search_description)
    )


def _searched(request, query: str) -> list[SafeString]:
    """The first LIMIT results with the visitor's rights in the query (a list cut at CANDIDATES)."""
    user = request.user
    pages = library_search.exclude_hidden(user, cop_permissions.visible_pages(user, Page.objects.live()))
    found = list(pages.specific().search(query)[:LIMIT])
    shown = library_search.shown(user, [page.pk for page in found if isinstance(page, CaseStudyPage)])
    template = get_template(ROW_TEMPLATE)
    results = []
    for page in found:
        if isinstance(page, CaseStudyPage):
            if page.pk in shown:
                results.append(_case_study_row(template, request, shown[page.pk]))
            continue
        html = _row(template, page.get_url(request=request), page.title, page.search_description)
        results.append(mark_safe(html))  # noqa: S308 - our own rendered template
    return results


@receiver(post_save, dispatch_uid="home_search_saved")
@receiver(post_delete, dispatch_uid="home_search_deleted")
@receiver(post_page_move, dispatch_uid="home_search_page_moved")
@receiver(page_unpublished, dispatch_uid="home_search_page_unpublished")
def pages_changed(sender, instance, **kwargs):
    """A page, a view restriction, a site or a consent record (which re-indexes its case study) changed."""
    if isinstance(instance, Page | PageViewRestriction | Site | ConsentRecord):
        scope_changed(SEARCH_SCOPE)
