"""Following threads, boards and tags, and each reader's place in a thread."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.fragments import scope_changed

from ..exceptions import ForumError, NotAllowed
from ..models import Board, ReadState, Thread, Watch
from ..signals import read_marks_scope
from .notifications import notification_settings_of


@transaction.atomic
def watch_set(
    *, user, active: bool, thread: Thread | None = None, board: Board | None = None, tag=None
) -> Watch:
    """Starts or stops following a thread, a board or a tag (stopping is remembered as an opt-out)."""
    if not user.is_authenticated:
        raise NotAllowed()
    target = {"thread": thread, "board": board, "tag": tag}
    chosen = {k: v for k, v in target.items() if v is not None}
    if len(chosen) != 1:
        raise ForumError(_("Choose one thing to follow."))
    watch, created = Watch.objects.get_or_create(user=user, **chosen, defaults={"active": active})
    if not created and watch.active != active:
        watch.active = active
        watch.save(update_fields=["active"])
    return watch


def read_mark(*, user, thread: Thread, number: int) -> None:
    """Moves the user's "last read" mark in the thread forward (never back)."""
    if not user.is_authenticated or number <= 0:
        return
    updated = ReadState.objects.filter(user=user, thread=thread, last_read_number__lt=number).update(
        last_read_number=number, updated_at=timezone.now()
    )
    if not updated:
        try:
            with transaction.atomic():
                _row, updated = ReadState.objects.get_or_create(
                    user=user, thread=thread, defaults={"last_read_number": number}
                )
        except IntegrityError:
            pass
    if updated:  # the "New" marks kept for this person (forums.notifications.read_marks)
        scope_changed(read_marks_scope(user.pk))


def auto_watch(user, thread: Thread) -> None:
    if not notification_settings_of(user).auto_watch:
        return
    if not Watch.objects.filter(user=user, thread=thread).exists():
        Watch.objects.create(user=user, thread=thread, active=True)
