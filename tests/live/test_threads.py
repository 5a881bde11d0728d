"""Live forum threads: replies made through the plain HTML form, edits, hides and reactions reach every
viewer allowed to see them, in order, rendered with the forums' own post partial."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from forums import postlist
from forums import services as forum_services
from forums.models import ModerationAction, Post, PostStatus
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

from .conftest import communicator, events_within, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _forum_settings(settings):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 0


@pytest.fixture
def people(site_home):
    board = forums_community_board(title="National clearing-house mechanisms")
    private_board = forums_community_board(visibility="members", title="Traditional knowledge")
    people = {
        "author": UserFactory(display_name="Tupac Mamani"),
        "replier": UserFactory(display_name="Layla Hassan"),
        "moderator": UserFactory(display_name="Priya Raman"),
        "outsider": UserFactory(display_name="Olga Smirnova"),
    }
    for b in (board, private_board):
        forums_member(people["author"], b)
        forums_member(people["replier"], b)
        forums_member(people["moderator"], b, role="moderator")
    people["thread"] = forums_thread(board=board, author=people["author"], title="Updating a national CHM")
    people["private_thread"] = forums_thread(
        board=private_board, author=people["author"], title="Community protocols"
    )
    return people


def reply_by_form(user, thread, body):
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": body, "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content[:500]
    return Post.objects.filter(thread=thread).order_by("-number").first()


async def event_of(ws, kind):
    while True:
        frame, _ = await receive_until(ws, "event")
        if frame["kind"] == kind:
            return frame


async def test_reply_posted_through_the_html_form_appears_live_as_on_reload(people):
    thread = people["thread"]
    ws = communicator(f"/ws/live/?streams=thread:{thread.pk}:{thread.event_seq}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    post = await database_sync_to_async(reply_by_form)(people["replier"], thread, "We publish **quarterly**.")
    event = await event_of(ws, "post_created")
    op = event["data"]["ops"][0]
    assert (op["op"], op["target"], op["id"]) == ("append", "posts", f"post-{post.number}")
    assert "<strong>quarterly</strong>" in op["html"]
    assert "Layla Hassan" in op["html"]
    assert event["data"]["announce"] == "New reply from Layla Hassan."

    def reloaded_page():
        return Client().get(thread.get_absolute_url()).content.decode()

    page = await database_sync_to_async(reloaded_page)()
    assert f'id="post-{post.number}"' in page
    # The live fragment is the very markup of the reloaded page (an anonymous reader's view).
    fragment_start = op["html"].strip().split("\n")[0]
    assert fragment_start in page
    await ws.disconnect()


async def test_hide_edit_and_reaction_reach_viewers_in_order(people):
    thread = people["thread"]
    reply = await database_sync_to_async(forum_services.post_create)(
        thread=thread, author=people["replier"], body="First version"
    )
    moderator_ws = communicator(
        f"/ws/live/?streams=thread:{thread.pk}",
        session=await database_sync_to_async(session_cookie)(people["moderator"]),
    )
    reader_ws = communicator(f"/ws/live/?streams=thread:{thread.pk}")
    for ws in (moderator_ws, reader_ws):
        assert (await ws.connect())[0]
        await receive_until(ws, "subscribed")

    # Each change is rendered when delivered, from the current state: wait for each before the next.
    await database_sync_to_async(forum_services.post_edit)(
        post=reply, editor=people["replier"], body="Second version", expected_version=reply.version
    )
    edited = await event_of(reader_ws, "post_edited")
    assert "Second version" in edited["data"]["ops"][0]["html"]
    await database_sync_to_async(forum_services.reaction_add)(post=reply, user=people["author"], kind="like")
    reacted = await event_of(reader_ws, "reaction_changed")
    assert '<span class="reaction__count">1</span>' in reacted["data"]["ops"][0]["html"]
    await database_sync_to_async(forum_services.post_set_hidden)(
        post=reply, moderator=people["moderator"], hidden=True, reason="off topic"
    )
    hidden = await event_of(reader_ws, "post_hidden")
    assert edited["seq"] < reacted["seq"] < hidden["seq"]
    reader_events = [edited, reacted, hidden]
    hidden_for_reader = reader_events[2]["data"]["ops"][0]["html"]
    assert "This post was hidden by a moderator." in hidden_for_reader
    assert "Second version" not in hidden_for_reader
    hidden_for_moderator = (await event_of(moderator_ws, "post_hidden"))["data"]["ops"][0]["html"]
    assert "Second version" in hidden_for_moderator and "Unhide" in hidden_for_moderator
    for ws in (moderator_ws, reader_ws):
        await ws.disconnect()


async def test_pending_posts_reach_only_their_author_and_moderators(people, settings):
    thread = people["thread"]
    ws = communicator(f"/ws/live/?streams=thread:{thread.pk}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")

    def pending_reply():
        from django.db import transaction

        with transaction.atomic():  # as a first post in an approval community: it waits for a moderator
            post = forum_services.post_create(thread=thread, author=people["replier"], body="Waiting")
            Post.objects.filter(pk=post.pk).update(status=PostStatus.PENDING)

    await database_sync_to_async(pending_reply)()
    created = await event_of(ws, "post_created")
    assert created["data"] == {}  # the seq is consumed, nothing shown
    author = communicator(
        f"/ws/live/?streams=thread:{thread.pk}:{created['seq'] - 1}",
        session=await database_sync_to_async(session_cookie)(people["replier"]),
    )
    assert (await author.connect())[0]
    mine = await event_of(author, "post_created")
    assert "Waiting" in mine["data"]["ops"][0]["html"]
    await author.disconnect()
    await ws.disconnect()


async def test_thread_catch_up_after_reconnect(people):
    thread = people["thread"]
    seq = thread.event_seq
    for text in ("one", "two", "three"):
        await database_sync_to_async(forum_services.post_create)(
            thread=thread, author=people["replier"], body=text
        )
    ws = communicator(f"/ws/live/?streams=thread:{thread.pk}:{seq}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    caught_up = [(await receive_until(ws, "event"))[0] for _ in range(3)]
    assert [e["seq"] for e in caught_up] == [seq + 1, seq + 2, seq + 3]
    assert ["three" in caught_up[2]["data"]["ops"][0]["html"]] == [True]
    assert await events_within(ws) == []
    await ws.disconnect()


async def test_members_only_thread_refuses_outsiders_and_a_hidden_thread_is_revoked(people):
    private = people["private_thread"]
    outsider = communicator(
        f"/ws/live/?streams=thread:{private.pk}",
        session=await database_sync_to_async(session_cookie)(people["outsider"]),
    )
    assert (await outsider.connect()) == (False, 4403)

    member = communicator(
        f"/ws/live/?streams=thread:{private.pk}",
        session=await database_sync_to_async(session_cookie)(people["replier"]),
    )
    assert (await member.connect())[0]
    await receive_until(member, "subscribed")
    await database_sync_to_async(forum_services.thread_moderate)(
        thread=private, moderator=people["moderator"], action=ModerationAction.HIDE_THREAD
    )
    revoked, _ = await receive_until(member, "revoked")
    assert revoked["stream"] == f"thread:{private.pk}"
    await member.disconnect()


async def test_typing_and_viewers_on_a_thread(people):
    thread = people["thread"]
    reader = communicator(f"/ws/live/?streams=thread:{thread.pk}")
    writer = communicator(
        f"/ws/live/?streams=thread:{thread.pk}",
        session=await database_sync_to_async(session_cookie)(people["replier"]),
    )
    assert (await reader.connect())[0]
    _subscribed, before = await receive_until(reader, "subscribed")
    assert (await writer.connect())[0]
    await receive_until(writer, "subscribed")
    await writer.send_json_to({"type": "typing", "stream": f"thread:{thread.pk}"})
    typing, seen = await receive_until(reader, "typing")
    assert typing["name"] == "Layla Hassan"
    frames = before + seen
    while not any(frame["type"] == "presence" and frame["count"] == 2 for frame in frames):
        frames.append((await receive_until(reader, "presence"))[0])
    await writer.disconnect()
    await reader.disconnect()


async def test_a_removed_post_is_replaced_by_its_placeholder_live(people):
    thread = people["thread"]
    reply = await database_sync_to_async(forum_services.post_create)(
        thread=thread, author=people["replier"], body="I posted this by mistake"
    )
    ws = communicator(f"/ws/live/?streams=thread:{thread.pk}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await database_sync_to_async(forum_services.post_delete)(post=reply, actor=people["replier"])
    removed = await event_of(ws, "post_deleted")
    op = removed["data"]["ops"][0]
    assert (op["op"], op["id"]) == ("replace", f"post-{reply.number}")
    assert "Post removed." in op["html"] and "by mistake" not in op["html"]
    await ws.disconnect()


async def test_a_reply_is_rendered_once_per_kind_of_viewer_and_language(people, monkeypatch):
    """Eight sockets, two kinds of viewer (anonymous, member) in two languages: four renderings, and each
    viewer of one kind and language gets the very same frame; personal controls are left to the page."""
    from forums.live.threads import ThreadStream

    thread, replier = people["thread"], people["replier"]

    def more_members():
        members = {"en": [replier], "fr": []}
        for language, name in (("en", "Aroha Ngata"), ("fr", "Claire Dubois"), ("fr", "Moussa Traoré")):
            user = UserFactory(display_name=name, preferred_language=language)
            forums_member(user, thread.board)
            members[language].append(user)
        return {language: [session_cookie(user) for user in users] for language, users in members.items()}

    sessions = await database_sync_to_async(more_members)()
    sockets = {}  # (kind, language) -> sockets
    for language in ("en", "fr"):
        for _n in range(2):
            sockets.setdefault(("anonymous", language), []).append(
                communicator(f"/ws/live/?streams=thread:{thread.pk}&lang={language}")
            )
        for session in sessions[language]:
            sockets.setdefault(("member", language), []).append(
                communicator(f"/ws/live/?streams=thread:{thread.pk}", session=session)
            )
    every_socket = [ws for group in sockets.values() for ws in group]
    assert len(every_socket) == 8
    for ws in every_socket:
        assert (await ws.connect())[0]
        await receive_until(ws, "subscribed")

    renders = []
    real_render = ThreadStream._render

    def counted_render(self, object_id, event, user):
        renders.append(event["seq"])
        return real_render(self, object_id, event, user)

    monkeypatch.setattr(ThreadStream, "_render", counted_render)
    post = await database_sync_to_async(forum_services.post_create)(
        thread=thread, author=replier, body="We publish **quarterly**."
    )
    frames = {
        group: [await event_of(ws, "post_created") for ws in group_sockets]
        for group, group_sockets in sockets.items()
    }
    assert len(renders) == 4

    for group, received in frames.items():
        assert all(frame == received[0] for frame in received), group  # the replier's own socket too
    announces = {group: received[0]["data"]["announce"] for group, received in frames.items()}
    assert announces[("member", "en")] == announces[("anonymous", "en")] == "New reply from Layla Hassan."
    assert (
        announces[("member", "fr")] == announces[("anonymous", "fr")] == "Nouvelle réponse de Layla Hassan."
    )

    member_html = frames[("member", "en")][0]["data"]["ops"][0]["html"]
    anonymous_html = frames[("anonymous", "en")][0]["data"]["ops"][0]["html"]
    # Members' fragment: the author's controls and everyone else's (flag, "new") for the page to keep.
    own = member_html.split(f'<template data-live-own="{replier.pk}">', 1)[1].split("</template>", 1)[0]
    assert reverse("forums:post_edit", args=[post.pk]) in own
    other = member_html.split(f'<template data-live-other="{replier.pk}">')[1:]
    assert any(reverse("forums:post_flag", args=[post.pk]) in part for part in other)
    # No token in a fragment: the post's buttons submit the page's own form, which holds the viewer's.
    assert "csrfmiddlewaretoken" not in member_html and f'form="{postlist.FORM_ID}"' in member_html
    assert frames[("member", "en")][0]["data"]["ops"][0]["new"] is True
    # Anonymous readers get no controls at all.
    assert "data-live-own" not in anonymous_html and "data-live-other" not in anonymous_html
    assert "<button" not in anonymous_html and "csrfmiddlewaretoken" not in anonymous_html
    for ws in every_socket:
        await ws.disconnect()
