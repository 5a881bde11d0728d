"""Who may fetch a Wagtail document or image: a file follows the pages that use it.

Wagtail's reference index (wagtail.models.ReferenceIndex) records every page that uses a file, in a
foreign key (an event's slides, a community's cover) or in a StreamField or rich text (an image block,
a document link). A file used by at least one page anyone may read is public, and so is one used only
by objects other than pages (no snippet or setting in this project uses files today; should one, it is
public content like the vocabularies). A file used only by private pages (a hidden community's page, a
members-only community's events, a page under a Wagtail view restriction, a draft) is served only to
those who may see one of those pages, as cop.permissions.visible_pages decides, and to the editors
Wagtail lets handle it (its collection's "change" or "choose" permission, or the right to edit a draft
that uses it). Both surfaces that serve files ask here: Wagtail's document view (the
before_serve_document hook in cop.wagtail_hooks) and the media view (home.media) for images and their
renditions.

A file nothing uses at all is served only to those editors, not to the public: the index holds only
saved live content, so "unused" is also the state of a private page's file once the page is deleted,
once its field points to another file, or while it sits only in an unpublished revision of a live page.

Apps with their own rules for some files (cop.library: traditional knowledge, consent evidence) add a
checker with `register_file_checker`: it answers a FileAccess for the files it governs, or None for the
others, and is asked before the rules above (cop imports no app: they register themselves).
"""

import enum
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from cop import permissions


class FileAccess(enum.Enum):
    PUBLIC = "public"  # anyone may fetch it: used by a page anyone may read, or only by non-page objects
    ALLOWED = "allowed"  # private, and this user may see a page that uses it
    DENIED = "denied"

    @property
    def allowed(self) -> bool:
        return self is not FileAccess.DENIED


def _users(file) -> tuple[bool, set[int]]:
    """Whether any saved object uses `file`, and the ids of the pages among them (children such as an
    event's speakers count for their page)."""
    page_type_id = ContentType.objects.get_for_model(Page).pk
    references = (
        ReferenceIndex.get_references_to(file).values_list("base_content_type_id", "object_id").distinct()
    )
    used = False
    page_ids = set()
    for base_content_type_id, object_id in references:
        used = True
        if base_content_type_id == page_type_id and object_id.isdigit():
            page_ids.add(int(object_id))
    return used, page_ids


def _sees_a_page(user, request, page_ids, *, view_restricted: bool) -> bool:
    live = Page.objects.filter(pk__in=page_ids).live()
    if permissions.visible_pages(user, live).exists():
        return True
    if not view_restricted:
        return False
    # Live pages under a Wagtail view restriction (login, groups, password): the restriction decides
    # first, then the same community rules as for any other page.
    for page in live.not_public():
        if all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
            one = Page.objects.filter(pk=page.pk)
            if permissions.visible_pages(user, one, include_view_restricted=True).exists():
                return True
    return False


def _may_handle_in_admin(user, file, page_ids) -> bool:
    """Editors: those Wagtail lets pick or edit the file, or edit a draft page that uses it."""
    if not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return False
    permission_policy = policy_registry.get_by_type(type(file))
    if permission_policy.user_has_any_permission_for_instance(user, ["change", "choose"], file):
        return True
    drafts = Page.objects.filter(pk__in=page_ids, live=False).specific()
    return any(page.permissions_for_user(user).can_edit() for page in drafts)


_CHECKERS: list[Callable] = []


def register_file_checker(checker: Callable) -> Callable:
    """Registers `checker(request, file) -> FileAccess | None`, asked first by file_access."""
    if checker not in _CHECKERS:
        _CHECKERS.append(checker)
    return checker


def file_access(request, file) -> FileAccess:
    """May the requesting user fetch this Wagtail document or image?"""
    for checker in _CHECKERS:
        verdict = checker(request, file)
        if verdict is not None:
            return verdict
    used, page_ids = _users(file)
    user = request.user
    if not used:
        # Deleted or replaced on a private page, or only in a draft: not the public's.
        return FileAccess.ALLOWED if _may_handle_in_admin(user, file, page_ids) else FileAccess.DENIED
    if not page_ids:
        return FileAccess.PUBLIC
    if _sees_a_page(AnonymousUser(), request, page_ids, view_restricted=False):
        return FileAccess.PUBLIC
    if _sees_a_page(user, request, page_ids, view_restricted=True) or _may_handle_in_admin(
        user, file, page_ids
    ):
        return FileAccess.ALLOWED
    return FileAccess.DENIED
