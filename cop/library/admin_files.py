"""The files of traditional-knowledge items in the Wagtail admin (issue #12): an editor who may not read
such an item in full (cop.library.permissions, through cop.library.admin_reports) has no right at all
on its documents and images, and the consent records' evidence is for their custodians only.

The cause is fixed in Wagtail's own permission system: `LibraryFilePermissionPolicy` is the documents'
and images' permission policy (registered in cop.library.wagtail_hooks), Wagtail's collection policy
narrowed by the one access decision, superusers included (collection permissions alone never bind
them). Every admin view that asks the policy follows: the listings, their results and search, the
choosers, their search and "chosen" answers, the edit, delete and usage views, the multiple-upload edit
and delete, the bulk actions, the image URL generator and preview. The admin API's documents and images
endpoints ask no policy; their viewsets below leave the same files out (registered by the same hooks).
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views import bulk_actions as document_actions
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views import bulk_actions as image_actions
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

from .admin_reports import unreadable_tk_pages
from .models import CaseStudyResource, ConsentRecord


def unreadable_tk_file_ids(user, model) -> list[int]:
    """The ids of the documents or images (`model`) used by a TK case study `user` may not read in
    full (a resource, or in its story as the reference index records it), and, for documents, the
    evidence of the consent records `user` is no custodian of. Read in steps (three or four queries):
    the access decision's subqueries are deep, and nested once more in a file query, then wrapped by
    Wagtail's search, they go past what SQLite's parser takes."""
    page_ids = unreadable_tk_pages(user)
    ids = set()
    if page_ids:
        ids.update(
            int(object_id)
            for object_id in ReferenceIndex.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id__in=[str(pk) for pk in page_ids],
                to_content_type=ContentType.objects.get_for_model(model),
            ).values_list("to_object_id", flat=True)
            if object_id.isdigit()
        )
    if issubclass(model, get_document_model()):
        if page_ids:
            ids.update(
                CaseStudyResource.objects.filter(
                    case_study_id__in=page_ids, document__isnull=False
                ).values_list("document_id", flat=True)
            )
        evidence = ConsentRecord.objects.filter(evidence__isnull=False)
        if user.is_authenticated:
            evidence = evidence.exclude(custodians=user)
        ids.update(evidence.values_list("evidence_id", flat=True))
    return sorted(ids)


def without_unreadable_files(queryset, user):
    return queryset.exclude(pk__in=unreadable_tk_file_ids(user, queryset.model))


class LibraryFilePermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's policy for documents and images (collections, ownership), with no permission on a
    file `unreadable_tk_file_ids` names for the user."""

    def _unreadable(self, user, instance) -> bool:
        return instance.pk in unreadable_tk_file_ids(user, type(instance))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not super().user_has_any_permission_for_instance(user, actions, instance):
            return False
        return not self._unreadable(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return without_unreadable_files(super().instances_user_has_any_permission_for(user, actions), user)


def document_permission_policy():
    return LibraryFilePermissionPolicy(
        get_document_model(), auth_model="wagtaildocs.Document", owner_field_name="uploaded_by_user"
    )


def image_permission_policy():
    return LibraryFilePermissionPolicy(
        get_image_model(), auth_model="wagtailimages.Image", owner_field_name="uploaded_by_user"
    )


class _LibrarySafeAPI:
    def get_queryset(self):
        return without_unreadable_files(super().get_queryset(), self.request.user)


class LibrarySafeDocumentsAdminAPIViewSet(_LibrarySafeAPI, DocumentsAdminAPIViewSet):
    pass


class LibrarySafeImagesAdminAPIViewSet(_LibrarySafeAPI, ImagesAdminAPIViewSet):
    pass


class _HidesUnreadableFiles:
    """Wagtail's bulk actions list the chosen files the user may not act on, by title: those of TK
    items they may not read in full are left out of that list too (the policy already keeps them out
    of the actionable ones)."""

    def get_actionable_objects(self):
        objects, context = super().get_actionable_objects()
        hidden = set(unreadable_tk_file_ids(self.request.user, self.model))
        context["items_with_no_access"] = [
            item for item in context["items_with_no_access"] if item.pk not in hidden
        ]
        return [item for item in objects if item.pk not in hidden], context


def _library_safe_bulk_actions():
    return [
        type(f"LibrarySafe{kind}{action.__name__}", (_HidesUnreadableFiles, action), {})
        for kind, module in (("Document", document_actions), ("Image", image_actions))
        for action in (module.AddTagsBulkAction, module.AddToCollectionBulkAction, module.DeleteBulkAction)
    ]


# Registered by cop.library.wagtail_hooks after Wagtail's own, which they replace.
LIBRARY_SAFE_BULK_ACTIONS = _library_safe_bulk_actions()
