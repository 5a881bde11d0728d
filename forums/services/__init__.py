"""Every write in the forums, one module per domain noun. Views, tasks and the demo call these; nothing
else saves forum models.

Each service checks its permission itself (through forums.permissions), raises a domain exception from
forums.exceptions when the action is not possible, and queues e-mails and live events only after commit
(tasks are queued by name: forums.tasks imports these services, never the reverse). The public names are
re-exported here, so `from forums import services; services.post_create(...)` keeps working.
"""

from .boards import board_ensure_for_community, board_ensure_site_forum
from .following import read_mark, watch_set
from .limits import BODY_MAX_LENGTH, MAX_ATTACHMENTS, TITLE_MAX_LENGTH
from .moderation import (
    FLAG_DECISIONS,
    flag_create,
    flag_resolve,
    post_approve,
    post_reject,
    post_set_hidden,
    thread_moderate,
    thread_move,
    user_ban,
    user_warn,
)
from .notifications import (
    digest_send,
    email_unsubscribe,
    notification_email_send,
    notification_settings_of,
    notification_settings_update,
    notifications_mark_read,
    notify_post_published,
)
from .posting import UNCHANGED, post_create, post_delete, post_edit, thread_create, thread_refresh
from .reactions import answer_accept, answer_unaccept, reaction_add, reaction_remove

__all__ = [
    "BODY_MAX_LENGTH",
    "FLAG_DECISIONS",
    "MAX_ATTACHMENTS",
    "TITLE_MAX_LENGTH",
    "UNCHANGED",
    "answer_accept",
    "answer_unaccept",
    "board_ensure_for_community",
    "board_ensure_site_forum",
    "digest_send",
    "email_unsubscribe",
    "flag_create",
    "flag_resolve",
    "notification_email_send",
    "notification_settings_of",
    "notification_settings_update",
    "notifications_mark_read",
    "notify_post_published",
    "post_approve",
    "post_create",
    "post_delete",
    "post_edit",
    "post_reject",
    "post_set_hidden",
    "reaction_add",
    "reaction_remove",
    "read_mark",
    "thread_create",
    "thread_move",
    "thread_moderate",
    "thread_refresh",
    "user_ban",
    "user_warn",
    "watch_set",
]
