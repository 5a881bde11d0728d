"""Facilitators writing, editing and deleting a community's announcements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import services
from cop.community_forms import AnnouncementForm
from cop.models import Announcement
from cop.views.access import crumbs, index_crumb, managed_community


@login_required
def announcement_edit(request, community_id: int, announcement_id: int | None = None):
    """Writes a new announcement or edits one."""
    community = managed_community(request, community_id)
    announcement = (
        get_object_or_404(Announcement, pk=announcement_id, community=community) if announcement_id else None
    )
    form = AnnouncementForm(request.POST or None, instance=announcement)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("title", "body", "pinned")}
        if announcement is None:
            services.announcement_create(actor=request.user, community=community, **fields)
        else:
            services.announcement_update(actor=request.user, announcement_id=announcement.pk, **fields)
        messages.success(request, _("The announcement was saved."))
        return redirect(manage_url)
    heading = _("Edit the announcement") if announcement else _("New announcement")
    return render(
        request,
        "cop/announcement_form.html",
        {
            "community": community,
            "form": form,
            "announcement": announcement,
            "heading": heading,
            "back_url": manage_url,
            "breadcrumbs": crumbs(
                index_crumb(), (community.title, community.url), (_("Manage"), manage_url), (heading, "")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def announcement_delete(request, community_id: int, announcement_id: int):
    community = managed_community(request, community_id)
    announcement = get_object_or_404(Announcement, pk=announcement_id, community=community)
    services.announcement_delete(actor=request.user, announcement_id=announcement.pk)
    messages.success(request, _("The announcement was deleted."))
    return redirect("cop:community_manage", community.pk)
