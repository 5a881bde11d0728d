"""Leaving means leaving (issue #10, item 4): when a membership ends (leave, removal, ban, a forum ban,
a deactivated account) the person's registrations for the community's members-only events are
cancelled and their seats go to the waiting list; "My events", the personal feed, event pages, .ics,
e-mails and reminders stop showing them the join link at once. Join links are for confirmed
registrants only: a pending seat offer shows none until it is accepted."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from cop import services as cop_services
from cop.models import Membership
from events import permissions, services, tasks
from events.models import RegistrationStatus, SentReminder
from tests.factories import UserFactory, events_membership

LINK = "meet.example.org/km4b-webinar"
TITLE = "Protocols circle webinar"
DAY = dt.date(2030, 3, 30)


@pytest.fixture
def circle_facilitator(private_community):
    user = UserFactory()
    events_membership(user, private_community, role="facilitator")
    return user


@pytest.fixture
def members_event(make_event, private_community):
    return make_event(title=TITLE, community=private_community, capacity=1, start_date=DAY, end_date=DAY)


def member_of(community):
    user = UserFactory()
    events_membership(user, community)
    return user


def register(user, event, callbacks):
    with callbacks(execute=True):
        return services.event_register(user=user, occurrence_id=event.occurrences.get().pk)


def end_membership(how, user, community, facilitator):
    membership = Membership.objects.get(user=user, community=community)
    if how == "leave":
        cop_services.membership_leave(user=user, community=community)
    elif how == "remove":
        cop_services.membership_remove(actor=facilitator, membership_id=membership.pk, reason="Inactive")
    elif how == "ban":
        cop_services.membership_ban(actor=facilitator, membership_id=membership.pk, reason="Spam")
    else:  # a moderator bans the author from the community's forum
        from forums.services import board_ensure_for_community, user_ban

        user_ban(
            moderator=facilitator,
            board=board_ensure_for_community(community=community),
            user=user,
            reason="Spam",
        )


def feed_text(client, token) -> str:
    response = client.get(reverse("events:feed_personal", args=[token]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content).to_ical().decode().replace("\r\n ", "")


def my_events_html(client) -> str:
    return client.get(reverse("events:my_events")).content.decode()


@pytest.mark.parametrize("how", ["leave", "remove", "ban", "forum_ban"])
def test_a_former_member_loses_registration_feed_page_and_reminders(
    how, client, members_event, private_community, circle_facilitator, django_capture_on_commit_callbacks
):
    user = member_of(private_community)
    registration = register(user, members_event, django_capture_on_commit_callbacks)
    token = services.calendar_token_rotate(user=user).token
    client.force_login(user)
    # As a member: listed with its join link everywhere (and the feed is now cached).
    assert TITLE in my_events_html(client) and LINK in my_events_html(client)
    assert TITLE in feed_text(client, token) and LINK in feed_text(client, token)
    assert LINK in client.get(members_event.url).content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        end_membership(how, user, private_community, circle_facilitator)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    page = my_events_html(client)
    assert TITLE not in page and LINK not in page
    feed = feed_text(client, token)  # at once, not when the cached copy expires
    assert TITLE not in feed and LINK not in feed
    assert client.get(members_event.url).status_code == 404
    assert client.get(reverse("events:event_ics", args=[members_event.pk])).status_code == 404
    start = members_event.occurrences.get().start_utc
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=start - dt.timedelta(hours=23)) == 0
    assert not [m for m in mail.outbox if LINK in m.body]


def test_the_seat_of_a_leaver_goes_to_the_waiting_list_and_the_link_waits_for_acceptance(
    client, members_event, private_community, django_capture_on_commit_callbacks
):
    leaver, waiting = member_of(private_community), member_of(private_community)
    register(leaver, members_event, django_capture_on_commit_callbacks)
    queued = register(waiting, members_event, django_capture_on_commit_callbacks)
    assert queued.status == RegistrationStatus.WAITLISTED
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=leaver, community=private_community)

    queued.refresh_from_db()
    assert queued.status == RegistrationStatus.OFFERED
    offer_mail = [m for m in mail.outbox if m.to == [waiting.email]]
    assert len(offer_mail) == 1 and LINK not in offer_mail[0].body
    assert not [m for m in mail.outbox if m.to == [leaver.email]]


def test_a_pending_seat_offer_shows_no_join_link_until_accepted(
    client, members_event, private_community, django_capture_on_commit_callbacks
):
    first, waiting = member_of(private_community), member_of(private_community)
    seat = register(first, members_event, django_capture_on_commit_callbacks)
    queued = register(waiting, members_event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=seat.pk, user=first)
    queued.refresh_from_db()
    assert queued.status == RegistrationStatus.OFFERED

    # A pending offer: no join link on any surface.
    token = services.calendar_token_rotate(user=waiting).token
    client.force_login(waiting)
    page = client.get(members_event.url).content.decode()
    assert "A seat is waiting for you." in page and LINK not in page
    assert "Once you accept the seat, the link to join online is shown here" in page
    assert TITLE in my_events_html(client) and LINK not in my_events_html(client)
    assert TITLE in feed_text(client, token) and LINK not in feed_text(client, token)
    assert LINK not in client.get(reverse("events:event_ics", args=[members_event.pk])).content.decode()
    assert not permissions.can_see_online_link(waiting, members_event, queued)

    # Accepted: confirmed, so the link appears everywhere.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_accept(registration_id=queued.pk)
    assert len(mail.outbox) == 1 and LINK in mail.outbox[0].body
    assert LINK in client.get(members_event.url).content.decode()
    assert LINK in my_events_html(client)
    assert LINK in feed_text(client, token)
    ics = client.get(reverse("events:event_ics", args=[members_event.pk])).content.decode()
    assert LINK in ics.replace("\r\n ", "")


def test_a_reminder_already_queued_is_not_sent_after_leaving(
    members_event, private_community, django_capture_on_commit_callbacks
):
    user = member_of(private_community)
    register(user, members_event, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    start = members_event.occurrences.get().start_utc
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.reminders_send_due(now=start - dt.timedelta(hours=23)) == 1
    assert SentReminder.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=user, community=private_community)
    for callback in queued:  # the worker picks the reminder up only now
        callback()
    assert mail.outbox == []


def test_a_reminder_rechecks_access_at_send_time(
    members_event, private_community, django_capture_on_commit_callbacks
):
    """Even a registration left "registered" (the membership row changed by hand, say) gets no reminder
    and no link once its holder may no longer see the event."""
    user = member_of(private_community)
    registration = register(user, members_event, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    events_membership(user, private_community, status="left")  # no service, so no signal
    start = members_event.occurrences.get().start_utc
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=start - dt.timedelta(hours=23)) == 0
    tasks.send_reminder(registration.pk, 60)
    assert mail.outbox == []
    assert not permissions.can_see_online_link(user, members_event, registration)


def test_my_events_hides_what_is_no_longer_visible(
    client, members_event, private_community, django_capture_on_commit_callbacks
):
    """The list asks the permission module too, not only the cancellation."""
    user = member_of(private_community)
    register(user, members_event, django_capture_on_commit_callbacks)
    client.force_login(user)
    assert TITLE in my_events_html(client)
    events_membership(user, private_community, status="removed")  # no service, so no signal
    assert TITLE not in my_events_html(client)


def test_leaving_a_public_community_keeps_public_registrations(
    client, make_event, community, django_capture_on_commit_callbacks
):
    user = member_of(community)
    event = make_event(title="Open webinar")
    registration = register(user, event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=user, community=community)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    client.force_login(user)
    assert LINK in my_events_html(client)
    assert LINK in client.get(event.url).content.decode()


def test_a_ban_from_a_public_community_cancels_its_events(
    make_event, community, facilitator, django_capture_on_commit_callbacks
):
    user = member_of(community)
    event = make_event(title="Open webinar")
    registration = register(user, event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        end_membership("ban", user, community, facilitator)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_other_communities_registrations_are_untouched(
    make_event, private_community, django_capture_on_commit_callbacks
):
    from tests.factories import events_community

    other = events_community(title="Another circle", visibility="members")
    user = member_of(private_community)
    events_membership(user, other)
    elsewhere = make_event(title="Elsewhere", community=other)
    registration = register(user, elsewhere, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=user, community=private_community)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_a_deactivated_account_gives_its_seats_back(
    members_event, private_community, django_capture_on_commit_callbacks
):
    user, waiting = member_of(private_community), member_of(private_community)
    registration = register(user, members_event, django_capture_on_commit_callbacks)
    queued = register(waiting, members_event, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save(update_fields=["is_active"])
    registration.refresh_from_db()
    queued.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert queued.status == RegistrationStatus.OFFERED


def test_started_sessions_are_not_cancelled_but_lose_the_link(
    make_event, private_community, django_capture_on_commit_callbacks
):
    """A session under way keeps its registration (the attendance record); the link still goes away."""
    from django.utils import timezone

    user = member_of(private_community)
    event = make_event(title=TITLE, community=private_community)
    registration = register(user, event, django_capture_on_commit_callbacks)
    now = timezone.now()
    event.occurrences.update(start_utc=now - dt.timedelta(minutes=5), end_utc=now + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=user, community=private_community)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert not permissions.can_see_online_link(user, event, registration)


def test_the_follow_up_is_not_announced_to_those_who_may_no_longer_see_the_event(
    client, make_event, private_community, circle_facilitator, django_capture_on_commit_callbacks
):
    stayer, leaver = member_of(private_community), member_of(private_community)
    event = make_event(title=TITLE, community=private_community, start_date=DAY, end_date=DAY)
    occurrence = event.occurrences.get()
    before = occurrence.start_utc - dt.timedelta(days=1)
    for user in (stayer, leaver):
        services.event_register(user=user, occurrence_id=occurrence.pk, now=before)
    # Past sessions keep their registrations; the membership ends afterwards (here by hand).
    events_membership(leaver, private_community, status="left")
    mail.outbox.clear()
    after = occurrence.end_utc + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_followup_publish(
            event=event, by=circle_facilitator, summary="Thanks all.", open_thread=False, now=after
        )
    assert [m.to for m in mail.outbox] == [[stayer.email]]


def test_organisers_still_see_the_link(client, members_event, circle_facilitator):
    client.force_login(circle_facilitator)
    assert LINK in client.get(members_event.url).content.decode()
    assert permissions.can_see_online_link(circle_facilitator, members_event)


# ANY PATH: the Wagtail admin's membership views save or delete the row without cop.services ----


def end_membership_in_the_admin(how, membership):
    if how == "edit_status":  # what the snippet's edit form does
        membership.status = "left"
        membership.save()
    elif how == "delete":  # the snippet's delete view
        membership.delete()
    else:  # the snippet listing's bulk delete
        Membership.objects.filter(pk=membership.pk).delete()


@pytest.mark.parametrize("how", ["edit_status", "delete", "bulk_delete"])
def test_a_membership_ended_in_the_admin_is_left_like_any_other(
    how, client, members_event, private_community, django_capture_on_commit_callbacks
):
    user, waiting = member_of(private_community), member_of(private_community)
    registration = register(user, members_event, django_capture_on_commit_callbacks)
    queued = register(waiting, members_event, django_capture_on_commit_callbacks)
    assert queued.status == RegistrationStatus.WAITLISTED
    token = services.calendar_token_rotate(user=user).token
    assert LINK in feed_text(client, token)  # cached now
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        end_membership_in_the_admin(how, Membership.objects.get(user=user, community=private_community))

    registration.refresh_from_db()
    queued.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert queued.status == RegistrationStatus.OFFERED
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    feed = feed_text(client, token)
    assert TITLE not in feed and LINK not in feed


@pytest.mark.parametrize(
    ("how", "sent"),
    [
        ("service_leave", 1),
        ("service_ban", 1),
        ("admin_edit_twice", 1),
        ("admin_edit_role_only", 0),
        ("admin_ban_a_requester", 1),
        ("admin_delete_a_former_member", 0),
    ],
)
def test_membership_ended_is_sent_once_whichever_path(how, sent, private_community, circle_facilitator):
    from cop.signals import membership_ended

    user = member_of(private_community)
    membership = Membership.objects.get(user=user, community=private_community)
    if how == "admin_ban_a_requester":
        Membership.objects.filter(pk=membership.pk).update(status="pending")
    elif how == "admin_delete_a_former_member":
        Membership.objects.filter(pk=membership.pk).update(status="left")
    received = []

    def receiver(sender, membership, **kwargs):
        received.append(membership.status)

    membership_ended.connect(receiver)
    try:
        if how == "service_leave":
            cop_services.membership_leave(user=user, community=private_community)
        elif how == "service_ban":
            cop_services.membership_ban(actor=circle_facilitator, membership_id=membership.pk)
        elif how == "admin_edit_twice":
            membership.status = "removed"
            membership.save()
            membership.decision_reason = "Inactive"
            membership.save()
        elif how == "admin_edit_role_only":
            membership.role = "moderator"
            membership.save()
        elif how == "admin_ban_a_requester":
            membership = Membership.objects.get(pk=membership.pk)
            membership.status = "banned"
            membership.save()
        else:
            Membership.objects.get(pk=membership.pk).delete()
    finally:
        membership_ended.disconnect(receiver)
    assert len(received) == sent
