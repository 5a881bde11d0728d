"""End-to-end flows through the pages (the HTML forms a user without JavaScript submits)."""

import re

import pytest
from django.urls import reverse

from forums import services
from forums.models import Post, PostRevision, Reaction, Thread, ThreadEvent, Watch
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db


def test_index_lists_site_and_community_boards(client, site_board, board):
    response = client.get(reverse("forums:index"))
    assert response.status_code == 200
    assert site_board.name in response.text
    assert board.name in response.text


def test_member_starts_thread_with_tags_and_targets(client, board, people):
    from cop.models import GBFTarget

    client.force_login(people["member"])
    targets = list(GBFTarget.objects.filter(number__in=[20, 21]).values_list("pk", flat=True))
    response = client.post(
        reverse("forums:thread_create", args=[board.slug]),
        {
            "title": "Sharing CHM content across languages",
            "kind": "question",
            "body": "How do you *translate* your CHM?",
            "tags": "chm, translation",
            "gbf_targets": targets,
            "attachments-TOTAL_FORMS": "2",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert thread.is_question
    assert sorted(thread.tags.names()) == ["chm", "translation"]
    assert sorted(thread.gbf_targets.values_list("number", flat=True)) == [20, 21]
    first = thread.posts.get()
    assert first.number == 1 and "<em>translate</em>" in first.html
    assert Watch.objects.filter(user=people["member"], thread=thread, active=True).exists()
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert "<em>translate</em>" in page.text


def test_reply_with_markdown_is_rendered_and_permalinked(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    response = client.post(
        reverse("forums:reply", args=[thread.pk]),
        {
            "body": "I agree with **bold** and a [link](https://cbd.int)",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    post = Post.objects.get(thread=thread, number=2)
    assert response.status_code == 302
    assert response["Location"].endswith("#post-2")
    page = client.get(thread.get_absolute_url())
    assert "<strong>bold</strong>" in page.text
    assert 'rel="nofollow ugc noopener"' in page.text
    permalink = client.get(reverse("forums:post", args=[post.pk]))
    assert permalink.status_code == 302 and permalink["Location"] == f"{thread.get_absolute_url()}#post-2"
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_poster_id == people["other_member"].pk
    assert list(ThreadEvent.objects.filter(thread=thread).values_list("seq", "kind")) == [
        (1, "thread_created"),
        (2, "post_created"),
    ]


def test_quote_reply_form_prefills_and_links_the_quoted_post(client, board, people):
    thread = forums_thread(board=board, author=people["member"], body="Original *idea*")
    first = thread.posts.get()
    client.force_login(people["other_member"])
    form = client.get(reverse("forums:reply_form", args=[thread.pk]) + f"?quote={first.pk}")
    assert form.status_code == 200
    assert "&gt; Original *idea*" in form.text
    client.post(
        reverse("forums:reply", args=[thread.pk]),
        {
            "body": "> Original\n\nYes!",
            "quote": first.pk,
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    reply = Post.objects.get(thread=thread, number=2)
    assert reply.quoted_post_id == first.pk
    page = client.get(thread.get_absolute_url())
    assert "In reply to #1" in page.text


def test_edit_keeps_history_for_moderators(client, board, people):
    thread = forums_thread(board=board, author=people["member"], body="First version")
    post = thread.posts.get()
    client.force_login(people["member"])
    response = client.post(
        reverse("forums:post_edit", args=[post.pk]),
        {"title": "A better title", "body": "Second version", "version": 1},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.version == 2 and post.html == "<p>Second version</p>" and thread.title == "A better title"
    assert PostRevision.objects.get(post=post).body == "First version"
    assert client.get(reverse("forums:post_history", args=[post.pk])).status_code == 403
    client.force_login(people["moderator"])
    history = client.get(reverse("forums:post_history", args=[post.pk]))
    assert history.status_code == 200 and "First version" in history.text


def test_author_changes_tags_targets_and_category_after_posting(client, board, people):
    from cop.models import GBFTarget
    from forums.models import Category

    methods, policy = (Category.objects.create(board=board, name=n) for n in ("Methods", "Policy"))
    t20, t21 = GBFTarget.objects.filter(number__in=[20, 21]).order_by("number")
    thread = forums_thread(
        board=board, author=people["member"], tags=["chm"], gbf_targets=[t20], category=methods
    )
    post = thread.posts.get()
    url = reverse("forums:post_edit", args=[post.pk])
    client.force_login(people["member"])
    client.get(thread.get_absolute_url())  # the page is cached: the change must show at once
    form = client.get(url).text
    assert 'name="tags" value="chm"' in form and 'name="category"' in form
    assert re.search(rf'value="{t20.pk}" id="[^"]+" checked', form)
    data = {"title": thread.title, "body": post.body, "version": 1, "category": policy.pk}
    response = client.post(url, {**data, "tags": "translation, glossary", "gbf_targets": [t21.pk]})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert sorted(thread.tags.names()) == ["glossary", "translation"] and thread.category == policy
    assert list(thread.gbf_targets.all()) == [t21]
    page = client.get(thread.get_absolute_url()).text
    assert "?tag=glossary" in page and "?tag=chm" not in page and f"?target={t21.number}" in page
    board_url = board.get_absolute_url()
    assert thread.title in client.get(board_url + "?tag=glossary").text
    assert thread.title not in client.get(board_url + "?tag=chm").text
    # Clearing them is an edit too; a reply's edit form has none of the thread's details.
    client.post(url, {**data, "version": 2, "category": "", "tags": ""})
    thread.refresh_from_db()
    assert not thread.tags.exists() and not thread.gbf_targets.exists() and thread.category is None
    reply = services.post_create(thread=thread, author=people["member"], body="A reply")
    reply_form = client.get(reverse("forums:post_edit", args=[reply.pk])).text
    assert 'name="tags"' not in reply_form and 'name="title"' not in reply_form


def test_thread_details_refused_from_another_board_or_someone_else(client, board, people):
    from forums.exceptions import ForumError
    from forums.models import Category
    from tests.factories import forums_community_board

    Category.objects.create(board=board, name="Methods")
    elsewhere = Category.objects.create(board=forums_community_board(), name="Elsewhere")
    thread = forums_thread(board=board, author=people["member"], tags=["chm"])
    post = thread.posts.get()
    with pytest.raises(ForumError):
        services.post_edit(
            post=post, editor=people["member"], body="x", expected_version=1, category=elsewhere
        )
    url = reverse("forums:post_edit", args=[post.pk])
    data = {"title": thread.title, "body": "x", "version": 1, "tags": "spam"}
    client.force_login(people["member"])
    assert client.post(url, {**data, "category": elsewhere.pk}).status_code == 400
    client.force_login(people["other_member"])
    assert client.post(url, data).status_code == 403
    assert list(thread.tags.names()) == ["chm"] and Post.objects.get(pk=post.pk).version == 1


def test_delete_is_soft_and_keeps_structure(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": "Oops, wrong thread", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"},
    )
    reply = Post.objects.get(thread=thread, number=2)
    assert client.get(reverse("forums:post_delete", args=[reply.pk])).status_code == 200
    response = client.post(reverse("forums:post_delete", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_deleted and reply.body == "Oops, wrong thread"
    page = client.get(thread.get_absolute_url())
    assert "Post removed." in page.text and "Oops, wrong thread" not in page.text
    assert 'id="post-2"' in page.text


def test_reactions_add_remove_and_twice_is_409(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    client.force_login(people["other_member"])
    url = reverse("forums:post_react", args=[post.pk])
    assert client.post(url, {"kind": "thanks"}).status_code == 302
    again = client.post(url, {"kind": "thanks"})
    assert again.status_code == 409
    assert "already reacted" in again.text
    post.refresh_from_db()
    assert post.reaction_counts == {"thanks": 1}
    assert client.post(url, {"kind": "thanks", "op": "remove"}).status_code == 302
    assert not Reaction.objects.exists()
    post.refresh_from_db()
    assert post.reaction_counts == {}
    assert client.post(url, {"kind": "lol"}).status_code == 400


def test_question_accepted_answer_by_author_and_not_by_others(client, board, people):
    thread = forums_thread(board=board, author=people["member"], kind="question")
    client.force_login(people["other_member"])
    client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": "Use the CHM toolkit.", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"},
    )
    answer = Post.objects.get(thread=thread, number=2)
    assert client.post(reverse("forums:post_accept", args=[answer.pk])).status_code == 403
    client.force_login(people["member"])
    assert client.post(reverse("forums:post_accept", args=[answer.pk])).status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_answer_id == answer.pk
    page = client.get(thread.get_absolute_url())
    assert "Accepted answer" in page.text
    listing = client.get(board.get_absolute_url())
    assert "Answered" in listing.text


def test_watch_and_unwatch_board_thread_tag(client, board, people):
    thread = forums_thread(board=board, author=people["member"], tags=["youth"])
    client.force_login(people["other_member"])
    client.post(reverse("forums:board_watch", args=[board.slug]), {"active": "1"})
    client.post(reverse("forums:thread_watch", args=[thread.pk]), {"active": "1"})
    client.post(reverse("forums:tag_watch", args=["youth"]), {"active": "1"})
    assert Watch.objects.filter(user=people["other_member"], active=True).count() == 3
    client.post(reverse("forums:thread_watch", args=[thread.pk]), {"active": "0"})
    assert Watch.objects.get(user=people["other_member"], thread=thread).active is False
