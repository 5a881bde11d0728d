"""Sharing a case study from the site: a member writes a draft, saves and comes back, previews it,
submits it to the library's moderation workflow ("Traditional knowledge review", cop.library.workflow),
and, when the reviewers ask for changes, edits it and submits it again.

A draft is a page that is not live: its row holds what the submitter last saved (so the one access
decision, cop.library.permissions, reads the draft's own traditional-knowledge flag and consent), and
each save also becomes a revision, which the workflow reviews and its last approval publishes. The
workflow is started exactly as Wagtail's admin starts it (`workflow.start`, or `resume` after changes
were requested); the submitter is told at each step by cop.library.workflow's receivers (cop.mail).
Building blocks written with a case study are drafts by the same author; they are published with it.
The story is written as plain text (cop.library.story_text) and the resources as rows: a title with an
address, or with a file, checked as every upload is (cop.library.uploads) and kept as a Wagtail
document, which the one access decision then guards like any file of the case study.
"""

import dataclasses

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, WorkflowState

from .. import permissions
from ..exceptions import (
    ItemNotFound,
    NotCustodian,
    NotInHolderReview,
    SharingNotAllowed,
    SubmissionInReview,
    SubmissionInvalid,
    SubmissionPublished,
)
from ..models import (
    BuildingBlock,
    BuildingBlockStatus,
    CaseStudyBlockUse,
    CaseStudyPage,
    CaseStudyResource,
    HolderCommunityReviewTask,
    LibraryPage,
)
from ..story_text import story_from_text, story_images
from ..uploads import upload_check
from ..workflow import workflow_assign
from .consent import consent_is_effective, item_consent, publication_check

# The fields a submission writes on the page (the many-to-many ones and the blocks apart).
PAGE_FIELDS = (
    "title",
    "summary",
    "context",
    "solution",
    "results",
    "lessons",
    "country",
    "scale",
    "period_start",
    "period_end",
    "organisations",
    "contact_name",
    "contact_email",
    "licence",
    "source_community",
    "attribution",
    "doi",
    "external_url",
    "location_name",
    "latitude",
    "longitude",
    "location_sensitive",
    "holds_traditional_knowledge",
)
RELATIONS = ("gbf_targets", "km_components", "ecosystems", "stakeholder_groups", "languages", "labels")


@dataclasses.dataclass(frozen=True)
class NewBlock:
    """A building block written with the case study (a draft until the case study is published)."""

    title: str
    summary: str
    body: str = ""


@dataclasses.dataclass(frozen=True)
class ResourceInput:
    """A resource as the submitter gives it: a title with an address, or with a file (a new upload,
    or the document of `resource_id`, one of this case study's resources)."""

    title: str
    url: str = ""
    upload: object = None
    resource_id: int | None = None


# STATE ----

DRAFT, IN_REVIEW, CHANGES_REQUESTED, PUBLISHED = "draft", "in_review", "changes_requested", "published"


def latest_workflow_states(page_ids) -> dict:
    """Each page's latest workflow state (with its current task and task state), by page id: one query."""
    states = (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(pk) for pk in page_ids],
        )
        .select_related("current_task_state", "current_task_state__task", "current_task_state__finished_by")
        .order_by("created_at", "pk")
    )
    return {int(state.object_id): state for state in states}


def submission_state(page, workflow_state) -> str:
    if page.live:
        return PUBLISHED
    if workflow_state is not None:
        if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
            return IN_REVIEW
        if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            return CHANGES_REQUESTED
    return DRAFT


def _workflow_state(page) -> WorkflowState | None:
    return latest_workflow_states([page.pk]).get(page.pk)


# WRITES ----


def _editable(user, page: CaseStudyPage) -> WorkflowState | None:
    """Refuses a change by anyone but the submitter, to a published case study, or to one with the
    reviewers; returns its workflow state."""
    if page.submitted_by_id is None or user.pk != page.submitted_by_id:
        raise ItemNotFound()
    if page.live:
        raise SubmissionPublished()
    state = _workflow_state(page)
    if submission_state(page, state) == IN_REVIEW:
        raise SubmissionInReview()
    return state


def _apply(user, page: CaseStudyPage, *, values: dict, relations: dict, blocks, new_block) -> None:
    for name, value in values.items():
        if name not in PAGE_FIELDS:
            raise ValueError(f"Not a submission field: {name}")
        setattr(page, name, value)
    if values.get("country") is not None:
        page.region_id = None  # filled again from the country (CaseStudyPage.save)
    for name, items in relations.items():
        if name not in RELATIONS:
            raise ValueError(f"Not a submission relation: {name}")
        setattr(page, name, list(items))
    chosen = list(blocks)
    if new_block is not None:
        chosen.append(
            BuildingBlock.objects.create(
                title=new_block.title,
                summary=new_block.summary,
                body=new_block.body,
                holds_traditional_knowledge=bool(page.holds_traditional_knowledge),
                author=user,
                library=page.library,
                status=BuildingBlockStatus.DRAFT,
            )
        )
    readable = {
        block.pk
        for block in permissions.library_items_for(
            user,
            BuildingBlock.objects.filter(pk__in=[block.pk for block in chosen]),
            minimum=permissions.Access.FULL,
        )
    }
    page.block_uses = [CaseStudyBlockUse(block=block) for block in chosen if block.pk in readable]


def _story(page: CaseStudyPage, text: str) -> None:
    """The story from its text; the only images it may keep are those it already has."""
    page.story = story_from_text(text, kept_images=story_images(page.story if page.pk else None))


def _resources(user, page: CaseStudyPage, resources) -> None:
    """The case study's resources, in the order given: rows it had are changed in place (a row names
    one of this case study's resources or none), new uploads become Wagtail documents."""
    existing = {resource.pk: resource for resource in page.resources.all()} if page.pk else {}
    kept = []
    for given in resources:
        resource = existing.pop(given.resource_id, None) or CaseStudyResource()
        resource.title = given.title
        if given.upload is not None:
            upload_check(given.upload)
            document = get_document_model()(
                title=given.title,
                file=given.upload,
                collection=Collection.get_first_root_node(),
                uploaded_by_user=user,
            )
            document.save()
            resource.document, resource.url = document, ""
        elif given.url:
            resource.document, resource.url = None, given.url
        elif resource.document_id is None:
            raise SubmissionInvalid()
        kept.append(resource)
    page.resources = kept


def _saved(save) -> None:
    """Saves the page; a value its model refuses (the forms check them first) is a refusal, not a 500."""
    try:
        save()
    except ValidationError as error:
        raise SubmissionInvalid("; ".join(error.messages)) from error


@transaction.atomic
def case_study_draft_create(
    *,
    user,
    library: LibraryPage,
    values: dict,
    relations: dict,
    blocks=(),
    new_block: NewBlock | None = None,
    story: str | None = None,
    resources=None,
) -> CaseStudyPage:
    """A new draft case study in `library`, by a member who may share there; its first revision.
    `story` (text) and `resources` (ResourceInput rows) are left as they are when None."""
    if not permissions.may_share_in(user, library):
        raise SharingNotAllowed()
    page = CaseStudyPage(live=False, submitted_by=user, owner=user)
    page._library = library
    _apply(user, page, values=values, relations=relations, blocks=blocks, new_block=new_block)
    if story is not None:
        _story(page, story)
    if resources is not None:
        _resources(user, page, resources)
    _saved(lambda: library.add_child(instance=page))
    page.save_revision(user=user, log_action=True)
    return page


@transaction.atomic
def case_study_draft_update(
    *,
    user,
    page: CaseStudyPage,
    values: dict,
    relations: dict,
    blocks=(),
    new_block: NewBlock | None = None,
    story: str | None = None,
    resources=None,
) -> CaseStudyPage:
    """Saves the submitter's changes to a draft (or to one sent back with changes requested)."""
    page = CaseStudyPage.objects.select_for_update().get(pk=page.pk)
    _editable(user, page)
    _apply(user, page, values=values, relations=relations, blocks=blocks, new_block=new_block)
    if story is not None:
        _story(page, story)
    if resources is not None:
        _resources(user, page, resources)
    _saved(page.save)
    page.save_revision(user=user, log_action=True)
    return page


@transaction.atomic
def case_study_submit(*, user, page: CaseStudyPage) -> WorkflowState:
    """Sends the draft to the library's reviewers, as the admin does: a new workflow, or the same one
    resumed after changes were requested. Traditional knowledge without an active consent record is
    refused (ConsentRequired) and the draft kept."""
    page = CaseStudyPage.objects.select_for_update().get(pk=page.pk)
    state = _editable(user, page)
    publication_check(page)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return WorkflowState.objects.get(pk=state.pk)
    workflow = page.get_workflow()
    if workflow is None:  # a library without the workflow: give it the library's (idempotent)
        workflow_assign(page.library)
        workflow = page.get_workflow()
    return workflow.start(page, user)


@transaction.atomic
def submission_blocks_publish(*, page: CaseStudyPage) -> list[int]:
    """Publishes the draft building blocks the submitter wrote with `page` once it is published: those
    without traditional knowledge, or whose consent record is in force (the others stay drafts until
    their consent is written). Returns the ids published."""
    if page.submitted_by_id is None:
        return []
    drafts = BuildingBlock.objects.filter(
        uses__case_study_id=page.pk, author_id=page.submitted_by_id, status=BuildingBlockStatus.DRAFT
    ).select_related("consent")
    published = []
    for block in drafts:
        if block.holds_traditional_knowledge and not consent_is_effective(item_consent(block)):
            continue
        block.status = BuildingBlockStatus.PUBLISHED
        block.save(update_fields=["status", "updated_at"])
        published.append(block.pk)
    return published


# THE HOLDER COMMUNITY'S REVIEW ON THE SITE ----

APPROVE, REQUEST_CHANGES = "approve", "reject"


def holder_review_task_state(page: CaseStudyPage):
    """The holder community's review step the case study waits in, or None."""
    state = _workflow_state(page)
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return None
    task_state = state.current_task_state
    if task_state is None or not isinstance(task_state.task.specific, HolderCommunityReviewTask):
        return None
    return task_state


@transaction.atomic
def case_study_holder_review(*, user, page: CaseStudyPage, action: str, comment: str = ""):
    """A custodian (or, without one, a facilitator of the holder community) approves the case study
    for the library editors or asks its submitter for changes, as the workflow's own action does."""
    page = CaseStudyPage.objects.select_for_update().get(pk=page.pk)
    task_state = holder_review_task_state(page)
    if task_state is None:
        raise NotInHolderReview()
    task = task_state.task.specific
    if not task.may_review(page, user):
        raise NotCustodian()
    if action not in (APPROVE, REQUEST_CHANGES):
        raise ValueError(f"Not a review action: {action}")
    task.on_action(task_state, user, action, comment=comment)
    return task_state
