"""Who may fetch a Wagtail document or image: a file follows the pages that use it.

Wagtail's reference index (wagtail.models.ReferenceIndex) records every page that uses a file, in a
foreign key (an event's slides, a community's cover) or in a StreamField or rich text (an image block,
a document link). A file used by no page, or by at least one page anyone may read, is public. A file
used only by private pages (a hidden community's page, a members-only community's events, a page under
a Wagtail view restriction, a draft) is served only to those who may see one of those pages, as
cop.permissions.visible_pages decides, and to the editors Wagtail lets handle it (its collection's
"change" or "choose" permission, or the right to edit a draft that uses it). Both surfaces that serve
files ask here: Wagtail's document view (the before_serve_document hook in cop.wagtail_hooks) and the
media view (home.media) for images and their renditions.
"""

import enum

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from cop import permissions


class FileAccess(enum.Enum):
    PUBLIC = "public"  # anyone may fetch it: used by no page or by a page anyone may read
    ALLOWED = "allowed"  # private, and this user may see a page that uses it
    DENIED = "denied"

    @property
    def allowed(self) -> bool:
        return self is not FileAccess.DENIED


def _using_page_ids(file) -> set[int]:
    """Ids of the pages whose saved content uses `file` (children such as an event's speakers count
    for their page)."""
    page_type = ContentType.objects.get_for_model(Page)
    object_ids = (
        ReferenceIndex.get_references_to(file)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    return {int(object_id) for object_id in object_ids if object_id.isdigit()}


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


def file_access(request, file) -> FileAccess:
    """May the requesting user fetch this Wagtail document or image?"""
    page_ids = _using_page_ids(file)
    if not page_ids:
        return FileAccess.PUBLIC
    if _sees_a_page(AnonymousUser(), request, page_ids, view_restricted=False):
        return FileAccess.PUBLIC
    user = request.user
    if _sees_a_page(user, request, page_ids, view_restricted=True) or _may_handle_in_admin(
        user, file, page_ids
    ):
        return FileAccess.ALLOWED
    return FileAccess.DENIED
