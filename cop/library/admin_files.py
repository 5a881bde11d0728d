"""Titles of the files of traditional-knowledge items in the Wagtail admin (issue #12): an editor who may
not read such an item in full (cop.library.permissions, through cop.library.admin_reports) finds none of
its files in the documents and images listings, their choosers (hooks in cop.library.wagtail_hooks) or
their edit views; the consent records' evidence is for their custodians only. Wagtail's collection
permissions do not bind superusers, and its listings ask no hook, so these subclasses answer at the
listings' and edit views' addresses in place of Wagtail's (config/urls.py, before the admin's URLs)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import path
from wagtail.documents import get_document_model
from wagtail.documents.views import documents
from wagtail.images.views import images
from wagtail.models import Page, ReferenceIndex

from .admin_reports import unreadable_tk_pages


def unreadable_tk_files(user, model):
    """The ids (a subquery) of the documents or images (`model`) used by a TK case study `user` may not
    read in full (a resource, or in its story as the reference index records it), and, for documents,
    the evidence of the consent records `user` is no custodian of."""
    from .models import CaseStudyResource, ConsentRecord

    pages = unreadable_tk_pages(user)
    referenced = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=pages.annotate(text_id=Cast("pk", CharField())).values("text_id"),
        to_content_type=ContentType.objects.get_for_model(model),
    ).values("to_object_id")
    hidden = Q(text_id__in=referenced)
    if issubclass(model, get_document_model()):
        hidden |= Q(pk__in=CaseStudyResource.objects.filter(case_study__in=pages).values("document_id"))
        evidence = ConsentRecord.objects.filter(evidence__isnull=False)
        if user.is_authenticated:
            evidence = evidence.exclude(custodians=user)
        hidden |= Q(pk__in=evidence.values("evidence_id"))
    return model.objects.annotate(text_id=Cast("pk", CharField())).filter(hidden).values("pk")


def without_unreadable_files(queryset, user):
    return queryset.exclude(pk__in=unreadable_tk_files(user, queryset.model))


class _LibrarySafeListing:
    def get_base_queryset(self):
        return without_unreadable_files(super().get_base_queryset(), self.request.user)


class _LibrarySafeEdit:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if unreadable_tk_files(self.request.user, type(obj)).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class LibrarySafeDocumentIndexView(_LibrarySafeListing, documents.IndexView):
    pass


class LibrarySafeImageIndexView(_LibrarySafeListing, images.IndexView):
    pass


class LibrarySafeDocumentEditView(_LibrarySafeEdit, documents.EditView):
    pass


class LibrarySafeImageEditView(_LibrarySafeEdit, images.EditView):
    pass


class LibrarySafeDocumentDeleteView(_LibrarySafeEdit, documents.DeleteView):
    pass


class LibrarySafeImageDeleteView(_LibrarySafeEdit, images.DeleteView):
    pass


# Mounted at admin/ before Wagtail's admin URLs (config/urls.py), at Wagtail's addresses.
urlpatterns = [
    path("documents/", LibrarySafeDocumentIndexView.as_view()),
    path("documents/results/", LibrarySafeDocumentIndexView.as_view(results_only=True)),
    path("documents/edit/<int:document_id>/", LibrarySafeDocumentEditView.as_view()),
    path("documents/delete/<int:document_id>/", LibrarySafeDocumentDeleteView.as_view()),
    path("images/", LibrarySafeImageIndexView.as_view()),
    path("images/results/", LibrarySafeImageIndexView.as_view(results_only=True)),
    path("images/<int:image_id>/", LibrarySafeImageEditView.as_view()),
    path("images/<int:image_id>/delete/", LibrarySafeImageDeleteView.as_view()),
]
