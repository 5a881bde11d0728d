"""Discussion rooms: services (numbering, rules, moderation) and pages (work without JavaScript)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cop.models import Role
from forums.live import selectors, services
from forums.live.exceptions import (
    MessageInvalid,
    ModerationForbidden,
    PostingForbidden,
    RoomClosed,
    RoomWindowInvalid,
    SlowModeActive,
    UserMuted,
)
from forums.live.models import RoomMessage, Stream, StreamEvent
from forums.live.streams import stream_group

from .conftest import make_member

pytestmark = pytest.mark.django_db


# SERVICES ----


def test_each_write_gets_the_next_seq_of_its_own_stream(room, private_room, member):
    services.room_message_post(room_id=room.pk, author=member, body="one")
    services.room_message_post(room_id=private_room.pk, author=member, body="other room")
    services.room_message_post(room_id=room.pk, author=member, body="two")
    assert list(StreamEvent.objects.filter(stream__key=room.stream_key).values_list("seq", flat=True)) == [
        1,
        2,
    ]
    assert Stream.objects.get(key=private_room.stream_key).last_seq == 1
    assert selectors.stream_last_seq(room.stream_key) == 2


def test_broadcast_happens_only_after_commit(room, member, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "forums.live.publish.group_send", lambda group, message: sent.append((group, message))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.room_message_post(room_id=room.pk, author=member, body="after commit")
    assert sent == []
    for callback in callbacks:
        callback()
    assert [(group, message["seq"], message["kind"]) for group, message in sent] == [
        (stream_group(room.stream_key), 1, "message.created")
    ]
    assert set(sent[0][1]["i18n"]) == {"ar", "zh-hans", "en", "fr", "ru", "es"}


def test_a_refused_message_leaves_nothing_behind(room, outsider, member, facilitator):
    with pytest.raises(PostingForbidden):
        services.room_message_post(room_id=room.pk, author=outsider, body="hello")
    for body in ("", "   ", "x" * 2001):
        with pytest.raises(MessageInvalid):
            services.room_message_post(room_id=room.pk, author=member, body=body)
    assert RoomMessage.objects.count() == 0
    assert StreamEvent.objects.count() == 0
    assert Stream.objects.get(key=room.stream_key).last_seq == 0


def test_closed_and_not_yet_open_rooms_refuse_messages(room, member):
    now = timezone.now()
    services.room_sync_window(
        room_id=room.pk, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2)
    )
    with pytest.raises(RoomClosed):
        services.room_message_post(room_id=room.pk, author=member, body="too early")
    services.room_sync_window(
        room_id=room.pk, opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1)
    )
    with pytest.raises(RoomClosed):
        services.room_message_post(room_id=room.pk, author=member, body="too late")
    with pytest.raises(RoomWindowInvalid):
        services.room_sync_window(room_id=room.pk, opens_at=now, closes_at=now - timedelta(minutes=1))
    kinds = list(StreamEvent.objects.values_list("kind", flat=True))
    assert kinds == ["room.settings", "room.settings"]


def test_room_for_event_opens_and_closes_with_the_event(public_community, member):
    now = timezone.now()

    def sync(title, opens_at, closes_at):
        return services.room_for_event(
            community=public_community,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            event_ref="event:42",
        )

    room = sync("Knowledge fair", now - timedelta(minutes=5), now + timedelta(hours=1))
    services.room_message_post(room_id=room.pk, author=member, body="during the event")
    # The event is renamed, then ends early: the same room follows it.
    again = sync("Knowledge fair (day 2)", now - timedelta(hours=2), now - timedelta(minutes=1))
    assert again.pk == room.pk
    assert selectors.room_for_event_ref("event:42").title == "Knowledge fair (day 2)"
    with pytest.raises(RoomClosed):
        services.room_message_post(room_id=room.pk, author=member, body="after the event")
    assert list(StreamEvent.objects.filter(stream__key=room.stream_key).values_list("kind", flat=True)) == [
        "message.created",
        "room.settings",
    ]


def test_slow_mode_mutes_and_moderator_rights(room, member, facilitator, outsider):
    services.room_update_settings(
        room=room, actor=facilitator, slow_mode_seconds=30, opens_at=None, closes_at=None
    )
    services.room_message_post(room_id=room.pk, author=member, body="first")
    with pytest.raises(SlowModeActive) as slow:
        services.room_message_post(room_id=room.pk, author=member, body="second")
    assert 0 < slow.value.details["retry_after"] <= 30
    services.room_message_post(room_id=room.pk, author=facilitator, body="moderators are not slowed")
    services.room_message_post(room_id=room.pk, author=facilitator, body="at all")
    moderator = make_member(outsider, room.community, Role.MODERATOR).user
    with pytest.raises(ModerationForbidden):
        services.room_user_mute(room=room, user=moderator, actor=facilitator, minutes=10)
    with pytest.raises(ModerationForbidden):
        services.room_user_mute(room=room, user=facilitator, actor=member, minutes=10)
    services.room_user_mute(room=room, user=member, actor=moderator, minutes=10)
    RoomMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(UserMuted):
        services.room_message_post(room_id=room.pk, author=member, body="muted")
    services.room_user_unmute(room=room, user=member, actor=moderator)
    services.room_message_post(room_id=room.pk, author=member, body="back")


def test_delete_and_pin_are_events_and_moderators_only(room, member, facilitator):
    message = services.room_message_post(room_id=room.pk, author=member, body="Pin me")
    with pytest.raises(ModerationForbidden):
        services.room_message_pin(room=room, message=message, actor=member)
    services.room_message_pin(room=room, message=message, actor=facilitator)
    services.room_message_delete(message=message, actor=facilitator)
    room.refresh_from_db()
    assert room.pinned_message is None
    events = list(StreamEvent.objects.filter(stream__key=room.stream_key).order_by("seq"))
    assert [e.kind for e in events] == ["message.created", "room.pinned", "message.deleted"]
    deleted_ops = events[2].payload["i18n"]["fr"]["ops"]
    assert deleted_ops[0]["op"] == "replace" and "Pin me" not in deleted_ops[0]["html"]
    assert deleted_ops[1] == {"op": "fill", "target": "pinned", "html": ""}


def test_message_html_is_escaped_and_links_are_marked_as_user_content(room, member):
    message = services.room_message_post(
        room_id=room.pk, author=member, body="<script>alert(1)</script> see https://www.cbd.int/km"
    )
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    assert 'rel="nofollow ugc noopener"' in message.body_html


def test_message_markdown_is_inline_only_with_the_linear_engine(room, member):
    body = "**Yes** see `code`, ~~no~~ www.cbd.int\n# not a heading\n> not a quote\n[x](javascript:alert(1))"
    html = services.room_message_post(room_id=room.pk, author=member, body=body).body_html
    assert html.startswith("<strong>Yes</strong> see <code>code</code>, <s>no</s> ")
    assert '<a href="http://www.cbd.int" rel="nofollow ugc noopener">www.cbd.int</a><br>' in html
    assert "# not a heading<br>" in html and "&gt; not a quote<br>" in html
    assert "<h" not in html and "<blockquote" not in html and "<p>" not in html
    assert html.endswith("[x](javascript:alert(1))")  # CommonMark makes no link of it: it stays text


def test_control_characters_are_removed_from_messages(room, member):
    message = services.room_message_post(room_id=room.pk, author=member, body="\x00hi\x08 there\r\nbye\x1f")
    assert message.body == "hi there\nbye"
    with pytest.raises(MessageInvalid):
        services.room_message_post(room_id=room.pk, author=member, body="\x00 \x01\r\n")


# PAGES ----


def test_room_page_reads_for_anyone_in_a_public_community_with_bounded_queries(
    client, room, member, django_assert_max_num_queries
):
    for i in range(60):
        services.room_message_post(room_id=room.pk, author=member, body=f"message {i}")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("live:room_detail", args=[room.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ">message 59<" in html and ">message 10<" in html and ">message 9<" not in html
    assert 'class="messages"' not in html  # room messages never leak into the site's flash messages
    assert f'data-live-stream="{room.stream_key}"' in html
    assert 'data-live-seq="60"' in html
    older = response.context["older"]
    response = client.get(reverse("live:room_detail", args=[room.pk]) + f"?before={older}")
    assert ">message 9<" in response.content.decode()
    assert "data-live-stream" not in response.content.decode()


def test_room_page_query_count_does_not_grow_with_messages(client, room, member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("live:room_detail", args=[room.pk])
    services.room_message_post(room_id=room.pk, author=member, body="one")
    client.get(url)  # the first request of a process caches the site root
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(80):
        services.room_message_post(room_id=room.pk, author=member, body=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_members_only_room_page_refuses_outsiders(client, private_room, outsider, member):
    url = reverse("live:room_detail", args=[private_room.pk])
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_plain_form_posts_a_message_and_broadcasts_it(
    client, room, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("live:room_post", args=[room.pk]), {"body": "Hello from a phone"})
    message = RoomMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#room-msg-{message.pk}")
    assert len(callbacks) == 1
    assert (
        client.get(reverse("live:room_detail", args=[room.pk])).content.decode().count("Hello from a phone")
        == 1
    )


def test_form_errors_are_clear_and_use_the_right_status(client, room, member, outsider, facilitator):
    url = reverse("live:room_post", args=[room.pk])
    client.force_login(outsider)
    response = client.post(url, {"body": "let me in"})
    assert response.status_code == 403
    assert "Only members of this community may write here." in response.content.decode()
    client.force_login(member)
    assert client.post(url, {"body": ""}).status_code == 400
    services.room_update_settings(
        room=room, actor=facilitator, slow_mode_seconds=60, opens_at=None, closes_at=None
    )
    assert client.post(url, {"body": "one"}).status_code == 302
    response = client.post(url, {"body": "two"})
    assert response.status_code == 429
    assert "Slow mode is on" in response.content.decode()
    response = client.post("/fr" + url[3:], {"body": "trois"})
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()
    assert RoomMessage.objects.count() == 1


def test_moderation_page_deletes_pins_and_mutes(client, room, member, facilitator):
    message = services.room_message_post(room_id=room.pk, author=member, body="Off topic")
    url = reverse("live:message_moderate", args=[room.pk, message.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "pin"}).status_code == 302
    assert client.post(url, {"action": "mute", "minutes": "60"}).status_code == 302
    assert client.post(url, {"action": "delete"}).status_code == 302
    message.refresh_from_db()
    room.refresh_from_db()
    assert message.is_deleted and room.pinned_message is None
    assert room.mutes.get(user=member).until is not None
    assert client.post(url, {"action": "explode"}).status_code == 400


def test_facilitators_open_rooms_and_export_transcripts(client, public_community, room, member, facilitator):
    services.room_message_post(room_id=room.pk, author=member, body="Hola, ¿cómo publicáis?")
    removed = services.room_message_post(room_id=room.pk, author=member, body="secret")
    services.room_message_delete(message=removed, actor=facilitator)
    transcript = reverse("live:room_transcript", args=[room.pk])
    client.force_login(member)
    assert client.get(transcript).status_code == 403
    assert (
        client.post(reverse("live:room_list", args=[public_community.pk]), {"title": "X"}).status_code == 403
    )
    client.force_login(facilitator)
    text = client.get(transcript).content.decode()
    assert "Lucía Fernández: Hola, ¿cómo publicáis?" in text
    assert "secret" not in text and "[removed by a moderator]" in text
    csv_response = client.get(transcript + "?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Hola, ¿cómo publicáis?" in csv_response.content.decode()
    response = client.post(
        reverse("live:room_list", args=[public_community.pk]),
        {"title": "Knowledge fair: session 2", "slow_mode_seconds": "10", "opens_at": "", "closes_at": ""},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("live:room_list", args=[public_community.pk]),
        {
            "title": "Bad",
            "slow_mode_seconds": "0",
            "opens_at": "2026-05-02T10:00",
            "closes_at": "2026-05-01T10:00",
        },
    )
    assert bad.status_code == 400
    assert "A room must close after it opens." in bad.content.decode()
