"""A community's subscriptions to partners' calendars and their import reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cop import permissions as cop_permissions
from cop.errors import DomainError, Forbidden
from cop.models import CommunityPage
from events import permissions, services
from events.forms import (
    ImportedFeedForm,
)
from events.importer import runs as importer
from events.models import (
    ImportedFeed,
)


def _organised_community(request, pk: int) -> CommunityPage:
    community = get_object_or_404(CommunityPage.objects.live(), pk=pk)
    if not cop_permissions.can_see_listing(request.user, community):
        raise Http404
    return community


@login_required
def imports(request, community_id: int):
    """A community's subscriptions to partners' calendars, with each feed's latest reports."""
    community = _organised_community(request, community_id)
    if not permissions.can_organise_in(request.user, community):
        raise Forbidden(_("Only the community's facilitators can manage imported calendars."))
    form = ImportedFeedForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                feed = services.feed_subscribe(
                    community=community,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    keep_local_edits=form.cleaned_data["keep_local_edits"],
                )
            except ValidationError as error:
                form.add_error("url", error)
            else:
                messages.success(request, _("Subscribed. The first import runs now; its report is below."))
                return redirect("events:import_feed", pk=feed.pk)
        status = 400
    else:
        status = 200
    feeds = list(community.imported_feeds.all())
    return render(
        request, "events/imports.html", {"community": community, "feeds": feeds, "form": form}, status=status
    )


@login_required
def import_feed(request, pk: int):
    feed = get_object_or_404(ImportedFeed.objects.select_related("community"), pk=pk)
    community = _organised_community(request, feed.community_id)
    if not permissions.can_organise_in(request.user, community):
        raise Forbidden(_("Only the community's facilitators can manage imported calendars."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "run":
            services.feed_run_soon(feed=feed)
            messages.success(request, _("The import is running; reload to see its report."))
        elif action == "toggle_keep":
            services.feed_update(feed=feed, keep_local_edits=not feed.keep_local_edits)
            messages.success(request, _("Saved."))
        elif action == "delete":
            services.feed_unsubscribe(feed=feed)
            messages.success(request, _("Unsubscribed. Events already imported stay until you remove them."))
            return redirect("events:imports", community_id=community.pk)
        elif action in ("confirm_removals", "keep_removed"):
            try:
                if action == "confirm_removals":
                    importer.feed_removals_confirm(feed=feed, by=request.user)
                    messages.success(
                        request,
                        _("The events no longer in the feed are being removed; reload to see the report."),
                    )
                else:
                    kept = importer.feed_removals_dismiss(feed=feed, by=request.user)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s event was kept as the community's own event.",
                            "%(count)s events were kept as the community's own events.",
                            kept,
                        )
                        % {"count": kept},
                    )
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("events:import_feed", pk=feed.pk)
    return render(
        request,
        "events/import_feed.html",
        {"feed": feed, "community": community, "reports": list(feed.reports.all()[:20])},
    )
