"""The notifications page, opening one, the notification settings and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .. import listings, lists, services
from ..forms import NotificationSettingsForm
from ..models import Notification
from ..tokens import user_from_unsubscribe_token
from .access import crumbs, posted


@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("forums:notifications")
    paginator = Paginator(listings.NotificationList(request.user), listings.NOTIFICATIONS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number (PageNotAnInteger) or out of range (EmptyPage)
        raise Http404 from None
    return render(
        request,
        "forums/notifications.html",
        {
            "page_obj": page,
            "entries": lists.notification_entries_html(list(page.object_list)),
            "breadcrumbs": crumbs((_("Notifications"), request.path)),
        },
    )


@login_required
def notification_open(request, pk):
    notification = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if notification is None:
        raise Http404
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.post_id:
        return redirect("forums:post", pk=notification.post_id)
    if notification.thread_id:
        return redirect("forums:thread", pk=notification.thread_id)
    return redirect("forums:notifications")


@login_required
def notification_settings(request):
    instance = services.notification_settings_of(request.user)
    form = NotificationSettingsForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=request.user,
            email_frequency=form.cleaned_data["email_frequency"],
            auto_watch=form.cleaned_data["auto_watch"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("forums:notification_settings")
    return render(
        request,
        "forums/notification_settings.html",
        {"form": form, "breadcrumbs": crumbs((_("Notification settings"), request.path))},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the signed token is the credential.
def unsubscribe(request, token):
    """One click (GET from the e-mail link, or POST from the List-Unsubscribe header) stops forum e-mails."""
    user = user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "forums/unsubscribe.html", {"invalid": True}, status=400)
    if request.method in ("GET", "POST"):
        services.email_unsubscribe(user=user)
    return render(request, "forums/unsubscribe.html", {"invalid": False})
