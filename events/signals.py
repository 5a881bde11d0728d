"""Publishing an event page (from the admin, the front-end form or the importer) brings its occurrences,
iCalendar sequence and feeds up to date; a community changing visibility re-checks its events."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from cop.models import CommunityPage
from events import services
from events.models import EventPage


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    services.event_after_publish(event=instance)


@receiver(page_unpublished, sender=EventPage)
def event_unpublished(sender, instance, **kwargs):
    services.event_sync(event=instance)


@receiver(page_published, sender=CommunityPage)
def community_published(sender, instance, **kwargs):
    services.community_events_refresh(community=instance)
