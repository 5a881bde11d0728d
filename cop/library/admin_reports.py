"""Wagtail's admin reports without the traditional-knowledge items the editor may not read in full
(issue #12). Wagtail filters its reports by its own page permissions only and asks no hook, so these
subclasses are served at the reports' addresses in place of Wagtail's (config/urls.py, before the
admin's URLs): the site history leaves out the log entries of those case studies and building blocks
(their labels are titles or notice titles: the existence of a secret/sacred, withdrawn or expired
item), the aging, locked and workflow reports leave out the pages, and the page-types report does not
name one as a type's last edited page. What "may not read in full" means is decided once, by
cop.library.permissions (through library_items_for)."""

from django.contrib.contenttypes.models import ContentType
from django.urls import path
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.models import PageLogEntry

from .models import BuildingBlock, CaseStudyPage
from .permissions import Access, library_items_for


def unreadable_tk_pages(user) -> list[int]:
    """The ids of the TK case studies `user` may not read in full. Read (one query), not a subquery:
    for an editor who is no superuser the decision's subqueries (their page rights among them) are
    deep, and nested in an admin listing's own query they go past what SQLite's parser takes."""
    tk_pages = CaseStudyPage.objects.filter(holds_traditional_knowledge=True)
    readable = library_items_for(user, tk_pages, minimum=Access.FULL).values("pk")
    return list(tk_pages.exclude(pk__in=readable).values_list("pk", flat=True))


def unreadable_tk_blocks(user) -> list[str]:
    """The ids, as text (log entries' and workflow states' object_id), of the TK building blocks
    `user` may not read in full (read, as above)."""
    tk_blocks = BuildingBlock.objects.filter(holds_traditional_knowledge=True)
    readable = library_items_for(user, tk_blocks, minimum=Access.FULL).values("pk")
    return _as_text(tk_blocks.exclude(pk__in=readable).values_list("pk", flat=True))


def _as_text(ids) -> list[str]:
    return [str(pk) for pk in ids]


class LibrarySafeSiteHistoryView(LogEntriesView):
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if issubclass(queryset.model, PageLogEntry):
            return queryset.exclude(page_id__in=unreadable_tk_pages(user))
        return queryset.exclude(
            content_type=ContentType.objects.get_for_model(BuildingBlock),
            object_id__in=unreadable_tk_blocks(user),
        )


class LibrarySafeAgingPagesView(AgingPagesView):
    def get_queryset(self):
        return super().get_queryset().exclude(pk__in=unreadable_tk_pages(self.request.user))


class LibrarySafeLockedPagesView(LockedPagesView):
    def get_queryset(self):
        return super().get_queryset().exclude(pk__in=unreadable_tk_pages(self.request.user))


class LibrarySafePageTypesUsageView(PageTypesUsageReportView):
    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        hidden = set(unreadable_tk_pages(self.request.user))
        for item in page_types:
            if item.last_edited_page_id in hidden:
                item.last_edited_page = None
        return page_types


class LibrarySafeWorkflowView(WorkflowView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .exclude(object_id__in=_as_text(unreadable_tk_pages(self.request.user)))
            .exclude(object_id__in=unreadable_tk_blocks(self.request.user))
        )


class LibrarySafeWorkflowTasksView(WorkflowTasksView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .exclude(workflow_state__object_id__in=_as_text(unreadable_tk_pages(self.request.user)))
            .exclude(workflow_state__object_id__in=unreadable_tk_blocks(self.request.user))
        )


def _both(prefix, view, name):
    """A report's page and its results fragment, named as Wagtail names them (without its namespace)."""
    return [
        path(f"{prefix}/", view.as_view(), name=f"library_{name}"),
        path(f"{prefix}/results/", view.as_view(results_only=True), name=f"library_{name}_results"),
    ]


# Mounted at admin/reports/ before Wagtail's admin URLs (config/urls.py), so these answer first.
urlpatterns = [
    *_both("site-history", LibrarySafeSiteHistoryView, "site_history"),
    *_both("aging-pages", LibrarySafeAgingPagesView, "aging_pages"),
    *_both("locked", LibrarySafeLockedPagesView, "locked_pages"),
    *_both("workflow", LibrarySafeWorkflowView, "workflow"),
    *_both("workflow_tasks", LibrarySafeWorkflowTasksView, "workflow_tasks"),
    *_both("page-types-usage", LibrarySafePageTypesUsageView, "page_types_usage"),
]
