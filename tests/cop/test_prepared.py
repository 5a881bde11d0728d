"""cop.prepared.PreparedGet gives what the plain queryset gives, compiled once."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import MultipleObjectsReturned
from django.db.models import FilteredRelation, Q
from django.test import Client

from cop import permissions
from cop.models import Membership
from cop.prepared import PreparedGet, PreparedValues
from forums import thread_page
from forums.models import Thread
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db


def _fields(obj, names):
    return {name: getattr(obj, name) for name in names}


def test_thread_with_board_and_community_as_the_orm_reads_them(django_assert_num_queries):
    board = forums_community_board(visibility="members", join_policy="approval")
    author = UserFactory()
    forums_member(author, board)
    thread = forums_thread(board=board, author=author, tags=["chm"])
    Thread.objects.filter(pk=thread.pk).update(is_locked=True, post_count=3)
    expected = thread_page._thread_for_page_queryset(thread.pk).get()
    with django_assert_num_queries(1):
        got = thread_page.thread_for_page(thread.pk)
        # Converted as the ORM converts (datetimes, booleans), related objects in place, no extra query.
        names = [f.attname for f in Thread._meta.concrete_fields]
        assert _fields(got, names) == _fields(expected, names)
        assert got.is_locked is True and got.created_at.tzinfo is not None
        assert got.board == expected.board and got.board.slug == expected.board.slug
        community = got.board.community
        assert (
            community.pk,
            community.title,
            community.visibility,
            community.join_policy,
            community.live,
        ) == (
            board.community.pk,
            board.community.title,
            "members",
            "approval",
            True,
        )
    assert got.get_deferred_fields() == expected.get_deferred_fields()
    assert thread_page.thread_for_page(thread.pk + 1000) is None


def test_membership_and_user_lookups():
    board = forums_community_board()
    user, outsider = UserFactory(), UserFactory()
    forums_member(user, board, role="moderator")
    membership = permissions.membership_of(user, board.community)
    assert membership == Membership.objects.get(user=user, community=board.community)
    assert (
        membership.role == "moderator"
        and membership.joined_at == Membership.objects.get(pk=membership.pk).joined_at
    )
    assert permissions.membership_of(outsider, board.community) is None
    from cop.auth_backends import AuthenticationBackend, ModelBackend

    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(str(user.pk)) == user and backend.get_user("nonsense") is None
        assert backend.get_user(str(user.pk + 1000)) is None
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert ModelBackend().get_user(user.pk) is None


def test_values_with_a_filtered_left_join_as_values_list_reads_them(django_assert_num_queries):
    """The live rooms' lookup: the row with the viewer's membership, or its absence, in one query."""
    board = forums_community_board()
    user, outsider = UserFactory(), UserFactory()
    forums_member(user, board, role="moderator")

    def queryset_for(user_id, community_id):
        return (
            type(board.community)
            .objects.annotate(
                viewer=FilteredRelation("memberships", condition=Q(memberships__user_id=user_id))
            )
            .filter(pk=community_id)
            .order_by()
            .values_list("id", "visibility", "viewer__id", "viewer__role", "viewer__status")
        )

    lookup = PreparedValues(queryset_for)
    for person in (user, outsider):
        expected = queryset_for(person.pk, board.community.pk).get()
        with django_assert_num_queries(1):
            assert lookup.get(person.pk, board.community.pk) == expected
    assert lookup.get(outsider.pk, board.community.pk)[2:] == (None, None, None)
    assert lookup.get(user.pk, board.community.pk)[3] == "moderator"
    assert lookup.get(user.pk, board.community.pk + 1000) is None
    with pytest.raises(ValueError, match="exactly once"):
        PreparedValues(lambda pk: Thread.objects.filter(pk=1).values_list("id")).get(1)


def test_each_thread_compiles_its_own_and_values_are_checked():
    board, author = forums_community_board(), UserFactory()
    forums_member(author, board)
    thread = forums_thread(board=board, author=author)
    results = []
    worker = threading.Thread(
        target=lambda: results.append(thread_page._thread_for_page._local.__dict__.get("state"))
    )
    thread_page.thread_for_page(thread.pk)
    worker.start()
    worker.join()
    assert results == [None]  # another thread of execution has no state of this one's
    with pytest.raises(ValueError, match="exactly once"):
        PreparedGet(lambda pk: Thread.objects.filter(pk=1)).get(1)
    with pytest.raises(ValueError):
        PreparedGet(lambda a, b: Thread.objects.filter(pk=a)).get(1, 2)


def test_signing_in_works_with_both_backends(client):
    user = UserFactory(email="someone@km4b.test")
    user.set_password("a long pass phrase 2030")
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    browser = Client()
    response = browser.post(
        "/en/accounts/login/", {"login": user.email, "password": "a long pass phrase 2030"}
    )
    assert response.status_code == 302
    assert browser.get("/en/me/").url == f"/en/people/{user.pk}/"
    client.force_login(user)
    assert client.get("/en/me/").status_code == 302 and client.get("/en/me/").url.startswith("/en/people/")


def test_several_rows_raise_rather_than_read_as_none():
    board = forums_community_board()
    author = UserFactory()
    forums_member(author, board)
    forums_thread(board=board, author=author)
    forums_thread(board=board, author=author)
    lookup = PreparedGet(lambda board_id: Thread.objects.filter(board_id=board_id))
    with pytest.raises(MultipleObjectsReturned):
        lookup.get(board.pk)
    values = PreparedValues(lambda board_id: Thread.objects.filter(board_id=board_id).values_list("id"))
    with pytest.raises(MultipleObjectsReturned):
        values.get(board.pk)
    assert sorted(values.all(board.pk)) == sorted(Thread.objects.filter(board=board).values_list("id"))
    assert values.all(board.pk + 1000) == []


def test_the_thread_pages_viewer_reads_as_the_orm_reads_them(settings, django_assert_num_queries):
    """The viewer's state and reactions on a page (forums.thread_page), compiled once, against the plain
    querysets they are compiled from."""
    from forums import services
    from forums.models import Notification, Watch

    settings.FORUMS_NEW_ACCOUNT_DAYS = 0  # brand-new accounts: no posting limit here
    board = forums_community_board()
    author, reader = UserFactory(), UserFactory()
    for person in (author, reader):
        forums_member(person, board)
    thread = forums_thread(board=board, author=author)
    replies = [services.post_create(thread=thread, author=author, body=f"Reply {n}") for n in range(3)]
    services.reaction_add(post=replies[0], user=reader, kind="like")
    services.reaction_add(post=replies[0], user=reader, kind="thanks")
    services.reaction_add(post=replies[2], user=reader, kind="like")
    services.read_mark(user=reader, thread=thread, number=2)
    Watch.objects.create(user=reader, thread=thread, active=True)
    Notification.objects.create(recipient=reader, kind="reply", thread=thread, post=replies[1])
    with django_assert_num_queries(2):
        state = thread_page.thread_viewer_state(reader, thread)
        mine = thread_page.my_reactions_on_page(reader, thread, 1)
    expected = thread_page._viewer_state_queryset(reader.pk, thread.pk, thread.pk).get()
    assert (state.last_read, state.watching, state.unread_notifications) == (2, True, 1) == expected
    assert {post_id: sorted(kinds) for post_id, kinds in mine.items()} == {
        replies[0].pk: ["like", "thanks"],
        replies[2].pk: ["like"],
    }
    assert sorted(thread_page._my_reactions_queryset(reader.pk, thread.pk, 1, 21)) == sorted(
        (post_id, kind) for post_id, kinds in mine.items() for kind in kinds
    )
    assert thread_page.my_reactions_on_page(reader, thread, 2) == {}
    assert thread_page.thread_viewer_state(author, thread).unread_notifications == 0
