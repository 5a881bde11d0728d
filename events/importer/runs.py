"""A whole import run (claimed, reported, within the task's time limit) and the organiser's answer
to held removals."""

import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cop.commit import enqueue_after_commit
from events import permissions
from events.importer import apply, download
from events.importer.apply import BATCH_SIZE
from events.importer.common import (
    MAX_MESSAGES,
    NOTHING_CHANGED,
    FeedBusy,
    FeedError,
    ImportNotAllowed,
    NoRemovalsHeld,
    setting,
)
from events.importer.parse import parse
from events.models import (
    EventPage,
    ImportedFeed,
    ImportOutcome,
    ImportReport,
)
from events.models.imports import FeedStatus

logger = logging.getLogger(__name__)

# A run that has not finished after this long is taken for dead: another run may start.
RUN_LOCK = timedelta(minutes=15)
# An import's time limits (events.tasks.import_feed): the soft one stops it cleanly (its report says so,
# nothing is removed, the feed's run lock is released); the hard one ends the worker's process a minute
# later. Both are under RUN_LOCK, so no second run starts while one is still working. Downloads have their
# own limit (download.TOTAL_TIME); an eager Celery (no worker) applies neither task limit.
IMPORT_SOFT_TIME_LIMIT = 10 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60


def _claim(feed) -> bool:
    """Marks the feed as being worked on; False when another run holds it (and is not stale)."""
    now = timezone.now()
    return bool(
        ImportedFeed.objects.filter(pk=feed.pk)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=now - RUN_LOCK))
        .update(running_since=now)
    )


def _release(feed) -> None:
    ImportedFeed.objects.filter(pk=feed.pk).update(running_since=None)


def _held_message(count: int, total: int) -> str:
    return ngettext(
        "%(count)s of the %(total)s events of this calendar is no longer in the partner's feed. "
        "Nothing was removed: confirm its removal, or keep it as the community's own event.",
        "%(count)s of the %(total)s events of this calendar are no longer in the partner's feed. "
        "Nothing was removed: confirm their removal, or keep them as the community's own events.",
        count,
    ) % {"count": count, "total": total}


_STATUS_OF = {
    ImportOutcome.OK: FeedStatus.OK,
    ImportOutcome.WITH_WARNINGS: FeedStatus.WARNINGS,
    ImportOutcome.HELD: FeedStatus.HELD,
    ImportOutcome.FAILED: FeedStatus.FAILED,
    ImportOutcome.STOPPED: FeedStatus.FAILED,
}


def _finish(feed, report: ImportReport, *, now: datetime, held: list[str] | None = None) -> ImportReport:
    report.messages = [str(line) for line in report.messages[:MAX_MESSAGES]]
    report.finished_at = timezone.now()
    report.save()
    update = {
        "last_run_at": now,
        "status": _STATUS_OF.get(report.outcome, FeedStatus.FAILED),
        "status_message": report.messages[0] if report.messages else "",
    }
    if held is not None:
        update["held_removals"] = held
        update["held_at"] = timezone.now() if held else None
    ImportedFeed.objects.filter(pk=feed.pk).update(**update)
    for name, value in update.items():
        setattr(feed, name, value)
    return report


def _out_of_time(*, done: int | None = None, total: int = 0, removed: int = 0) -> str:
    """The report's words when the import task's soft time limit stops a run."""
    minutes = IMPORT_SOFT_TIME_LIMIT // 60
    if done is None:
        return _("The import was stopped because it took more than %(minutes)s minutes.") % {
            "minutes": minutes
        }
    if removed:  # it ran out of time while removing the events gone from the feed
        return _(
            "The import was stopped because it took more than %(minutes)s minutes, after all %(total)s "
            "events and %(removed)s of the removals. The next run completes it."
        ) % {"minutes": minutes, "total": total, "removed": removed}
    return _(
        "The import was stopped because it took more than %(minutes)s minutes, after %(done)s of "
        "%(total)s events; nothing was removed. The next run completes it."
    ) % {"minutes": minutes, "done": done, "total": total}


def feed_import(*, feed, fetcher=None, now: datetime | None = None) -> ImportReport | None:
    """Fetches, parses and applies one feed, in batches of short transactions, and stores the run's
    report and the subscription's status. Returns None when another run of this feed is under way."""
    now = now or timezone.now()
    fetcher = fetcher or download.fetch
    if not _claim(feed):
        logger.info("ical import: feed %s is already being imported", feed.pk)
        return None
    try:
        ImportReport.objects.filter(feed=feed, outcome=ImportOutcome.RUNNING).update(
            outcome=ImportOutcome.STOPPED, finished_at=timezone.now()
        )
        report = ImportReport.objects.create(feed=feed, outcome=ImportOutcome.RUNNING, messages=[])
        try:
            parsed = parse(fetcher(feed.url), now=now)
        except SoftTimeLimitExceeded:
            logger.warning("ical import: feed %s ran out of time before applying", feed.pk)
            report.outcome = ImportOutcome.FAILED
            report.messages = [_out_of_time(), str(NOTHING_CHANGED)]
            return _finish(feed, report, now=now)
        except FeedError as error:
            report.outcome = ImportOutcome.FAILED
            report.messages = [error.message, str(NOTHING_CHANGED)]
            return _finish(feed, report, now=now)
        except Exception as exc:  # a feed that crashes the parser changes nothing either
            logger.exception("ical import: feed %s could not be parsed", feed.pk)
            report.outcome = ImportOutcome.FAILED
            report.messages = [
                _("The feed could not be read (%(error)s).") % {"error": type(exc).__name__},
                str(NOTHING_CHANGED),
            ]
            return _finish(feed, report, now=now)
        report.skipped = len(parsed.skipped)
        subscribed_before = EventPage.objects.filter(import_feed=feed).count()
        done = 0
        try:
            for batch in apply.batches(parsed.events, setting("EVENTS_IMPORT_BATCH_SIZE", BATCH_SIZE)):
                apply.apply_batch(feed, batch, report)
                done += len(batch)
            held = apply.removals_of(feed, parsed, subscribed_before, report)
        except SoftTimeLimitExceeded:  # as below, without a traceback: the task's time limit is up
            logger.warning("ical import: feed %s ran out of time after %s events", feed.pk, done)
            report.outcome = ImportOutcome.STOPPED
            report.messages = [
                _out_of_time(done=done, total=len(parsed.events), removed=report.removed),
                *report.messages,
            ]
            return _finish(feed, report, now=now)
        except Exception as exc:  # the batches saved so far stay; nothing is removed; a rerun completes
            logger.exception("ical import failed for feed %s", feed.pk)
            report.outcome = ImportOutcome.STOPPED
            report.messages = [
                _(
                    "The import stopped on an unexpected error (%(error)s) after %(done)s of %(total)s "
                    "events; nothing was removed. The next run completes it."
                )
                % {"error": type(exc).__name__, "done": done, "total": len(parsed.events)},
                *report.messages,
            ]
            return _finish(feed, report, now=now)
        report.messages = parsed.skipped + report.messages + parsed.messages
        if held:
            report.outcome = ImportOutcome.HELD
            report.messages.insert(0, _held_message(len(held), subscribed_before))
        elif report.messages or report.skipped:
            report.outcome = ImportOutcome.WITH_WARNINGS
        else:
            report.outcome = ImportOutcome.OK
        return _finish(feed, report, now=now, held=held)
    finally:
        _release(feed)


# The organiser's answer to held removals ----


def _check_organiser(feed, by) -> None:
    if not permissions.can_organise_in(by, feed.community):
        raise ImportNotAllowed()


def feed_removals_confirm(*, feed, by) -> None:
    """The organiser confirms the removal of the events held back; applied in the background."""
    _check_organiser(feed, by)
    feed.refresh_from_db(fields=["held_removals"])
    if not feed.held_removals:
        raise NoRemovalsHeld()
    enqueue_after_commit("events.tasks.apply_held_removals", feed.pk, list(feed.held_removals))


def feed_removals_apply(*, feed, uids: list[str]) -> ImportReport | None:
    """Removes the confirmed events that are still held (an import since then may have seen some of them
    back in the feed); idempotent. Raises FeedBusy while another run holds the feed."""
    if not _claim(feed):
        raise FeedBusy(feed.pk)
    try:
        feed.refresh_from_db()
        still_held = set(feed.held_removals) & set(uids)
        if not still_held:
            return None
        report = ImportReport.objects.create(feed=feed, outcome=ImportOutcome.RUNNING, messages=[])
        page_ids = [
            pk
            for pk, uid in EventPage.objects.filter(import_feed=feed).values_list("pk", "import_uid")
            if uid in still_held
        ]
        apply.remove_pages(feed, page_ids, report)
        report.outcome = ImportOutcome.OK
        report.messages = [
            ngettext(
                "The organiser confirmed the removal of %(count)s event no longer in the partner's feed.",
                "The organiser confirmed the removal of %(count)s events no longer in the partner's feed.",
                report.removed,
            )
            % {"count": report.removed}
        ]
        remaining = [uid for uid in feed.held_removals if uid not in still_held]
        return _finish(feed, report, now=timezone.now(), held=remaining)
    finally:
        _release(feed)


@transaction.atomic
def feed_removals_dismiss(*, feed, by) -> int:
    """The organiser keeps the events held back: they become the community's own events (the feed no
    longer updates or removes them; if it lists them again, they are linked to it again)."""
    _check_organiser(feed, by)
    feed = ImportedFeed.objects.select_for_update().get(pk=feed.pk)
    uids = set(feed.held_removals)
    if not uids:
        raise NoRemovalsHeld()
    page_ids = [
        pk
        for pk, uid in EventPage.objects.filter(import_feed=feed).values_list("pk", "import_uid")
        if uid in uids
    ]
    EventPage.objects.filter(pk__in=page_ids).update(import_feed=None)
    report = ImportReport(feed=feed, outcome=ImportOutcome.OK, kept_local=len(page_ids))
    report.messages = [
        ngettext(
            "The organiser kept %(count)s event no longer in the partner's feed as the community's own.",
            "The organiser kept %(count)s events no longer in the partner's feed as the community's own.",
            len(page_ids),
        )
        % {"count": len(page_ids)}
    ]
    report.finished_at = timezone.now()
    report.save()
    ImportedFeed.objects.filter(pk=feed.pk).update(
        held_removals=[], held_at=None, status=FeedStatus.OK, status_message=report.messages[0]
    )
    return len(page_ids)
