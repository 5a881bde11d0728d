"""Moderation: thread and post actions, flags and their queue, warnings, bans, approval, audit log."""

import pytest
from django.urls import reverse

from cop.models import Membership, MembershipStatus
from forums import services
from forums.exceptions import NotAllowed
from forums.models import Flag, FlagStatus, ModerationLog, Notification, Post, PostingBan, PostStatus, Thread
from tests.factories import BoardFactory, UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db

NO_FILES = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("pin", "is_pinned", True),
        ("lock", "is_locked", True),
        ("close", "is_closed", True),
        ("hide", "is_hidden", True),
    ],
)
@pytest.mark.parametrize("role", ["moderator", "facilitator", "staff"])
def test_thread_actions_and_their_undo_are_logged(client, board, people, role, action, field, value):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people[role])
    url = reverse("forums:thread_moderate", args=[thread.pk])
    response = client.post(url, {"action": action, "reason": "Spring cleaning"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert getattr(thread, field) is value
    entry = ModerationLog.objects.get()
    assert (entry.actor, entry.action, entry.thread, entry.reason) == (
        people[role],
        action if action != "hide" else "hide_thread",
        thread,
        "Spring cleaning",
    )
    undo = {"pin": "unpin", "lock": "unlock", "close": "reopen", "hide": "unhide"}[action]
    assert client.post(url, {"action": undo}).status_code == 302
    thread.refresh_from_db()
    assert getattr(thread, field) is not value
    assert ModerationLog.objects.count() == 2
    assert client.post(url, {"action": undo}).status_code == 409  # nothing to undo twice


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_moderator"])
def test_thread_actions_refused_to_non_moderators(client, board, people, who):
    thread = forums_thread(board=board, author=people["member"])
    if who == "other_moderator":
        other_board = forums_community_board(title="Youth")
        mod = UserFactory()
        forums_member(mod, other_board, role="moderator")
        client.force_login(mod)
    elif who != "anonymous":
        client.force_login(people[who])
    response = client.post(reverse("forums:thread_moderate", args=[thread.pk]), {"action": "lock"})
    assert response.status_code in (302, 403) if who == "anonymous" else response.status_code == 403
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    thread.refresh_from_db()
    assert not thread.is_locked and not ModerationLog.objects.exists()


def test_hidden_thread_is_404_for_members_but_visible_to_moderators(client, board, people):
    thread = forums_thread(board=board, author=people["member"], title="Hidden topic")
    services.thread_moderate(thread=thread, moderator=people["moderator"], action="hide_thread")
    client.force_login(people["other_member"])
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert "Hidden topic" not in client.get(board.get_absolute_url()).text
    client.force_login(people["moderator"])
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert "Hidden topic" in client.get(board.get_absolute_url()).text


def test_move_thread_between_moderated_boards(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    target = forums_community_board(title="Youth")
    client.force_login(people["moderator"])
    form = client.get(reverse("forums:thread_move", args=[thread.pk]))
    assert form.status_code == 200 and "You moderate no other board" in form.text
    forums_member(people["moderator"], target, role="moderator")
    response = client.post(
        reverse("forums:thread_move", args=[thread.pk]), {"board": target.pk, "reason": "Better fit"}
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.board == target
    assert ModerationLog.objects.filter(action="move").count() == 2  # in both boards' logs


def test_move_to_unmoderated_board_is_refused(board, people):
    thread = forums_thread(board=board, author=people["member"])
    other = forums_community_board(title="Elsewhere")
    from forums.exceptions import InvalidMove

    with pytest.raises(InvalidMove):
        services.thread_move(thread=thread, moderator=people["moderator"], board=other)


def test_hide_and_unhide_post(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = services.post_create(thread=thread, author=people["other_member"], body="Buy cheap watches")
    client.force_login(people["moderator"])
    assert client.post(reverse("forums:post_moderate", args=[post.pk]), {"action": "hide"}).status_code == 302
    post.refresh_from_db()
    assert post.is_hidden
    thread.refresh_from_db()
    assert thread.reply_count == 0
    page = client.get(thread.get_absolute_url())
    assert "Buy cheap watches" in page.text and "Hidden from members" in page.text
    client.force_login(people["member"])
    page = client.get(thread.get_absolute_url())
    assert "Buy cheap watches" not in page.text and "hidden by a moderator" in page.text
    assert (
        client.post(reverse("forums:post_moderate", args=[post.pk]), {"action": "unhide"}).status_code == 403
    )
    client.force_login(people["moderator"])
    client.post(reverse("forums:post_moderate", args=[post.pk]), {"action": "unhide"})
    post.refresh_from_db()
    assert not post.is_hidden
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide_post",
        "unhide_post",
    ]


def test_flag_queue_keep_hide_delete(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    posts = [
        services.post_create(thread=thread, author=people["other_member"], body=f"Reply {i}")
        for i in range(3)
    ]
    client.force_login(people["member"])
    for post in posts:
        response = client.post(
            reverse("forums:post_flag", args=[post.pk]), {"reason": "spam", "details": "ads"}
        )
        assert response.status_code == 302
    client.force_login(people["moderator"])
    queue = client.get(reverse("forums:board_queue", args=[board.slug]))
    assert queue.status_code == 200
    assert queue.text.count("Spam or advertising") == 3
    for post, decision in zip(posts, ["keep", "hide", "delete"], strict=True):
        flag = Flag.objects.get(post=post)
        response = client.post(reverse("forums:flag_resolve", args=[flag.pk]), {"decision": decision})
        assert response.status_code == 302
        flag.refresh_from_db()
        assert (
            flag.status
            == {"keep": FlagStatus.KEPT, "hide": FlagStatus.HIDDEN, "delete": FlagStatus.DELETED}[decision]
        )
        assert flag.resolved_by == people["moderator"]
    kept, hidden, deleted = (Post.objects.get(pk=p.pk) for p in posts)
    assert kept.is_visible_to_all and hidden.is_hidden and deleted.is_deleted
    assert set(ModerationLog.objects.values_list("action", flat=True)) == {
        "keep_flag",
        "hide_post",
        "delete_post",
    }
    assert "No open flags." in client.get(reverse("forums:board_queue", args=[board.slug])).text
    again = client.post(reverse("forums:flag_resolve", args=[Flag.objects.first().pk]), {"decision": "keep"})
    assert again.status_code == 409


def test_flag_twice_is_409_and_own_post_cannot_be_flagged(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    client.force_login(people["other_member"])
    assert client.get(reverse("forums:post_flag", args=[post.pk])).status_code == 200
    assert (
        client.post(reverse("forums:post_flag", args=[post.pk]), {"reason": "off_topic"}).status_code == 302
    )
    again = client.post(reverse("forums:post_flag", args=[post.pk]), {"reason": "off_topic"})
    assert again.status_code == 409 and "already flagged" in again.text
    assert client.post(reverse("forums:post_flag", args=[post.pk]), {}).status_code == 400
    client.force_login(people["member"])
    assert client.get(reverse("forums:post_flag", args=[post.pk])).status_code == 403
    assert Flag.objects.count() == 1


def test_queue_access(client, board, people):
    url = reverse("forums:board_queue", args=[board.slug])
    for who, status in [
        ("member", 403),
        ("outsider", 403),
        ("moderator", 200),
        ("facilitator", 200),
        ("staff", 200),
    ]:
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    client.force_login(people["moderator"])
    assert client.get(reverse("forums:global_queue")).status_code == 403
    client.force_login(people["staff"])
    assert client.get(reverse("forums:global_queue")).status_code == 200


def test_global_queue_shows_flags_of_every_board(client, board, site_board, people):
    for b in (board, site_board):
        thread = forums_thread(board=b, author=people["member"], title=f"Thread on {b.name}")
        services.flag_create(post=thread.posts.get(), reporter=people["other_member"], reason="abuse")
    client.force_login(people["staff"])
    queue = client.get(reverse("forums:global_queue"))
    assert f"Thread on {board.name}" in queue.text and f"Thread on {site_board.name}" in queue.text
    client.force_login(people["moderator"])
    own = client.get(reverse("forums:board_queue", args=[board.slug]))
    assert f"Thread on {site_board.name}" not in own.text


def test_warn_author_from_the_queue(client, board, people):
    thread = forums_thread(board=board, author=people["other_member"])
    flag = services.flag_create(post=thread.posts.get(), reporter=people["member"], reason="abuse")
    client.force_login(people["moderator"])
    client.post(
        reverse("forums:flag_resolve", args=[flag.pk]),
        {"decision": "hide", "warn_message": "Please keep it civil."},
    )
    warning = Notification.objects.get(recipient=people["other_member"], kind="warning")
    assert warning.message == "Please keep it civil."
    assert ModerationLog.objects.filter(action="warn", target_user=people["other_member"]).exists()


def test_ban_author_through_the_community_membership(client, board, people):
    thread = forums_thread(board=board, author=people["other_member"])
    flag = services.flag_create(post=thread.posts.get(), reporter=people["member"], reason="spam")
    client.force_login(people["facilitator"])
    response = client.post(
        reverse("forums:flag_resolve", args=[flag.pk]),
        {"decision": "delete", "ban": "on", "reason": "Spam bot"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=people["other_member"], community=board.community)
    assert membership.status == MembershipStatus.BANNED
    assert ModerationLog.objects.filter(action="ban", target_user=people["other_member"]).exists()
    client.force_login(people["other_member"])
    refused = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "I'm back", **NO_FILES})
    assert refused.status_code in (403, 404)
    assert not Post.objects.filter(body="I'm back").exists()


def test_moderator_bans_a_plain_member_from_the_queue(client, board, people):
    thread = forums_thread(board=board, author=people["other_member"])
    flag = services.flag_create(post=thread.posts.get(), reporter=people["member"], reason="spam")
    client.force_login(people["moderator"])
    response = client.post(
        reverse("forums:flag_resolve", args=[flag.pk]), {"decision": "hide", "ban": "on", "reason": "Spam"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=people["other_member"], community=board.community)
    assert membership.status == MembershipStatus.BANNED


def test_moderator_cannot_ban_a_facilitator(client, board, people):
    thread = forums_thread(board=board, author=people["facilitator"])
    flag = services.flag_create(post=thread.posts.get(), reporter=people["member"], reason="spam")
    client.force_login(people["moderator"])
    response = client.post(reverse("forums:flag_resolve", args=[flag.pk]), {"decision": "hide", "ban": "on"})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN  # the whole decision was undone, nothing half-saved
    assert not Post.objects.get(pk=flag.post_id).is_hidden


def test_site_forum_ban_by_staff(board, people):
    site = BoardFactory()
    thread = forums_thread(board=site, author=people["other_member"])
    services.user_ban(moderator=people["staff"], board=site, user=people["other_member"], reason="Spam")
    assert PostingBan.objects.filter(board=site, user=people["other_member"]).exists()
    fresh = type(people["other_member"]).objects.get(pk=people["other_member"].pk)
    with pytest.raises(NotAllowed):
        services.post_create(thread=thread, author=fresh, body="again")


def test_approval_community_first_posts_wait(client, people, settings):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 1
    board = forums_community_board(join_policy="approval", title="Indigenous knowledge")
    newcomer, moderator = UserFactory(display_name="Newcomer"), UserFactory()
    forums_member(newcomer, board)
    forums_member(moderator, board, role="moderator")
    client.force_login(newcomer)
    client.post(
        reverse("forums:thread_create", args=[board.slug]),
        {"title": "Hello from the Andes", "kind": "discussion", "body": "Greetings", **NO_FILES},
    )
    thread = Thread.objects.get()
    assert thread.status == PostStatus.PENDING
    assert client.get(thread.get_absolute_url()).status_code == 200  # the author sees it, marked as waiting
    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert "Hello from the Andes" not in client.get(board.get_absolute_url()).text
    client.force_login(moderator)
    queue = client.get(reverse("forums:board_queue", args=[board.slug]))
    assert "Hello from the Andes" in queue.text
    first = thread.posts.get()
    assert (
        client.post(reverse("forums:post_moderate", args=[first.pk]), {"action": "approve"}).status_code
        == 302
    )
    thread.refresh_from_db()
    assert thread.status == PostStatus.PUBLISHED
    assert Notification.objects.filter(recipient=newcomer, kind="approved").exists()
    assert ModerationLog.objects.filter(action="approve_post").exists()
    # After the first approved post, the newcomer posts freely.
    reply = services.post_create(thread=thread, author=newcomer, body="Thanks!")
    assert reply.status == PostStatus.PUBLISHED


def test_reject_pending_post(people, settings):
    board = forums_community_board(join_policy="approval")
    newcomer, moderator = UserFactory(), UserFactory()
    forums_member(newcomer, board)
    forums_member(moderator, board, role="moderator")
    owner = UserFactory()
    forums_member(owner, board, role="facilitator")
    thread = forums_thread(board=board, author=owner)
    post = services.post_create(thread=thread, author=newcomer, body="Spam link")
    assert post.is_pending
    services.post_reject(post=post, moderator=moderator, reason="Spam")
    post.refresh_from_db()
    assert post.is_deleted
    assert ModerationLog.objects.filter(action="reject_post").exists()


def test_moderator_edit_of_someone_elses_post_is_logged(board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    services.post_edit(
        post=post, editor=people["moderator"], body="Removed a phone number", expected_version=1
    )
    assert ModerationLog.objects.get().action == "edit_post"


def test_moderator_replies_to_locked_thread(board, people):
    thread = forums_thread(board=board, author=people["member"])
    services.thread_moderate(thread=thread, moderator=people["moderator"], action="lock")
    post = services.post_create(thread=thread, author=people["moderator"], body="Locked: see the new thread.")
    assert post.number == 2
