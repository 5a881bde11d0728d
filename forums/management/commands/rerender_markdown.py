"""manage.py rerender_markdown: renders stored posts again with the current Markdown engine."""

from django.core.management.base import BaseCommand

from forums.models import Post, PostRevision, Thread, ThreadEvent
from forums.rendering import posts_rerender


class Command(BaseCommand):
    help = (
        "Renders every forum post (and earlier version) again with the current Markdown engine, in "
        "batches, saving only what changed; cached thread pages of changed threads go stale. Safe to "
        "run again (a second run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Posts per transaction (500).")

    def handle(self, *args, batch_size: int, **options):
        report = posts_rerender(
            post_model=Post,
            revision_model=PostRevision,
            thread_model=Thread,
            event_model=ThreadEvent,
            batch_size=max(1, batch_size),
        )
        self.stdout.write(
            f"{report.posts} posts read, {report.changed} re-rendered in {report.threads} threads, "
            f"{report.revisions} earlier versions re-rendered."
        )
