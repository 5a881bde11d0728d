"""What the library does when something changes in cop: a custodian who leaves the holder community
(cop.signals.membership_ended) passes on their custodianship of its consents."""

from django.dispatch import receiver

from cop.models import Membership
from cop.signals import membership_ended

from .services.consent import custodianship_pass


@receiver(membership_ended, sender=Membership, dispatch_uid="cop_library_custodianship_passes")
def pass_custodianship(sender, membership, **kwargs):
    custodianship_pass(person_id=membership.user_id, community_id=membership.community_id)
