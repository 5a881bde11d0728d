"""cop.commit: work that follows a commit, and Celery tasks queued by their registered name."""

import re
from pathlib import Path
from unittest import mock

import pytest
from celery import current_app
from django.conf import settings

from cop.commit import enqueue_after_commit

APPS = ("cop", "forums", "events", "home")


def test_every_task_queued_by_name_is_registered():
    """A name that no tasks module registers would lose the task (only logged, after the commit): every
    name the code queues is registered once the apps are ready."""
    root = Path(settings.BASE_DIR)
    names = set()
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            names |= set(re.findall(r'enqueue_after_commit\(\s*"([\w.]+)"', path.read_text()))
    assert {"forums.tasks.send_notification_email", "cop.tasks.send_invitation"} <= names
    assert names - set(current_app.tasks) == set()


@pytest.mark.django_db
def test_a_task_queued_by_name_is_sent_after_the_commit(django_capture_on_commit_callbacks):
    task = current_app.tasks["cop.tasks.prune_sent_mail"]
    with mock.patch.object(task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            enqueue_after_commit("cop.tasks.prune_sent_mail")
            delay.assert_not_called()
        delay.assert_called_once_with()
    assert len(callbacks) == 1
