"""What the library does when something changes in cop: a custodian who leaves the holder community
(cop.signals.membership_ended) passes on their custodianship of its consents; a case study shared from
the site, once published, takes the building blocks written with it live."""

from django.dispatch import receiver
from wagtail.signals import page_published

from cop.models import Membership
from cop.signals import membership_ended

from .models import CaseStudyPage
from .services.custodians import custodianship_pass
from .services.submission import submission_blocks_publish


@receiver(membership_ended, sender=Membership, dispatch_uid="cop_library_custodianship_passes")
def pass_custodianship(sender, membership, **kwargs):
    custodianship_pass(person_id=membership.user_id, community_id=membership.community_id)


@receiver(page_published, sender=CaseStudyPage, dispatch_uid="cop_library_publish_submitted_blocks")
def publish_submitted_blocks(sender, instance, **kwargs):
    """The building blocks a member wrote with their case study go live with it."""
    submission_blocks_publish(page=instance)
