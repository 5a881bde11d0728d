"""Signals other parts of the site may listen to (live updates connect here; forums itself does not).

`thread_event` is sent after the transaction that made the change has committed, with
`thread_id`, `seq` (the ThreadEvent's per-thread number), `kind`, `post_id` (or None)."""

from django.dispatch import Signal

thread_event = Signal()

# The cop.fragments scope of every thread and board change (forums.sections replaces it): the latest
# discussions sections, the boards' counts on the board list, a board's tags.
FORUMS_SCOPE = "forums"


def notifications_scope(user_id) -> str:
    """One person's notifications: any of theirs created, read or deleted replaces it (the bell's count,
    forums.notifications.unread_notification_count)."""
    return f"forum-notifications:{user_id}"


def read_marks_scope(user_id) -> str:
    """One person's read marks: their place in any thread moved forward replaces it (the "New" marks of
    the latest discussions sections, forums.notifications.read_marks)."""
    return f"forum-read-marks:{user_id}"
