"""THE one access decision for library items (case studies and building blocks). Every surface asks
here: page serve and preview, listings and facet counts, related lists, building-block pages, site and
admin search, choosers, files, feeds, exports, notifications and caches.

`access(user, item)` answers FULL (the whole item), NOTICE (only the consent's notice title and summary,
the labels, the holder community's name and the request-access form) or HIDDEN (a 404: its existence
is not revealed). `library_items_for(user, queryset)` is the same decision as a queryset filter, for
lists, in a constant number of queries.

The rules, in order:
1. Not live (a draft, or in moderation): FULL for its submitter or author, the custodians of its
   consent, and Wagtail editors with edit rights on it who are also let in by rule 3's audience (an
   editor never reads restricted text through the admin); HIDDEN for everyone else.
2. Without traditional knowledge: the library's visibility. The site-wide library is public; a
   community's library follows cop.permissions.can_view. FULL or HIDDEN.
3. With traditional knowledge: no consent record, or consent withdrawn, expired or past its expiry
   date (even before the beat task marks it expired): FULL for custodians (to fix or restore it),
   HIDDEN for everyone else. Active consent: custodians FULL; otherwise, for those who may see the
   library at all, the audience decides (everyone; signed-in users; active members of the audience
   communities; the listed people), as does a granted access request not past its end date. Anyone
   else gets the NOTICE, or nothing (HIDDEN) for secret/sacred items.

Site staff (superusers) are NOT custodians: they pass rule 2 like cop.permissions lets them, but for
traditional knowledge they see only the notice unless the consent's audience includes them. The
library's own visibility also bounds rule 3: an item in a private community's library is HIDDEN to
those who may not read that community, whatever its consent says, custodians excepted.
"""

import enum

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cop import permissions as cop_permissions
from cop.models import Membership, MembershipStatus, Role

from .models import (
    AccessRequest,
    AccessRequestStatus,
    Audience,
    BuildingBlock,
    BuildingBlockStatus,
    CaseStudyPage,
    ConsentRecord,
    ConsentStatus,
    LibraryPage,
)
from .models.consent import custodian_ids, getattr_consent, is_custodian  # noqa: F401 - is_custodian: asked here
from .page_registry import READS_IN_FULL, provides

page_permission_policy = PagePermissionPolicy()


class Access(enum.IntEnum):
    HIDDEN = 0
    NOTICE = 1
    FULL = 2


def _is_case_study(item) -> bool:
    return isinstance(item, CaseStudyPage)


def _is_live(item) -> bool:
    if _is_case_study(item):
        return bool(item.live)
    return item.status == BuildingBlockStatus.PUBLISHED


def _owner_id(item):
    return item.submitted_by_id if _is_case_study(item) else item.author_id


def _library_of(item):
    return item.library


def consent_in_force(consent, today=None) -> bool:
    """Active and not past its expiry date (the beat task may not have run yet)."""
    if consent is None or consent.status != ConsentStatus.ACTIVE:
        return False
    today = today or timezone.localdate()
    return consent.expires_on is None or consent.expires_on >= today


def _library_visible(user, library) -> bool:
    if library is None:
        return False
    community = library.community
    if community is None:
        return True
    return cop_permissions.can_view(user, community)


def _in_audience(user, item, consent) -> bool:
    """Rule 3's audience for an active consent (custodians aside)."""
    if consent.audience == Audience.PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    if consent.audience == Audience.SIGNED_IN:
        return True
    if consent.audience == Audience.COMMUNITIES:
        if Membership.objects.filter(
            user=user,
            status=MembershipStatus.ACTIVE,
            community_id__in=consent.audience_communities.values("pk"),
        ).exists():
            return True
    elif consent.audience == Audience.PEOPLE and consent.audience_people.filter(pk=user.pk).exists():
        return True
    return _has_grant(user, item)


def _has_grant(user, item) -> bool:
    if user is None or not user.is_authenticated:
        return False
    field = "case_study" if _is_case_study(item) else "building_block"
    return AccessRequest.objects.filter(
        _grant_in_force(timezone.localdate()), requester=user, **{field: item}
    ).exists()


def _grant_in_force(today) -> Q:
    return Q(status=AccessRequestStatus.GRANTED) & (
        Q(granted_until__isnull=True) | Q(granted_until__gte=today)
    )


def _live_decision(user, item) -> Access:
    """Rules 2 and 3, as if the item were live."""
    if not item.holds_traditional_knowledge:
        return Access.FULL if _library_visible(user, _library_of(item)) else Access.HIDDEN
    consent = getattr_consent(item)
    if is_custodian(user, consent):
        return Access.FULL
    if not consent_in_force(consent):
        return Access.HIDDEN
    if not _library_visible(user, _library_of(item)):
        return Access.HIDDEN
    if _in_audience(user, item, consent):
        return Access.FULL
    return Access.HIDDEN if consent.secret_sacred else Access.NOTICE


def _may_edit_in_admin(user, item) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if _is_case_study(item):
        # Wagtail's own rights (CaseStudyPage.permissions_for_user narrows them by this decision).
        return Page.permissions_for_user(item, user).can_edit()
    return user.has_perm("cop_library.change_buildingblock")


def access(user, item) -> Access:
    """FULL, NOTICE or HIDDEN: what `user` may see of a CaseStudyPage or BuildingBlock."""
    if not _is_live(item):
        if user is None or not user.is_authenticated:
            return Access.HIDDEN
        if _owner_id(item) == user.pk or is_custodian(user, getattr_consent(item)):
            return Access.FULL
        if _may_edit_in_admin(user, item) and _live_decision(user, item) == Access.FULL:
            return Access.FULL
        return Access.HIDDEN
    return _live_decision(user, item)


@provides(READS_IN_FULL)
def reads_in_full(user, item) -> bool:
    """The whole item (CaseStudyPage.permissions_for_user asks it through cop.library.page_registry)."""
    return access(user, item) == Access.FULL


def may_download(user, item, *, level: Access | None = None) -> bool:
    """May the user download the item's documents? FULL access, and, for traditional knowledge,
    consent that allows downloading (custodians always may). `level`: access(user, item) when the
    caller decided it in this request already (it is not decided twice)."""
    if (access(user, item) if level is None else level) != Access.FULL:
        return False
    if not item.holds_traditional_knowledge:
        return True
    consent = getattr_consent(item)
    return is_custodian(user, consent) or (consent is not None and consent.allow_download)


def may_see_evidence(user, consent) -> bool:
    """The evidence of consent is for the custodians only."""
    return is_custodian(user, consent)


def may_manage_consent(user, consent) -> bool:
    """Custodians; the facilitators of the holder community when no custodian is left."""
    if consent is None or user is None or not user.is_authenticated:
        return False
    if is_custodian(user, consent):
        return True
    if custodian_ids(consent) or consent.holder_community_id is None:
        return False
    membership = cop_permissions.membership_of(user, consent.holder_community_id)
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role == Role.FACILITATOR
    )


def may_see_location(user, page, *, level: Access | None = None) -> bool:
    """The precise place (name, coordinates) of a case study: anyone, unless it is marked sensitive;
    then only its submitter, the custodians, and, for traditional knowledge, those let in by the
    consent's audience (not everyone, even when the audience is public). Others see the country and
    region only. `level`: as for may_download."""
    if not page.location_sensitive:
        return (access(user, page) if level is None else level) == Access.FULL
    if user is None or not user.is_authenticated:
        return False
    consent = getattr_consent(page)
    if page.submitted_by_id == user.pk or is_custodian(user, consent):
        return True
    if not page.holds_traditional_knowledge or not consent_in_force(consent):
        return False
    return consent.audience != Audience.PUBLIC and _in_audience(user, page, consent)


def may_request_access(user, item) -> bool:
    """Signed in, seeing only the notice (secret/sacred items show none, so none is offered)."""
    if user is None or not user.is_authenticated:
        return False
    return access(user, item) == Access.NOTICE


# --- The same decision for querysets ---------------------------------------------------------------


def _grant_exists(user, model, today):
    field = "case_study_id" if model is CaseStudyPage else "building_block_id"
    return Exists(
        AccessRequest.objects.filter(_grant_in_force(today), requester_id=user.pk, **{field: OuterRef("pk")})
    )


def access_annotation(user, queryset: QuerySet, *, today=None, editors: bool = True):
    """A Case expression giving each row's Access level (as an integer) for `user` on `today`.

    Nothing is read while it is built but with `editors` (the Wagtail editors of rule 1, whose rights
    are read to build it): without them a row that is not live is FULL only for its owner and
    custodians, HIDDEN otherwise, and the caller decides again by access() what was HIDDEN so. Live
    rows are decided alike either way."""
    model = queryset.model
    today = today or timezone.localdate()
    signed_in = user is not None and user.is_authenticated
    if model is CaseStudyPage:
        live = Q(live=True)
        owner = Q(submitted_by_id=user.pk) if signed_in else Q(pk__in=[])
        library_visible = Q(
            pk__in=cop_permissions.visible_pages(user, CaseStudyPage.objects.all()).values("pk")
        )
    elif model is BuildingBlock:
        live = Q(status=BuildingBlockStatus.PUBLISHED)
        owner = Q(author_id=user.pk) if signed_in else Q(pk__in=[])
        library_visible = Q(
            library_id__in=cop_permissions.visible_pages(user, LibraryPage.objects.all()).values("pk")
        )
    else:
        raise TypeError(f"Not a library item: {model!r}")
    nothing = Q(pk__in=[])
    if signed_in:
        custodian = Q(
            Exists(
                ConsentRecord.custodians.through.objects.filter(
                    consentrecord_id=OuterRef("consent__pk"), user_id=user.pk
                )
            )
        )
        member_of_audience = Q(consent__audience=Audience.COMMUNITIES) & Q(
            Exists(
                ConsentRecord.audience_communities.through.objects.filter(
                    consentrecord_id=OuterRef("consent__pk"),
                    communitypage_id__in=Membership.objects.filter(
                        user_id=user.pk, status=MembershipStatus.ACTIVE
                    ).values("community_id"),
                )
            )
        )
        listed_person = Q(consent__audience=Audience.PEOPLE) & Q(
            Exists(
                ConsentRecord.audience_people.through.objects.filter(
                    consentrecord_id=OuterRef("consent__pk"), user_id=user.pk
                )
            )
        )
        audience = (
            Q(consent__audience__in=[Audience.PUBLIC, Audience.SIGNED_IN])
            | member_of_audience
            | listed_person
            | Q(_grant_exists(user, model, today))
        )
    else:
        custodian = nothing
        audience = Q(consent__audience=Audience.PUBLIC)
    in_force = Q(consent__status=ConsentStatus.ACTIVE) & (
        Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today)
    )
    tk = Q(holds_traditional_knowledge=True)
    editable = _editable(user, model) if editors else nothing
    not_editable = nothing if editable == Q() else ~editable
    # The rules of the module's docstring in an order that names the library's visibility (its
    # community subqueries, the costliest part) once: an item not live is FULL for its owner and
    # custodians, else only for editors whom rules 2 and 3 let in as if it were live.
    return Case(
        When(~live & (owner | custodian), then=Value(Access.FULL.value)),
        When(~live & not_editable, then=Value(Access.HIDDEN.value)),
        When(tk & custodian, then=Value(Access.FULL.value)),
        When(~library_visible, then=Value(Access.HIDDEN.value)),
        When(holds_traditional_knowledge=False, then=Value(Access.FULL.value)),
        When(~in_force, then=Value(Access.HIDDEN.value)),
        When(audience, then=Value(Access.FULL.value)),
        When(~live, then=Value(Access.HIDDEN.value)),
        When(consent__secret_sacred=True, then=Value(Access.HIDDEN.value)),
        default=Value(Access.NOTICE.value),
        output_field=IntegerField(),
    )


def _editable(user, model) -> Q:
    """Rows the user may edit in the Wagtail admin (rule 1's editors)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if model is CaseStudyPage:
        pages = page_permission_policy.instances_user_has_any_permission_for(user, {"change"})
        return Q(pk__in=pages.values("pk"))
    return Q() if user.has_perm("cop_library.change_buildingblock") else Q(pk__in=[])


def library_items_for(
    user, queryset: QuerySet, *, minimum: Access = Access.NOTICE, today=None, editors: bool = True
) -> QuerySet:
    """`queryset` (of CaseStudyPage or BuildingBlock) narrowed to what `user` may see at least at
    `minimum`, each row annotated with `library_access` (an Access value). One query when evaluated.
    `today` and `editors`: as for access_annotation."""
    return queryset.annotate(
        library_access=access_annotation(user, queryset, today=today, editors=editors)
    ).filter(library_access__gte=minimum.value)


# --- Sharing from the site (cop.library.services.submission) ----------------------------------------


def may_share_in(user, library) -> bool:
    """May `user` write a case study for `library` from the site? Anyone signed in for the site-wide
    library; the community's active members for a community's library."""
    if user is None or not user.is_authenticated or not user.is_active or library is None:
        return False
    community = library.community
    if community is None:
        return True
    membership = cop_permissions.membership_of(user, community.pk)
    return membership is not None and membership.status == MembershipStatus.ACTIVE


def may_edit_submission(user, page) -> bool:
    """The submitter of a case study edits it on the site while it is not live (draft, or sent back
    with changes requested); the services refuse it while it is with the reviewers."""
    return user is not None and user.is_authenticated and page.submitted_by_id == user.pk and not page.live
