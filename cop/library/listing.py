"""The library's listing: its case studies filtered, sorted and paginated with their facet counts, and
its curated collections, every one through cop.library.permissions."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cop.fragments import render_many

from .decided import DecidedQuery
from .filters import SORTS, CaseStudyFilter
from .fragments import cached_facets, library_version, row_parts
from .models import CaseStudyPage, Label, LibraryCollection, Licence, Scale
from .permissions import Access, access_annotation, library_items_for
from .selectors import LISTED_COLUMNS, ListedCaseStudy

PER_PAGE = 20


def _facet_specs():
    through = CaseStudyPage
    return [
        (
            "target",
            through.gbf_targets.through,
            "gbftarget__number",
            lambda row: (
                _("Target %(number)s: %(title)s")
                % {"number": row["gbftarget__number"], "title": row["gbftarget__title"]}
            ),
            ["gbftarget__number", "gbftarget__title"],
        ),
        (
            "ecosystem",
            through.ecosystems.through,
            "ecosystem__slug",
            lambda row: gettext(row["ecosystem__name"]),
            ["ecosystem__slug", "ecosystem__name", "ecosystem__sort_order"],
        ),
        (
            "stakeholder",
            through.stakeholder_groups.through,
            "stakeholdergroup__slug",
            lambda row: row["stakeholdergroup__name"],
            ["stakeholdergroup__slug", "stakeholdergroup__name", "stakeholdergroup__sort_order"],
        ),
        (
            "language",
            through.languages.through,
            "language__code",
            lambda row: row["language__name"],
            ["language__code", "language__name"],
        ),
        (
            "label",
            through.labels.through,
            "label__code",
            lambda row: gettext(row["label__name"]),
            ["label__code", "label__name", "label__sort_order"],
        ),
        (
            "region",
            None,
            "region__m49_code",
            lambda row: row["region__name"],
            ["region__m49_code", "region__name"],
        ),
        (
            "country",
            None,
            "country",
            lambda row: str(dict(countries).get(row["country"], row["country"])),
            ["country"],
        ),
        ("licence", None, "licence", lambda row: str(Licence(row["licence"]).label), ["licence"]),
        ("scale", None, "scale", lambda row: str(Scale(row["scale"]).label), ["scale"]),
    ]


def facet_counts(full_ids, selected: dict) -> list[dict]:
    """For each facet, its values among the FULL case studies listed (`full_ids`), with their counts:
    one query per facet, whatever the number of case studies."""
    facets = []
    for name, through, key, label, fields in _facet_specs():
        if through is not None:
            rows = (
                through.objects.filter(casestudypage_id__in=full_ids)
                .values(*fields)
                .annotate(count=Count("casestudypage_id", distinct=True))
                .order_by(next((field for field in fields if field.endswith("sort_order")), key))
            )
        else:
            rows = (
                CaseStudyPage.objects.filter(pk__in=full_ids)
                .exclude(**{f"{key}__isnull": True})
                .exclude(**{key: ""})
                .values(*fields)
                .annotate(count=Count("pk"))
                .order_by(key)
            )
        options = [
            {"value": str(row[key]), "label": label(row), "count": row["count"]}
            for row in rows
            if row[key] not in (None, "")
        ]
        current = str(selected.get(name, "")) if selected.get(name) is not None else ""
        for option in options:
            option["selected"] = option["value"] == current
        facets.append({"name": name, "options": options, "current": current})
    return facets


def _selected_values(filterset) -> dict:
    """The facet values in the address, as the facets list them (codes, slugs, numbers)."""
    values = {}
    for name, value in filterset.facet_values().items():
        for attribute in ("number", "slug", "code", "m49_code"):
            if hasattr(value, attribute):
                value = getattr(value, attribute)
                break
        values[name] = value
    return values


def _for_rows(items):
    """What a row of a list shows (cop_library/includes/case_study_row.html), read with the list."""
    return items.select_related("consent", "consent__holder_community", "region", "locale").prefetch_related(
        Prefetch("labels", queryset=Label.objects.order_by("sort_order"))
    )


def _render_rows(rows: list[ListedCaseStudy], version: str) -> None:
    """Each row's fragment (cop.library.fragments): the pages are read only for rows not cached."""
    pages = {}

    def prepare(missing):
        pages.update(
            (page.pk, page)
            for page in _for_rows(CaseStudyPage.objects.filter(pk__in=[row.pk for row in missing]))
        )

    def render(row):
        page = pages[row.pk]
        page.library_access = row.library_access
        return render_to_string("cop_library/includes/case_study_row.html", {"item": page})

    htmls = render_many(
        "library-row", rows, parts=lambda row: row_parts(version, row), prepare=prepare, render=render
    )
    for row, html in zip(rows, htmls, strict=True):
        row.html = html


def _ordering(sort_key: str, sorts: dict) -> list:
    """The listing's order, reading nothing restricted of a NOTICE row (issue #12, sort side channel):
    by title, a NOTICE row sorts by its notice title; by period, NOTICE rows come after the readable
    ones, by notice title. Rows are annotated with `library_access` (library_items_for)."""
    full = Q(library_access=Access.FULL.value)
    if sort_key == "title":
        return [Case(When(full, then=F("title")), default=F("consent__notice_title")), "pk"]
    if sort_key == "period":
        return [
            Case(When(full, then=Value(0)), default=Value(1)),
            Case(When(full, then=F("period_start"))).desc(nulls_last=True),
            Case(When(full, then=Value("")), default=F("consent__notice_title")),
            "-pk",
        ]
    return sorts[sort_key]


_LISTING_COLUMNS = (*LISTED_COLUMNS, "first_published_at")


def _decided_listing(user, base, sort_key: str, *, today=None, editors=True):
    """The listing's query: every row of `base` with its level (and first publication), in the
    listing's order but for "newest", which the caller sorts (`_newest_first`): the rows below the
    minimum level are dropped by the caller too (a filter on the level would make the database decide
    each row twice)."""
    decided = base.annotate(library_access=access_annotation(user, base, today=today, editors=editors))
    # Dates sort alike in Python (no collation); SQLite, asked this ORDER BY, walked every page of the
    # tree by its publication index instead of the library's case studies (0.5 of 1.2 ms a listing).
    ordering = () if sort_key == "newest" else _ordering(sort_key, SORTS)
    return decided.order_by(*ordering).values_list(*_LISTING_COLUMNS)


def _newest_first(rows: list[tuple]) -> list[tuple]:
    """The decided listing's rows by first publication, newest first, then by id, highest first (the
    "newest" sort, SORTS["newest"]; a row never published last, as the database orders NULLs)."""
    return sorted(rows, key=lambda row: (row[-1] is not None, row[-1] or 0, row[0]), reverse=True)


def _unfiltered_listing(viewer, today, shape):
    path, depth, sort_key = shape
    base = CaseStudyPage.objects.live().filter(path__startswith=path, depth=depth + 1)
    return _decided_listing(viewer, base, sort_key, today=today, editors=False)


_LISTING = DecidedQuery(_unfiltered_listing)


def library_listing(user, library, params) -> dict:
    """The case studies of `library` that `user` may see, filtered, sorted and paginated, with the
    facet counts (FULL items only). NOTICE items are listed, with their notice only, when no filter
    narrows the list. A constant number of queries, whatever the number of case studies; rows and the
    facet block come from cached fragments (cop.library.fragments) keyed on the decision's levels,
    asked by `prepare()` only when the listing is rendered (without parameters the whole listing is a
    fragment keyed on `cache_parts`: cop.library.fragments.listing_block)."""
    # Without parameters (the library's own address, the common case) nothing is filtered and nothing
    # is asked of the filter form: it is not built (the facet menus are the cached facet block).
    filterset = (
        CaseStudyFilter(params, queryset=CaseStudyPage.objects.live().child_of(library)) if params else None
    )
    filtered = filterset.facet_values() if filterset is not None else {}
    # One query decides and sorts the whole list (ids, levels and what the rows' keys name); the pages
    # of rows not cached are then read by id, and the facets count over the FULL ids. Without filters
    # (the common case) the query is compiled once per kind of viewer (cop.library.decided).
    sort_key = filterset.sort_key() if filterset is not None else "newest"
    if filtered:
        base = filterset.filter_queryset(CaseStudyPage.objects.live().child_of(library))
        rows = _decided_listing(user, base, sort_key)
    else:
        rows = _LISTING.rows(user, (library.path, library.depth, sort_key))
    if sort_key == "newest":
        rows = _newest_first(rows)
    minimum = Access.FULL if filtered else Access.NOTICE
    ordered = [row for row in rows if row[1] >= minimum]
    full_ids = [row[0] for row in ordered if row[1] == Access.FULL]
    page = Paginator(ordered, PER_PAGE).get_page(params.get("page") if params else None)
    case_studies = [ListedCaseStudy(*row[:-1]) for row in page.object_list]
    version = library_version()
    query = params.copy() if params else QueryDict(mutable=True)
    query.pop("page", None)

    selected = _selected_values(filterset) if filterset is not None else {}

    def compute_facets():
        fields = (filterset if filterset is not None else CaseStudyFilter()).form.fields
        facets = facet_counts(full_ids, selected)
        for facet in facets:
            facet["label"] = fields[facet["name"]].label
        return facets

    prepared = {}

    def prepare() -> dict:
        """The rows' fragments and the facet block, once."""
        if not prepared:
            _render_rows(case_studies, version)
            prepared["facets"], prepared["facets_html"] = cached_facets(
                version, full_ids, selected, compute_facets
            )
        return prepared

    return {
        "filterset": filterset,
        "q": filterset.form["q"].value() or "" if filterset is not None else "",
        "page_obj": page,
        "case_studies": case_studies,
        "facets": SimpleLazyObject(lambda: prepare()["facets"]),
        "prepare": prepare,
        # What the unfiltered listing shows: every listed row's level (the FULL ids name the facets'
        # counts), the rows of its first page as their fragments' keys name them, and their number.
        "cache_parts": None
        if params
        else (version, tuple(full_ids), len(ordered), tuple(row_parts(version, row) for row in case_studies)),
        "is_filtered": bool(filtered),
        "ignored": filterset.invalid_labels() if filterset is not None else [],
        "sort": sort_key,
        "querystring": query.urlencode(),
        "library_version": version,
    }


def collection_listing(user, library, slug) -> dict | None:
    """A curated collection of `library` with the case studies in it that `user` may see."""
    collection = LibraryCollection.objects.filter(library=library, slug=slug).first()
    if collection is None:
        return None
    ids = collection.items.order_by("sort_order").values_list("case_study_id", flat=True)
    order = {pk: position for position, pk in enumerate(ids)}
    items = library_items_for(
        user, CaseStudyPage.objects.live().filter(pk__in=list(order)), minimum=Access.NOTICE
    )
    items = _for_rows(items)
    return {"collection": collection, "case_studies": sorted(items, key=lambda page: order[page.pk])}
