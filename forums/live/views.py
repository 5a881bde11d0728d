"""Room pages. Every page and action works without JavaScript; live.js only makes them live."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cop import permissions as cop_permissions
from cop.converters import parse_id
from cop.models import CommunityPage

from . import selectors, services
from .exceptions import (
    LiveError,
    MessageInvalid,
)
from .forms import MessageForm, MuteForm, RoomForm, RoomSettingsForm
from .models import Room, RoomMessage
from .permissions import can_manage_rooms, can_moderate_room, can_write_in_room, is_muted


def _readable(user, community):
    """The community if the user may read it: 404 when they may not even know of it, 403 otherwise."""
    if not cop_permissions.can_view(user, community):
        if cop_permissions.can_see_listing(user, community):
            raise PermissionDenied(_("This community's discussions are for its members."))
        raise Http404
    return community


def _room(request, room_id) -> Room:
    room = get_object_or_404(Room.objects.select_related("community", "pinned_message__author"), pk=room_id)
    if not room.community.live:
        raise Http404
    _readable(request.user, room.community)
    return room


def _crumbs(community, *extra):
    return [
        {"title": community.title, "url": community.url},
        {"title": _("Discussion rooms"), "url": reverse("live:room_list", args=[community.pk])},
        *extra,
    ]


@require_http_methods(["GET", "POST"])
def room_list(request, community_id):
    community = get_object_or_404(CommunityPage.objects.live(), pk=community_id)
    _readable(request.user, community)
    can_manage = can_manage_rooms(request.user, community)
    form, status = None, 200
    if can_manage:
        form = RoomForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                room = services.room_create(community=community, actor=request.user, **form.cleaned_data)
                return redirect("live:room_detail", room.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("Only facilitators open discussion rooms."))
    context = {
        "community": community,
        "rooms": selectors.rooms_of_community(community),
        "form": form,
        "breadcrumbs": _crumbs(community)[:1] + [{"title": _("Discussion rooms"), "url": ""}],
    }
    return render(request, "forums/live/room_list.html", context, status=status)


def _room_page(request, room, *, form=None, error=None, status=200):
    before = parse_id(request.GET.get("before"))
    seq = selectors.stream_last_seq(
        room.stream_key
    )  # read before the messages: the socket catches up from here
    messages, older = selectors.room_history(room, before=before)
    user = request.user
    can_moderate = can_moderate_room(user, room)
    context = {
        "room": room,
        "community": room.community,
        "room_messages": messages,
        "older": older,
        "is_latest": before is None,
        "seq": seq,
        "form": form or MessageForm(),
        "error": error,
        "can_write": can_write_in_room(user, room),
        "is_muted": is_muted(user, room),
        "is_member": cop_permissions.can_post(user, room.community),
        "can_moderate": can_moderate,
        "can_manage": can_manage_rooms(user, room.community),
        "settings_form": RoomSettingsForm(
            initial={
                "slow_mode_seconds": room.slow_mode_seconds,
                "opens_at": room.opens_at,
                "closes_at": room.closes_at,
            }
        )
        if can_moderate
        else None,
        "breadcrumbs": _crumbs(room.community, {"title": room.title, "url": ""}),
    }
    return render(request, "forums/live/room_detail.html", context, status=status)


def room_detail(request, room_id):
    return _room_page(request, _room(request, room_id))


@require_POST
@login_required
def room_post(request, room_id):
    """The plain form's way to post; the message is broadcast to live viewers after commit."""
    room = _room(request, room_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _room_page(request, room, form=form, status=400)
    try:
        message = services.room_message_post(
            room_id=room.pk, author=request.user, body=form.cleaned_data["body"]
        )
    except LiveError as error:
        return _room_page(request, room, form=form, error=str(error.message), status=error.status)
    return redirect(reverse("live:room_detail", args=[room.pk]) + f"#room-msg-{message.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def message_moderate(request, room_id, message_id):
    """Delete, pin or unpin a message and mute its author: one page of forms, for moderators."""
    room = _room(request, room_id)
    if not can_moderate_room(request.user, room):
        raise PermissionDenied(_("Only moderators of this community may do this."))
    message = get_object_or_404(RoomMessage.objects.select_related("author"), pk=message_id, room=room)
    mute_form = MuteForm(request.POST if request.POST.get("action") == "mute" else None)
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "delete":
                services.room_message_delete(message=message, actor=request.user)
            elif action == "pin":
                services.room_message_pin(room=room, message=message, actor=request.user)
            elif action == "unpin":
                services.room_message_pin(room=room, message=None, actor=request.user)
            elif action == "mute" and mute_form.is_valid():
                services.room_user_mute(
                    room=room,
                    user=message.author,
                    actor=request.user,
                    minutes=mute_form.cleaned_data["minutes"] or None,
                )
            elif action == "unmute":
                services.room_user_unmute(room=room, user=message.author, actor=request.user)
            else:
                raise MessageInvalid(_("Choose an action."))
        except LiveError as error_:
            error, status = str(error_.message), error_.status
        else:
            return redirect(reverse("live:room_detail", args=[room.pk]) + f"#room-msg-{message.pk}")
    context = {
        "room": room,
        "message": message,
        "mute_form": mute_form,
        "author_muted": is_muted(message.author, room),
        "error": error,
        "breadcrumbs": _crumbs(
            room.community, {"title": room.title, "url": reverse("live:room_detail", args=[room.pk])}
        ),
    }
    return render(request, "forums/live/message_moderate.html", context, status=status)


@require_POST
@login_required
def room_settings(request, room_id):
    room = _room(request, room_id)
    if not can_moderate_room(request.user, room):
        raise PermissionDenied(_("Only moderators of this community may do this."))
    form = RoomSettingsForm(request.POST)
    if not form.is_valid():
        return _room_page(request, room, error=_("Please correct the room settings."), status=400)
    try:
        services.room_update_settings(room=room, actor=request.user, **form.cleaned_data)
    except LiveError as error:
        return _room_page(request, room, error=str(error.message), status=error.status)
    return redirect("live:room_detail", room.pk)


@login_required
def room_transcript(request, room_id):
    """The whole room as plain text or CSV, for facilitators."""
    room = _room(request, room_id)
    if not can_manage_rooms(request.user, room.community):
        raise PermissionDenied(_("Only facilitators may export a transcript."))
    removed = _("[removed by a moderator]")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="room-{room.pk}-transcript.csv"'
        writer = csv.writer(response)
        writer.writerow(["id", "time_utc", "author", "message"])
        for message in selectors.room_transcript(room):
            body = removed if message.is_deleted else message.body
            writer.writerow([message.pk, message.created_at.isoformat(), message.author.public_name, body])
        return response
    lines = [room.title, room.community.title, ""]
    for message in selectors.room_transcript(room):
        body = removed if message.is_deleted else message.body
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M:%S} UTC] {message.author.public_name}: {body}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.pk}-transcript.txt"'
    return response
