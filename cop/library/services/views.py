"""Who opened a restricted item: one upsert per view (CARE: custodians see who read their knowledge)."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cop.library.models import CaseStudyPage, RestrictedView
from cop.library.models.pages import getattr_consent
from cop.library.permissions import is_custodian


def restricted_view_record(*, user, item) -> bool:
    """Counts today's view of a traditional-knowledge item by a signed-in reader who is not one of its
    custodians. Returns whether a view was recorded."""
    if not item.holds_traditional_knowledge or not user.is_authenticated:
        return False
    if is_custodian(user, getattr_consent(item)):
        return False
    field = "case_study" if isinstance(item, CaseStudyPage) else "building_block"
    key = {field: item, "viewer": user, "day": timezone.localdate()}
    if RestrictedView.objects.filter(**key).update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            RestrictedView.objects.create(**key)
    except IntegrityError:  # another request of the same reader created it in between
        RestrictedView.objects.filter(**key).update(count=F("count") + 1)
    return True
