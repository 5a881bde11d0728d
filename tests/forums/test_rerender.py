"""Stored posts rendered again when the Markdown engine changes: by `manage.py rerender_markdown` and by
the data migration that calls the same function; cached thread pages follow."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from forums import services
from forums.models import Post, PostRevision, Thread, ThreadEvent
from forums.rendering import render_markdown
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db

OLD_HTML = "<p>Rendered by the old engine</p>"


def _stale(*posts):
    """Posts as the previous engine left them."""
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(html=OLD_HTML)


def _run(**options) -> str:
    out = StringIO()
    call_command("rerender_markdown", stdout=out, **options)
    return out.getvalue()


def test_command_rerenders_changed_posts_in_batches_and_reports_counts(board, people):
    thread = forums_thread(board=board, author=people["member"], body="First **post**")
    reply = services.post_create(thread=thread, author=people["other_member"], body="See https://www.cbd.int")
    untouched = forums_thread(board=board, author=people["member"], body="Already *fresh*")
    _stale(thread.posts.get(number=1), reply)
    seq_before = Thread.objects.get(pk=thread.pk).event_seq
    untouched_seq = Thread.objects.get(pk=untouched.pk).event_seq

    output = _run(batch_size=1)

    assert output.strip() == "3 posts read, 2 re-rendered in 1 threads, 0 earlier versions re-rendered."
    for post in Post.objects.all():
        assert post.html == render_markdown(post.body)
    assert '<a href="https://www.cbd.int" rel="nofollow ugc noopener">' in Post.objects.get(pk=reply.pk).html
    thread.refresh_from_db()
    assert thread.event_seq == seq_before + 2  # an event per batch (of one post here) that changed it
    event = ThreadEvent.objects.get(thread=thread, seq=thread.event_seq)
    assert (event.kind, event.post_id) == ("posts_rerendered", None)
    assert Thread.objects.get(pk=untouched.pk).event_seq == untouched_seq


def test_second_run_changes_nothing(board, people):
    thread = forums_thread(board=board, author=people["member"], body="Text")
    _stale(thread.posts.get())
    _run()
    seq = Thread.objects.get(pk=thread.pk).event_seq
    assert _run().strip() == "1 posts read, 0 re-rendered in 0 threads, 0 earlier versions re-rendered."
    assert Thread.objects.get(pk=thread.pk).event_seq == seq


def test_cached_thread_pages_show_the_new_html(board, people):
    thread = forums_thread(board=board, author=people["member"], body="Fresh **text**")
    _stale(thread.posts.get())
    member = Client()
    member.force_login(people["other_member"])
    anonymous = Client()
    assert OLD_HTML in anonymous.get(thread.get_absolute_url()).text  # cached for anonymous visitors
    assert OLD_HTML in member.get(thread.get_absolute_url()).text  # and for signed-in members

    _run()

    for browser in (anonymous, member):
        page = browser.get(thread.get_absolute_url()).text
        assert OLD_HTML not in page and "Fresh <strong>text</strong>" in page


def test_earlier_versions_are_rerendered_too(board, people):
    thread = forums_thread(board=board, author=people["member"], body="Version *one*")
    post = thread.posts.get()
    services.post_edit(post=post, editor=people["member"], body="Version two", expected_version=1)
    PostRevision.objects.filter(post=post).update(html=OLD_HTML)
    assert "1 earlier versions re-rendered" in _run()
    assert PostRevision.objects.get(post=post).html == "<p>Version <em>one</em></p>"


def test_a_post_edited_while_rerendering_keeps_its_edit(board, people, monkeypatch):
    thread = forums_thread(board=board, author=people["member"], body="Before")
    post = thread.posts.get()
    _stale(post)
    import forums.rendering

    real = forums.rendering.render_markdown

    def edited_meanwhile(source):
        if source == "Before":  # the author saves an edit between the read and the write
            Post.objects.filter(pk=post.pk).update(body="After", html="<p>After</p>\n", version=2)
        return real(source)

    monkeypatch.setattr(forums.rendering, "render_markdown", edited_meanwhile)
    assert "0 re-rendered" in _run()
    post.refresh_from_db()
    assert (post.body, post.html) == ("After", "<p>After</p>\n")


def test_the_data_migration_calls_the_same_function(board, people):
    thread = forums_thread(board=board, author=people["member"], body="Through the *migration*")
    _stale(thread.posts.get())
    migration = importlib.import_module("forums.migrations.0003_rerender_markdown")
    migration.rerender(apps, None)
    assert thread.posts.get().html == "<p>Through the <em>migration</em></p>"
    assert Thread.objects.get(pk=thread.pk).event_seq > 1
