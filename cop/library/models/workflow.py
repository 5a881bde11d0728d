"""The moderation step where the holder community reviews a case study that holds traditional
knowledge, before the library editors do (the workflow "Traditional knowledge review",
cop.library.workflow)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from cop.models import Membership, MembershipStatus, Role

from .consent import ConsentRecord, getattr_consent, is_custodian
from .pages import CaseStudyPage


def _reviewed_item(obj):
    """The case study (specific page) a workflow state is about, or None for other content."""
    specific = getattr(obj, "specific", obj)
    return specific if isinstance(specific, CaseStudyPage) else None


class HolderCommunityReviewTask(Task):
    """Approved or sent back by the custodians of the item's consent, or, when it names none, by the
    holder community's facilitators. Nobody else may act, editors and site staff included. An item
    without traditional knowledge skips this step."""

    class Meta:
        verbose_name = _("Review by the holder community")
        verbose_name_plural = _("Reviews by the holder community")

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        item = _reviewed_item(workflow_state.content_object)
        if item is None or not item.holds_traditional_knowledge:
            task_state.status = TaskState.STATUS_SKIPPED
            task_state.save(update_fields=["status"])
        return task_state

    def may_review(self, obj, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        item = _reviewed_item(obj)
        consent = getattr_consent(item) if item is not None else None
        if consent is None:
            return False
        if is_custodian(user, consent):
            return True
        if consent.holder_community_id is None:
            return False
        return Membership.objects.filter(
            user=user,
            community_id=consent.holder_community_id,
            status=MembershipStatus.ACTIVE,
            role=Role.FACILITATOR,
        ).exists()

    def user_can_access_editor(self, obj, user):
        return self.may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self.may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self.may_review(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not self.may_review(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        if not self.may_review(task_state.workflow_state.content_object, user):
            raise PermissionDenied(
                _("Only the holder community's custodians or facilitators can review this.")
            )
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if user is None or not user.is_authenticated:
            return TaskState.objects.none()
        facilitated = Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
        ).values("community_id")
        case_study_ids = ConsentRecord.objects.filter(
            Q(custodians=user) | Q(holder_community_id__in=facilitated), case_study__isnull=False
        ).values_list("case_study_id", flat=True)
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__object_id__in=[str(pk) for pk in set(case_study_ids)],
        )

    @classmethod
    def get_description(cls):
        return _("The custodians of the item's consent (or the holder community's facilitators) approve it")
