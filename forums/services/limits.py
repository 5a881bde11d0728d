"""The limits of a post: its length, its attachments and, for new accounts, how often they may post."""

import math
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.ratelimit import rate_limit_hit

from ..attachments import CheckedFile, check_upload
from ..exceptions import AttachmentRejected, ForumError, RateLimited, TooManyAttachments

BODY_MAX_LENGTH = 50_000


TITLE_MAX_LENGTH = 200


MAX_ATTACHMENTS = 5


def check_rate_limit(user) -> None:
    """New accounts may post only so often (per minute and per hour, sliding windows in the cache)."""
    if user.is_staff or user.is_superuser:
        return
    new_for = timedelta(days=getattr(settings, "FORUMS_NEW_ACCOUNT_DAYS", 7))
    if user.date_joined and timezone.now() - user.date_joined > new_for:
        return
    limits = getattr(settings, "FORUMS_NEW_ACCOUNT_RATE_LIMITS", {"minute": (60, 3), "hour": (3600, 20)})
    wait = rate_limit_hit(f"forums:post:{user.pk}", limits)
    if wait is not None:
        raise RateLimited(retry_after=math.ceil(wait))


def clean_text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ForumError(
            _("The title cannot be empty.") if field == "title" else _("The message cannot be empty.")
        )
    if len(value) > max_length:
        raise ForumError(
            _("The %(field)s is too long: %(length)s characters, the limit is %(limit)s.")
            % {
                "field": _("title") if field == "title" else _("message"),
                "length": len(value),
                "limit": max_length,
            }
        )
    return value


def check_uploads(uploads: Sequence[tuple], existing: int = 0) -> list[tuple[CheckedFile, str]]:
    """Checks every file before anything is saved, so a bad file leaves nothing behind."""
    if existing + len(uploads) > MAX_ATTACHMENTS:
        raise TooManyAttachments(
            _("Too many attachments: at most %(max)s per post.") % {"max": MAX_ATTACHMENTS}
        )
    checked = []
    for uploaded, alt_text in uploads:
        result = check_upload(uploaded)
        alt_text = (alt_text or "").strip()
        if result.kind == "image" and not alt_text:
            raise AttachmentRejected(
                _("Describe the image “%(name)s” in its text alternative, for people who cannot see it.")
                % {"name": uploaded.name}
            )
        checked.append((result, alt_text[:300]))
    return checked
