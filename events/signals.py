"""Publishing an event page (from the admin, the front-end form or the importer) brings its occurrences,
iCalendar sequence and feeds up to date, and deleting one invalidates the feeds that listed it; a
community changing visibility re-checks its events. A membership that ends (cop.signals.membership_ended)
or an account deactivated takes the person's registrations for what they may no longer see with it:
cancelled, seats offered to the waiting list."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cop.fragments import scope_changed
from cop.models import CommunityPage, GBFTarget, Language
from cop.signals import membership_ended
from events import services
from events.fragments import (
    DOCUMENTS_SCOPE,
    VIEW_RESTRICTIONS_SCOPE,
    VOCABULARIES_SCOPE,
    event_scope,
    registrations_scope,
)
from events.models import EventPage, EventPartner, EventSpeaker, Occurrence, Registration


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    services.event_after_publish(event=instance)


@receiver(page_unpublished, sender=EventPage)
def event_unpublished(sender, instance, **kwargs):
    services.event_sync(event=instance)


@receiver(pre_delete, sender=EventPage, dispatch_uid="events_event_deleted")
def event_deleted(sender, instance, **kwargs):
    services.event_feeds_forget(event=instance)


@receiver(page_published, sender=CommunityPage)
def community_published(sender, instance, **kwargs):
    services.community_events_refresh(community=instance)


@receiver(membership_ended, dispatch_uid="events_membership_ended")
def membership_ended_cancels_registrations(sender, membership, **kwargs):
    services.registrations_end_for_lost_access(user=membership.user, community_id=membership.community_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="events_user_deactivated")
def user_deactivated_cancels_registrations(sender, instance, created: bool, **kwargs):
    if not created and not instance.is_active:
        services.registrations_end_for_lost_access(user=instance)


@receiver(post_save, sender=Language, dispatch_uid="events_vocabulary_language_saved")
@receiver(post_delete, sender=Language, dispatch_uid="events_vocabulary_language_deleted")
@receiver(post_save, sender=GBFTarget, dispatch_uid="events_vocabulary_target_saved")
@receiver(post_delete, sender=GBFTarget, dispatch_uid="events_vocabulary_target_deleted")
def vocabularies_changed(sender, **kwargs):
    """The calendar's cached filter form lists the languages and GBF targets."""
    scope_changed(VOCABULARIES_SCOPE)


@receiver(post_save, sender=Tag, dispatch_uid="events_vocabulary_tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="events_vocabulary_tag_deleted")
def tags_changed(sender, **kwargs):
    """An event page's facts name its tags."""
    scope_changed(VOCABULARIES_SCOPE)


@receiver(post_save, sender=get_document_model(), dispatch_uid="events_document_saved")
@receiver(post_delete, sender=get_document_model(), dispatch_uid="events_document_deleted")
def documents_changed(sender, **kwargs):
    """An event page shows its slides' title and address."""
    scope_changed(DOCUMENTS_SCOPE)


@receiver(post_save, sender=EventPage, dispatch_uid="events_event_version_saved")
@receiver(post_delete, sender=EventPage, dispatch_uid="events_event_version_deleted")
# Wagtail's bulk unpublish and scheduled expiry save the base Page (no post_save for EventPage).
@receiver(page_unpublished, sender=EventPage, dispatch_uid="events_event_version_unpublished")
def event_changed(sender, instance, **kwargs):
    """The event page's cached parts (events.selectors.event_page) follow the page."""
    scope_changed(event_scope(instance.pk))


@receiver(post_save, sender=Occurrence, dispatch_uid="events_event_version_occurrence_saved")
@receiver(post_delete, sender=Occurrence, dispatch_uid="events_event_version_occurrence_deleted")
@receiver(post_save, sender=EventSpeaker, dispatch_uid="events_event_version_speaker_saved")
@receiver(post_delete, sender=EventSpeaker, dispatch_uid="events_event_version_speaker_deleted")
@receiver(post_save, sender=EventPartner, dispatch_uid="events_event_version_partner_saved")
@receiver(post_delete, sender=EventPartner, dispatch_uid="events_event_version_partner_deleted")
def event_part_changed(sender, instance, **kwargs):
    """Its dates, speakers and partners."""
    scope_changed(event_scope(instance.event_id))


@receiver(post_save, sender=Registration, dispatch_uid="events_event_version_registration_saved")
@receiver(post_delete, sender=Registration, dispatch_uid="events_event_version_registration_deleted")
def registration_changed(sender, instance, **kwargs):
    """The seats left and people waiting on each date, and the person's own registrations."""
    scope_changed(registrations_scope(instance.user_id))
    occurrence = instance._state.fields_cache.get("occurrence")
    if occurrence is not None:
        event_id = occurrence.event_id
    else:
        event_id = (
            Occurrence.objects.filter(pk=instance.occurrence_id).values_list("event_id", flat=True).first()
        )
    if event_id is not None:
        scope_changed(event_scope(event_id))


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="events_view_restriction_saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="events_view_restriction_deleted")
@receiver(post_page_move, dispatch_uid="events_view_restrictions_page_moved")
def view_restrictions_changed(sender, **kwargs):
    """The calendar page's view restrictions (its own and its ancestors'), kept by
    events.models.index.EventIndexPage.get_view_restrictions."""
    scope_changed(VIEW_RESTRICTIONS_SCOPE)
