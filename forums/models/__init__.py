from .boards import Board, Category, PostingBan
from .following import EmailFrequency, Notification, NotificationKind, NotificationSettings, ReadState, Watch
from .moderation import Flag, FlagReason, FlagStatus, ModerationAction, ModerationLog
from .threads import (
    Attachment,
    AttachmentKind,
    Post,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    Thread,
    ThreadEvent,
    ThreadKind,
)

__all__ = [
    "Attachment",
    "AttachmentKind",
    "Board",
    "Category",
    "EmailFrequency",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "ModerationAction",
    "ModerationLog",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "Post",
    "PostRevision",
    "PostStatus",
    "PostingBan",
    "Reaction",
    "ReactionKind",
    "ReadState",
    "Thread",
    "ThreadEvent",
    "ThreadKind",
    "Watch",
]
