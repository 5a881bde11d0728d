"""seed_demo's forums and the "latest discussions" sections on the site home and community homes."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Board, Flag, Post, PostStatus, Thread
from tests.factories import UserFactory, forums_thread

pytestmark = pytest.mark.django_db


def test_seed_demo_forums_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Board.objects.count(), Thread.objects.count(), Post.objects.count(), Flag.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Board.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
        Flag.objects.count(),
    ) == counts
    assert Board.objects.filter(slug__in=["km4b-general", "help-desk"], community__isnull=True).count() == 2
    assert Board.objects.filter(community__isnull=False).count() >= 5
    answered = Thread.objects.filter(kind="question", accepted_answer__isnull=False)
    assert answered.count() >= 2
    assert Flag.objects.filter(status="open").count() >= 3
    assert Post.objects.filter(status=PostStatus.PENDING).exists()
    bodies = " ".join(Post.objects.values_list("body", flat=True))
    for sample in ("Hola", "مرحباً", "大家好", "Всем привет", "Bonjour", "Welcome"):
        assert sample in bodies


def test_home_section_lists_latest_readable_threads(client, site_home, board, people):
    forums_thread(board=board, author=people["member"], title="Mangrove restoration")
    page = client.get("/en/")
    assert "Latest discussions" in page.text and "Mangrove restoration" in page.text


def test_home_section_hidden_when_nothing_to_show(client, site_home):
    assert "Latest discussions" not in client.get("/en/").text


def test_community_section(rf, board, people):
    from cop.sections import render_sections

    forums_thread(board=board, author=people["member"], title="Seed exchange")
    request = rf.get("/")
    request.user = people["outsider"]
    sections = [
        s for s in render_sections("community", request, board.community) if "Seed exchange" in s["html"]
    ]
    assert sections and "All discussions" in sections[0]["html"]


def test_community_section_refuses_outsiders_of_private_community(rf, private_board):
    from django.contrib.auth.models import AnonymousUser

    from cop.sections import render_sections

    request = rf.get("/")
    request.user = AnonymousUser()
    sections = render_sections("community", request, private_board.community)
    assert not [s for s in sections if "Latest discussions" in s.get("html", "")]


def test_publishing_a_community_creates_its_board(django_capture_on_commit_callbacks):
    from tests.factories import events_community

    community = events_community(title="Freshly published")
    Board.objects.filter(community=community).delete()
    with django_capture_on_commit_callbacks(execute=True):
        community.save_revision().publish()
    board = Board.objects.get(community=community)
    assert board.name == "Freshly published"


def test_board_watch_page_and_thread_list_filters(client, board, people):
    from cop.models import GBFTarget

    t21 = GBFTarget.objects.get(number=21)
    forums_thread(board=board, author=people["member"], title="About data", tags=["data"], gbf_targets=[t21])
    forums_thread(board=board, author=people["member"], title="About seeds", tags=["seeds"])
    client.force_login(UserFactory())
    by_tag = client.get(board.get_absolute_url() + "?tag=data")
    assert "About data" in by_tag.text and "About seeds" not in by_tag.text
    by_target = client.get(board.get_absolute_url() + "?target=21")
    assert "About data" in by_target.text and "About seeds" not in by_target.text
    by_title = client.get(board.get_absolute_url() + "?q=seeds")
    assert "About seeds" in by_title.text and "About data" not in by_title.text


def test_sorting_and_unanswered(client, board, people):
    quiet = forums_thread(board=board, author=people["member"], title="Quiet one")
    busy = forums_thread(board=board, author=people["member"], title="Busy one")
    services.post_create(thread=busy, author=people["other_member"], body="reply")
    services.post_create(thread=quiet, author=people["other_member"], body="late reply")
    newest = forums_thread(board=board, author=people["member"], title="Newest one")
    services.post_create(thread=busy, author=people["moderator"], body="another")
    order = lambda text: sorted(  # noqa: E731
        ["Quiet one", "Busy one", "Newest one"], key=lambda title: text.index(title)
    )
    url = board.get_absolute_url()
    assert order(client.get(url).text) == ["Busy one", "Newest one", "Quiet one"]
    assert order(client.get(url + "?sort=newest").text) == ["Newest one", "Busy one", "Quiet one"]
    assert order(client.get(url + "?sort=replies").text)[0] == "Busy one"
    unanswered = client.get(url + "?sort=unanswered").text
    assert "Newest one" in unanswered and "Busy one" not in unanswered
    services.thread_moderate(thread=quiet, moderator=people["moderator"], action="pin")
    assert order(client.get(url).text)[0] == "Quiet one"
    assert newest


def test_pagination_and_permalink_to_later_page(client, board, people):
    from forums.thread_page import POSTS_PER_PAGE
    from tests.factories import forums_bulk_replies

    thread = forums_thread(board=board, author=people["member"])
    forums_bulk_replies(thread, POSTS_PER_PAGE * 2)
    target = Post.objects.get(thread=thread, number=POSTS_PER_PAGE + 3)
    response = client.get(reverse("forums:post", args=[target.pk]))
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{POSTS_PER_PAGE + 3}"
    page = client.get(f"{thread.get_absolute_url()}?page=2")
    assert f'id="post-{POSTS_PER_PAGE + 3}"' in page.text and 'id="post-1"' not in page.text
    assert 'rel="next"' in page.text and 'rel="prev"' in page.text


def test_organisers_manage_site_forums_in_the_admin(client, site_board, people):
    client.force_login(people["staff"])
    response = client.get("/admin/snippets/forums/board/")
    assert response.status_code == 200 and site_board.name in response.text
    assert client.get("/admin/snippets/forums/category/").status_code == 200
