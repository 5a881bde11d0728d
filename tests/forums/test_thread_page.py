"""The thread page: each post a cached fragment (forums.postlist) shared by the viewers who see it alike,
the viewer's own parts (edit and flag links, "new" marks, pressed reactions, following, the CSRF token)
right for each viewer, and a change to a post, its author or the language shown at once."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from forums import postlist, services
from forums.models import Reaction, Watch
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db


def _urls(post):
    return {
        name: reverse(f"forums:post_{name}", args=[post.pk])
        for name in ("edit", "delete", "flag", "react", "moderate", "history")
    }


def _post(page: str, number: int) -> str:
    return page.split(f'id="post-{number}"', 1)[1].split("</article>", 1)[0]


def _token(page: str) -> str:
    form = page.split(f'<form id="{postlist.FORM_ID}"', 1)[1].split("</form>", 1)[0]
    return form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


@pytest.fixture
def discussion(board, people):
    thread = forums_thread(board=board, author=people["member"], body="The first post")
    reply = services.post_create(thread=thread, author=people["other_member"], body="A reply")
    return thread, thread.posts.get(number=1), reply


def test_each_viewer_gets_their_own_controls(client, people, discussion):
    thread, first, reply = discussion
    services.reaction_add(post=reply, user=people["member"], kind="like")
    url = thread.get_absolute_url()
    pages = {}
    for who in ("member", "other_member", "moderator"):
        client.force_login(people[who])
        pages[who] = client.get(url).text
    client.logout()
    pages["anonymous"] = client.get(url).text
    first_urls, reply_urls = _urls(first), _urls(reply)

    author = pages["member"]  # wrote post 1, liked post 2
    assert first_urls["edit"] in _post(author, 1) and first_urls["flag"] not in _post(author, 1)
    assert reply_urls["edit"] not in _post(author, 2) and reply_urls["flag"] in _post(author, 2)
    assert 'name="remove" value="like"' in _post(author, 2) and 'aria-pressed="true"' in _post(author, 2)
    assert author.count('aria-pressed="true"') == 1

    other = pages["other_member"]  # wrote post 2, no reaction
    assert first_urls["edit"] not in _post(other, 1) and first_urls["flag"] in _post(other, 1)
    assert reply_urls["edit"] in _post(other, 2) and reply_urls["flag"] not in _post(other, 2)
    assert 'aria-pressed="true"' not in other and 'name="add" value="like"' in _post(other, 2)

    moderator = pages["moderator"]  # edits and moderates every post, flags others'
    for number, urls in ((1, first_urls), (2, reply_urls)):
        assert urls["edit"] in _post(moderator, number) and urls["moderate"] in _post(moderator, number)
        assert urls["flag"] in _post(moderator, number)
    assert "Moderate this thread" in moderator

    anonymous = pages["anonymous"]  # reads only: no form, no button, no token
    for urls in (first_urls, reply_urls):
        assert not any(urls[name] in anonymous for name in ("edit", "delete", "flag", "react", "moderate"))
    assert f'id="{postlist.FORM_ID}"' not in anonymous and "<button" not in anonymous.split('id="posts"')[1]
    assert "Log in to reply." in anonymous
    for page in (author, other, moderator):
        assert f'form="{postlist.FORM_ID}"' in page and len(_token(page)) >= 32
        assert "post--new" not in _post(page, 1)


def test_buttons_submit_the_pages_form_without_javascript(board, people, discussion):
    """No script: a reaction button posts the page's one form (its CSRF token) to the button's address."""
    thread, _first, reply = discussion
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["member"])
    page = browser.get(thread.get_absolute_url()).text
    button = _post(page, 2).split('name="add" value="insightful"', 1)[0].rsplit("<button", 1)[1]
    assert f'form="{postlist.FORM_ID}"' in button and f'formaction="{_urls(reply)["react"]}"' in button
    response = browser.post(_urls(reply)["react"], {"add": "insightful", "csrfmiddlewaretoken": _token(page)})
    assert response.status_code == 302
    assert Reaction.objects.filter(post=reply, user=people["member"], kind="insightful").exists()
    page = browser.get(thread.get_absolute_url()).text
    assert 'name="remove" value="insightful"' in _post(page, 2)
    response = browser.post(
        _urls(reply)["react"], {"remove": "insightful", "csrfmiddlewaretoken": _token(page)}
    )
    assert response.status_code == 302 and not Reaction.objects.filter(post=reply).exists()
    assert browser.post(_urls(reply)["react"], {"add": "like"}).status_code == 403  # no token, no reaction


def test_following_and_unread_are_the_viewers_own(client, people, discussion):
    thread, _first, _reply = discussion
    url = thread.get_absolute_url()
    newcomer = UserFactory(display_name="Nia <b>Newcomer</b>")
    forums_member(newcomer, thread.board)
    assert Watch.objects.filter(user=people["member"], thread=thread, active=True).exists()
    client.force_login(people["member"])
    mine = client.get(url).text
    client.force_login(newcomer)
    theirs = client.get(url).text
    assert "Stop following" in mine and "Follow this thread" not in mine
    assert "Follow this thread" in theirs and "Stop following" not in theirs
    assert "Nia &lt;b&gt;Newcomer&lt;/b&gt;</bdi></summary>" in theirs and "Newcomer" not in mine
    assert f'data-live-user="{newcomer.pk}"' in theirs and f'data-live-user="{people["member"].pk}"' in mine
    # Both posts are new to the newcomer (marked), and read once shown.
    assert "Jump to first unread" in theirs and theirs.count('class="badge badge--new"') == 2
    again = client.get(url).text
    assert "Jump to first unread" not in again and "badge--new" not in again and "post--new" not in again


def test_viewers_of_one_kind_share_the_fragments(client, people, discussion, monkeypatch):
    thread, _first, _reply = discussion
    third = UserFactory()
    forums_member(third, thread.board)
    rendered = []
    original = postlist.render_to_string

    def counted(name, *args, **kwargs):
        if name == "forums/includes/post.html":
            rendered.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(postlist, "render_to_string", counted)
    for who in (third, people["outsider"]):
        client.force_login(who)
        client.get(thread.get_absolute_url())  # two new posts for each: the same two fragments
    assert len(rendered) == 4  # a member and an outsider are two kinds of viewer
    client.force_login(third)
    client.get(thread.get_absolute_url())  # now read: both posts as "other" instead of "new"
    client.get(thread.get_absolute_url())
    assert len(rendered) == 6


def test_an_edit_and_a_reaction_show_at_once_and_a_new_name_with_the_next_change(client, people, discussion):
    thread, first, reply = discussion
    url = thread.get_absolute_url()
    client.force_login(people["moderator"])
    assert "A reply" in client.get(url).text
    client.logout()
    assert "A reply" in client.get(url).text
    services.post_edit(post=reply, editor=people["other_member"], body="A better reply", expected_version=1)
    page = client.get(url).text
    assert "A better reply" in page and "A reply<" not in page
    # A new name is not a change of the thread: shown with its next change (or within PAGE_POSTS_SECONDS).
    people["other_member"].display_name = "Otto Renamed"
    people["other_member"].save()
    services.reaction_add(post=first, user=people["other_member"], kind="thanks")
    page = client.get(url).text
    assert '<span class="reaction__count">1</span>' in _post(page, 1) and "Otto Renamed" in _post(page, 2)
    client.force_login(people["moderator"])
    page = client.get(url).text
    assert "A better reply" in page and _urls(reply)["history"] in _post(page, 2)
    assert "Otto Renamed" in _post(page, 2)


def test_the_language_switch_shows_the_other_language(client, people, discussion):
    thread, _first, _reply = discussion
    client.force_login(people["other_member"])
    english = client.get(thread.get_absolute_url()).text
    french = client.get(thread.get_absolute_url().replace("/en/", "/fr/", 1)).text
    assert ">Quote</a>" in english and ">Flag</a>" in english and "Citer" not in english
    assert ">Citer</a>" in french and ">Signaler</a>" in french and ">Quote</a>" not in french
    assert english.count('<article class="post') == french.count('<article class="post') == 2
    # The forms' addresses (forums_tags.forum_url, reversed once per language) follow the language too.
    with translation.override("en"):
        reply, watch = (reverse(name, args=[thread.pk]) for name in ("forums:reply", "forums:thread_watch"))
    assert f'action="{reply}"' in english and f'action="{watch}"' in english
    with translation.override("fr"):
        reply, watch = (reverse(name, args=[thread.pk]) for name in ("forums:reply", "forums:thread_watch"))
    assert reply.startswith("/fr/") and f'action="{reply}"' in french and f'action="{watch}"' in french


def test_a_waiting_post_is_shown_to_its_author_and_moderators_only(client):
    board = forums_community_board(join_policy="approval")
    owner, newcomer, other = UserFactory(), UserFactory(), UserFactory()
    forums_member(owner, board, role="facilitator")
    forums_member(newcomer, board)
    forums_member(other, board)
    thread = forums_thread(board=board, author=owner)
    client.force_login(other)
    client.get(thread.get_absolute_url())
    post = services.post_create(thread=thread, author=newcomer, body="Waiting for a moderator")
    assert post.is_pending
    assert "Waiting for a moderator" not in client.get(thread.get_absolute_url()).text
    client.force_login(newcomer)
    assert "Waiting for a moderator" in client.get(thread.get_absolute_url()).text
    client.force_login(owner)
    page = client.get(thread.get_absolute_url()).text
    assert "Waiting for a moderator" in page and 'value="approve"' in page
    services.post_edit(post=post, editor=newcomer, body="Second draft", expected_version=post.version)
    page = client.get(thread.get_absolute_url()).text
    assert "Second draft" in page and "Waiting for a moderator" not in page


def test_staff_get_their_user_bar(client, people, discussion):
    thread, _first, _reply = discussion
    client.force_login(people["staff"])
    page = client.get(thread.get_absolute_url()).text
    assert "wagtail-userbar" in page and "Sam Staff</bdi>" in page
    client.force_login(people["other_member"])
    assert "wagtail-userbar" not in client.get(thread.get_absolute_url()).text


def test_a_page_costs_the_same_few_queries_with_cached_fragments(
    client, people, discussion, django_assert_num_queries
):
    """Signed in: the user, the thread, the viewer's membership, their state in the thread (read mark,
    following, bell) in one statement and their reactions on the page. Anonymous: the thread. The session,
    the page's posts and the fragments come from the cache."""
    thread, _first, _reply = discussion
    url = thread.get_absolute_url()
    client.force_login(people["other_member"])
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    client.logout()
    client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_no_fragment_holds_a_token_or_a_viewers_name(client, people, discussion):
    thread, _first, _reply = discussion
    client.force_login(people["other_member"])
    page = client.get(thread.get_absolute_url()).text
    keys = [key.split(":", 2)[2] for key in cache._cache if "fragment:forums-post:" in key]  # locmem in tests
    fragments = list(cache.get_many(keys).values())
    assert len(fragments) == 2 and all('id="post-' in fragment for fragment in fragments)
    token = _token(page)
    assert all("csrfmiddlewaretoken" not in fragment and token not in fragment for fragment in fragments)
    assert not any("</summary>" in fragment for fragment in fragments)  # nor the header's account menu


def test_the_cached_page_posts_hold_names_not_peoples_rows(client, people, discussion):
    """The page's posts kept in the cache (thread_page.page_posts) hold their authors' public names only:
    no password hash, no e-mail address, of the authors or of a quoted post's author."""
    import pickle

    from cop.fragments import fragment_key
    from forums import thread_page
    from forums.models import Thread

    thread, first, _reply = discussion
    services.post_create(thread=thread, author=people["moderator"], body="Quoting", quoted_post=first)
    thread = thread_page.thread_for_page(thread.pk)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "In reply to #1 by <bdi>Mara Member</bdi>" in page
    thread = Thread.objects.get(pk=thread.pk)
    cached = cache.get(fragment_key("forums-page-posts", thread.pk, thread.event_seq, thread.post_count, 1))
    assert cached is not None and [post.number for post in cached.posts] == [1, 2, 3]
    raw = pickle.dumps(cached)
    for person in (people["member"], people["other_member"], people["moderator"]):
        assert person.password.encode() not in raw and person.email.encode() not in raw
        assert person.public_name.encode() in raw


def test_the_page_links_follow_the_posts_at_once(client, board, people):
    """The page links are a fragment per page and number of pages (postlist.thread_pagination_html)."""
    from tests.factories import forums_bulk_replies

    thread = forums_thread(board=board, author=people["member"])
    forums_bulk_replies(thread, 19)
    assert 'class="pagination"' not in client.get(thread.get_absolute_url()).content.decode()
    services.post_create(thread=thread, author=people["other_member"], body="The twenty-first post")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert page.count('class="pagination"') == 2 and 'href="?page=2"' in page
    page = client.get(f"{thread.get_absolute_url()}?page=2").content.decode()
    assert 'rel="prev" href="?page=1"' in page and 'rel="next"' not in page
