"""Stored posts rendered again with the linear Markdown engine (cop.markup, CommonMark) that replaced
Python-Markdown; the same function as `manage.py rerender_markdown`, in batches of their own
transactions (so the migration is not atomic: an interrupted run is simply run again)."""

from django.db import migrations


def rerender(apps, schema_editor):
    from forums.rendering import posts_rerender

    posts_rerender(
        post_model=apps.get_model("forums", "Post"),
        revision_model=apps.get_model("forums", "PostRevision"),
        thread_model=apps.get_model("forums", "Thread"),
        event_model=apps.get_model("forums", "ThreadEvent"),
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("forums", "0002_event_log_pruned_by_age")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True)]
