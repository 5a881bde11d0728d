"""Work that follows a saved change (queueing a task, a live broadcast): run after the commit, never
able to undo the change or turn the request into an error page."""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(func, *args, **kwargs) -> None:
    """Calls func(*args, **kwargs) once the current transaction commits (at once outside one). A failure
    (the broker or the channel layer is down, a bug) is logged and goes no further: the change it
    follows is already saved."""

    def run():
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("after commit: %r%r failed", func, args)

    transaction.on_commit(run)


def enqueue_after_commit(task, *args) -> None:
    """Queues a Celery task once the transaction commits (a broker that is down is logged, see above).
    `task` is the task or its registered name ("forums.tasks.send_digest"): services name the tasks they
    queue, so that tasks import services and never the reverse (each app's ready() imports its tasks)."""
    if isinstance(task, str):
        after_commit(_delay_by_name, task, *args)
    else:
        after_commit(task.delay, *args)


def _delay_by_name(name: str, *args) -> None:
    current_app.tasks[name].delay(*args)
