"""Case studies shared from the site: what a person submitted and what waits for their review as a
holder community's custodian."""

from .models import CaseStudyPage, HolderCommunityReviewTask, LibraryPage
from .models.pages import getattr_consent
from .permissions import consent_in_force
from .services.submission import CHANGES_REQUESTED, DRAFT, IN_REVIEW, latest_workflow_states, submission_state


def submissions_of(user, *, pks=None) -> list[dict]:
    """The case studies `user` shared (newest first), each with its library, where it stands (draft,
    with the reviewers, changes requested, published), the reviewers' comment when they asked for
    changes, and its consent record. Four queries, whatever the number of case studies."""
    pages = CaseStudyPage.objects.filter(submitted_by_id=user.pk).select_related("consent")
    if pks is not None:
        pages = pages.filter(pk__in=pks)
    pages = list(pages.order_by("-latest_revision_created_at", "-pk"))
    libraries = {
        library.path: library
        for library in LibraryPage.objects.filter(
            path__in={page.path[: -LibraryPage.steplen] for page in pages}
        )
    }
    states = latest_workflow_states([page.pk for page in pages])
    rows = []
    for page in pages:
        state = states.get(page.pk)
        status = submission_state(page, state)
        task_state = state.current_task_state if state is not None else None
        consent = getattr_consent(page) if page.holds_traditional_knowledge else None
        rows.append(
            {
                "page": page,
                "library": libraries.get(page.path[: -LibraryPage.steplen]),
                "state": status,
                "task_name": task_state.task.name if task_state is not None and status == IN_REVIEW else "",
                "comment": task_state.comment
                if task_state is not None and status == CHANGES_REQUESTED
                else "",
                "reviewer": task_state.finished_by
                if task_state is not None and status == CHANGES_REQUESTED
                else None,
                "consent": consent,
                "consent_in_force": consent_in_force(consent),
                "may_edit": status in (DRAFT, CHANGES_REQUESTED),
            }
        )
    return rows


def holder_reviews_for(user) -> list[CaseStudyPage]:
    """The case studies waiting for `user`'s review as their holder community's custodian (or, when
    they have none, facilitator): one query for the review tasks, one per task (there is one), and
    the case studies."""
    if not user.is_authenticated:
        return []
    tasks = HolderCommunityReviewTask.objects.all()
    object_ids = set()
    for task in tasks:
        object_ids.update(
            task.get_task_states_user_can_moderate(user).values_list("workflow_state__object_id", flat=True)
        )
    if not object_ids:
        return []
    return list(
        CaseStudyPage.objects.filter(pk__in=[int(pk) for pk in object_ids])
        .select_related("consent")
        .order_by("title")
    )
