"""Subscriptions to partners' iCalendar feeds (the import itself is events.importer)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cop.commit import enqueue_after_commit
from events import permissions
from events.feed_addresses import check_url
from events.models import ImportedFeed
from events.services.exceptions import RegistrationNotAllowed


@transaction.atomic
def feed_subscribe(*, community, by, title: str, url: str, keep_local_edits: bool = True):
    """Subscribes the community to a partner's iCalendar feed and imports it once after commit."""

    if not permissions.can_organise_in(by, community):
        raise RegistrationNotAllowed(_("Only the community's facilitators can subscribe to calendars."))
    check_url(url)
    if ImportedFeed.objects.filter(community=community, url=url).exists():
        raise ValidationError(_("This community already follows this calendar."))
    feed = ImportedFeed.objects.create(
        community=community,
        title=title.strip()[:200],
        url=url,
        keep_local_edits=keep_local_edits,
        created_by=by,
    )
    enqueue_after_commit("events.tasks.import_feed", feed.pk)
    return feed


def feed_run_soon(*, feed) -> None:
    """Queues an import of the feed in the background (a large feed takes minutes)."""

    enqueue_after_commit("events.tasks.import_feed", feed.pk)


@transaction.atomic
def feed_update(*, feed, keep_local_edits: bool):
    feed.keep_local_edits = keep_local_edits
    feed.save(update_fields=["keep_local_edits"])
    return feed


@transaction.atomic
def feed_unsubscribe(*, feed) -> None:
    feed.delete()
