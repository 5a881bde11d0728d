"""The "Traditional knowledge review" workflow: a library gets it when created; the holder community
(custodians, or its facilitators) reviews first and nobody else may act, then the library editors; the
submitter is told at each step, "changes requested" with the reviewer's comment; the last approval
publishes only with active consent."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import GroupApprovalTask, TaskState, WorkflowState

from cop.library.exceptions import ConsentRequired
from cop.library.models import CaseStudyPage, HolderCommunityReviewTask
from cop.library.services.consent import consent_withdraw
from cop.library.workflow import EDITORS_GROUP, WORKFLOW_NAME, library_workflow
from tests.factories import MembershipFactory, UserFactory
from tests.library.conftest import make_case_study, make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(cast):
    """A library editor who is also in the consent's audience (a member of the holder community): an
    editor outside it has no rights at all on the item (CaseStudyPage.permissions_for_user)."""
    user = MembershipFactory(community=cast.holder, user__display_name="Library editor").user
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def outside_editor():
    user = UserFactory(display_name="Library editor outside the audience")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def _submitted(cast, submitter, *, tk=True, consent=True, capture=None):
    page = make_case_study(
        cast.library,
        title="Fire management with elders",
        holds_traditional_knowledge=tk,
        live=False,
        submitted_by=submitter,
    )
    if consent:
        make_consent(
            page, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
        )
    page = CaseStudyPage.objects.get(pk=page.pk)
    page.save_revision(user=submitter)
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    if capture is None:
        workflow.start(page, submitter)
    else:
        with capture(execute=True):
            workflow.start(page, submitter)
    return CaseStudyPage.objects.get(pk=page.pk)


def _act(page, user, action, comment="", capture=None):
    page = CaseStudyPage.objects.get(pk=page.pk)
    task = page.current_workflow_task
    state = page.current_workflow_task_state
    if capture is None:
        return task.on_action(state, user, action, comment=comment)
    with capture(execute=True):
        return task.on_action(state, user, action, comment=comment)


def test_every_library_gets_the_workflow_with_its_two_tasks(cast):
    workflow = library_workflow()
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [HolderCommunityReviewTask, GroupApprovalTask]
    assert list(tasks[1].groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert cast.library.get_workflow() == workflow and cast.site_library.get_workflow() == workflow
    assert library_workflow() == workflow  # idempotent


def test_only_the_holder_community_reviews_first(cast, editor, django_capture_on_commit_callbacks):
    submitter = cast.users["holder_member"]
    page = _submitted(cast, submitter, capture=django_capture_on_commit_callbacks)
    task = page.current_workflow_task
    assert isinstance(task, HolderCommunityReviewTask)
    custodian = cast.users["custodian"]
    facilitator = MembershipFactory(community=cast.holder, role="facilitator").user
    staff = cast.users["editor"]  # a superuser: not the holder community
    assert task.get_actions(page, custodian) and task.get_actions(page, facilitator)
    for other in (editor, staff, submitter, cast.users["outsider"]):
        assert task.get_actions(page, other) == []
        assert task.locked_for_user(page, other)
        with pytest.raises(PermissionDenied):
            task.on_action(page.current_workflow_task_state, other, "approve")
    assert list(task.get_task_states_user_can_moderate(custodian)) == [page.current_workflow_task_state]
    assert list(task.get_task_states_user_can_moderate(editor)) == []
    # The reviewers were told, and the submitter too.
    assert [m.to for m in mail.outbox if "Please review" in m.subject] == [[custodian.email]]
    assert any(m.to == [submitter.email] and "waiting for review" in m.subject for m in mail.outbox)


def test_changes_requested_carry_the_comment_then_approval_and_publication(
    cast, editor, outside_editor, django_capture_on_commit_callbacks
):
    submitter = cast.users["holder_member"]
    page = _submitted(cast, submitter)
    mail.outbox.clear()
    _act(
        page,
        cast.users["custodian"],
        "reject",
        "Remove the name of the sacred site",
        django_capture_on_commit_callbacks,
    )
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    [changes] = [m for m in mail.outbox if m.to == [submitter.email] and "Changes requested" in m.subject]
    assert "Changes requested" in changes.subject
    assert "Remove the name of the sacred site" in changes.body
    page.current_workflow_state.resume(submitter)
    mail.outbox.clear()
    _act(page, cast.users["custodian"], "approve", capture=django_capture_on_commit_callbacks)
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert isinstance(page.current_workflow_task, GroupApprovalTask)
    assert any("passed a review step" in m.subject for m in mail.outbox if m.to == [submitter.email])
    # An editor outside the consent's audience cannot publish it.
    with pytest.raises(PermissionDenied):
        _act(page, outside_editor, "approve")
    assert CaseStudyPage.objects.get(pk=page.pk).live is False
    mail.outbox.clear()
    _act(page, editor, "approve", capture=django_capture_on_commit_callbacks)
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live is True
    ours = [m.subject for m in mail.outbox if m.to == [submitter.email] and m.subject.startswith("[KM4B]")]
    assert ours == ['[KM4B] "Fire management with elders" is published']


def test_the_last_approval_is_refused_when_consent_was_withdrawn_meanwhile(cast, editor):
    page = _submitted(cast, cast.users["holder_member"])
    _act(page, cast.users["custodian"], "approve")
    consent_withdraw(
        user=cast.users["custodian"], consent=page.consent, reason="The assembly changed its mind"
    )
    # An editor in the audience loses every right on the item with the consent...
    with pytest.raises(PermissionDenied):
        _act(page, editor, "approve")
    # ...and one who is also a custodian (who still sees it) meets the publication guard.
    page.consent.custodians.add(editor)
    with pytest.raises(ConsentRequired):
        _act(page, editor, "approve")
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live is False
    state = page.current_workflow_task_state
    assert isinstance(state.task.specific, GroupApprovalTask) and state.status == TaskState.STATUS_IN_PROGRESS


def test_a_case_study_without_traditional_knowledge_skips_the_holder_review(cast, editor):
    page = _submitted(cast, cast.users["holder_member"], tk=False, consent=False)
    assert isinstance(page.current_workflow_task, GroupApprovalTask)
    _act(page, editor, "approve")
    assert CaseStudyPage.objects.get(pk=page.pk).live is True
