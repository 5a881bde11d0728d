"""Signals other parts of the site may listen to (live updates connect here; forums itself does not).

`thread_event` is sent after the transaction that made the change has committed, with
`thread_id`, `seq` (the ThreadEvent's per-thread number), `kind`, `post_id` (or None)."""

from django.dispatch import Signal

thread_event = Signal()

# The cop.fragments scope of every thread and board change (forums.sections replaces it): the latest
# discussions sections, the boards' counts on the board list, a board's tags.
FORUMS_SCOPE = "forums"
