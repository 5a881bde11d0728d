"""The moderation workflow of the libraries, "Traditional knowledge review": first the holder
community (HolderCommunityReviewTask: the consent's custodians or the community's facilitators; skipped
for items without traditional knowledge), then Wagtail's GroupApprovalTask for the "Library editors"
group. Every library is assigned it when created (a receiver below; `workflow_assign` for existing ones).

The submitter is told at each step by e-mail through cop.mail (cop.library.tasks.send_workflow_step):
with the holder community, approved by it, changes requested (with the reviewer's comment), published.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.admin.mail import WorkflowStateApprovalEmailNotifier, WorkflowStateRejectionEmailNotifier
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import task_approved, task_rejected, task_submitted, workflow_approved, workflow_rejected

from cop.commit import enqueue_after_commit

from .models import CaseStudyPage, LibraryPage
from .models.workflow import HolderCommunityReviewTask

WORKFLOW_NAME = "Traditional knowledge review"
HOLDER_TASK_NAME = "Review by the holder community"
EDITORS_TASK_NAME = "Review by the library editors"
EDITORS_GROUP = "Library editors"


@transaction.atomic
def library_workflow() -> Workflow:
    """The workflow, its two tasks and the editors' group (created on first use; idempotent)."""
    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    if created:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        return workflow
    holder_task = HolderCommunityReviewTask.objects.filter(name=HOLDER_TASK_NAME).first()
    if holder_task is None:
        holder_task = HolderCommunityReviewTask.objects.create(name=HOLDER_TASK_NAME)
    editors_task = GroupApprovalTask.objects.filter(name=EDITORS_TASK_NAME).first()
    if editors_task is None:
        editors_task = GroupApprovalTask.objects.create(name=EDITORS_TASK_NAME)
        editors_task.groups.set([group])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=holder_task, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=editors_task, sort_order=1)
    return workflow


def workflow_assign(library: LibraryPage) -> None:
    """Gives a library (and the case studies below it) the traditional-knowledge review workflow, and
    the library editors the right to edit and publish there (the last approval publishes as them)."""
    WorkflowPage.objects.get_or_create(page_id=library.pk, defaults={"workflow": library_workflow()})
    group = Group.objects.get(name=EDITORS_GROUP)
    for codename in ("change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page_id=library.pk, permission=permission)


@receiver(post_save, sender=LibraryPage, dispatch_uid="cop_library_assign_workflow")
def assign_workflow_to_new_library(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        workflow_assign(instance)


# TELLING THE SUBMITTER ----


def _case_study_of(task_state) -> CaseStudyPage | None:
    content = task_state.workflow_state.content_object
    specific = getattr(content, "specific", content)
    return specific if isinstance(specific, CaseStudyPage) else None


def _tell(task_state, step: str) -> None:
    if _case_study_of(task_state) is None:
        return
    enqueue_after_commit("cop.library.tasks.send_workflow_step", task_state.pk, step)


@receiver(task_submitted, dispatch_uid="cop_library_task_submitted")
def on_task_submitted(sender, instance, user=None, **kwargs):
    if instance.status == TaskState.STATUS_IN_PROGRESS:
        _tell(instance, "submitted")
        if (
            isinstance(instance.task.specific, HolderCommunityReviewTask)
            and _case_study_of(instance) is not None
        ):
            enqueue_after_commit("cop.library.tasks.notify_holder_reviewers", instance.pk)


@receiver(task_approved, dispatch_uid="cop_library_task_approved")
def on_task_approved(sender, instance, user=None, **kwargs):
    # The last task's approval publishes: "published" (below) says it, not this.
    if instance.workflow_state.status == instance.workflow_state.STATUS_IN_PROGRESS:
        _tell(instance, "approved")


@receiver(task_rejected, dispatch_uid="cop_library_task_rejected")
def on_task_rejected(sender, instance, user=None, **kwargs):
    _tell(instance, "changes_requested")


@receiver(workflow_approved, dispatch_uid="cop_library_workflow_approved")
def on_workflow_approved(sender, instance, user=None, **kwargs):
    task_state = instance.task_states.order_by("-pk").first()
    if task_state is not None:
        _tell(task_state, "published")


# Wagtail's own mails to the requester when a workflow is approved or rejected would tell the submitter
# of a case study twice, outside cop.mail (not in their language, not recorded): the mails above say it.
# Its notifiers keep mailing about every other page. Connected under Wagtail's own dispatch_uid (this app
# is ready before wagtail.admin, whose later connect is then a no-op; disconnected first in any case).
def _except_case_studies(notifier):
    def notify(sender, instance=None, **kwargs):
        if instance is not None and isinstance(
            getattr(instance.content_object, "specific", None), CaseStudyPage
        ):
            return False
        return notifier(instance=instance, **kwargs)

    return notify


def _replace_wagtail_notifier(signal, dispatch_uid: str, notifier) -> None:
    signal.disconnect(sender=WorkflowState, dispatch_uid=dispatch_uid)
    signal.connect(
        _except_case_studies(notifier), sender=WorkflowState, dispatch_uid=dispatch_uid, weak=False
    )


_replace_wagtail_notifier(
    workflow_approved,
    "workflow_state_approved_email_notification",
    WorkflowStateApprovalEmailNotifier(),
)
_replace_wagtail_notifier(
    workflow_rejected,
    "workflow_state_rejected_email_notification",
    WorkflowStateRejectionEmailNotifier(),
)
