"""Imported partner calendars and their reports in the Wagtail admin, for organisers; the calendar page
made on the first visit to its address."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from events.models import EventIndexPage, ImportedFeed, ImportReport
from events.services import events_index
from events.services.exceptions import EventError
from events.urls import CALENDAR_PATH


class ImportedFeedViewSet(SnippetViewSet):
    model = ImportedFeed
    icon = "calendar-alt"
    search_backend_name = None
    # Held removals are answered on the subscription's page (events:import_feed), where facilitators
    # manage it; the list shows which subscriptions wait for that answer.
    list_display = [
        "title",
        "community",
        "url",
        "keep_local_edits",
        "is_active",
        "last_run_at",
        "status",
        Column("held_count", label=_("Removals awaiting confirmation")),
    ]
    list_filter = ["is_active", "keep_local_edits", "status"]
    search_fields = ["title", "url"]
    panels = [
        FieldPanel("community"),
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("keep_local_edits"),
        FieldPanel("is_active"),
    ]


class ImportReportViewSet(SnippetViewSet):
    """Reports are written by the importer; organisers read them (inspect view)."""

    model = ImportReport
    icon = "doc-full"
    search_backend_name = None
    list_display = ["feed", "started_at", "outcome", "created", "updated", "removed", "skipped"]
    list_filter = ["outcome"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "feed",
        "started_at",
        "finished_at",
        "outcome",
        "created",
        "updated",
        "unchanged",
        "removed",
        "kept_local",
        "skipped",
        "messages",
    ]


class EventImportsGroup(SnippetViewSetGroup):
    menu_label = _("Calendar imports")
    menu_icon = "calendar-alt"
    menu_order = 310
    items = (ImportedFeedViewSet, ImportReportViewSet)


register_snippet(EventImportsGroup)


@hooks.register("make_page_on_first_visit")
def make_calendar_page(request, path: str) -> bool:
    """A site whose home page has no calendar page yet (no event was made, no demo seeded) gets it on the
    first visit to the calendar's address instead of a "page not found" (home.sites.serve)."""
    if path != CALENDAR_PATH or EventIndexPage.objects.exists():
        return False
    try:
        events_index()
    except EventError:
        return False
    return True
