"""The publication guard: an item holding traditional knowledge is never published without an effective
consent record (cop.library.services.consent.publication_check), whatever the path.

- Wagtail admin, publishing a case study (create or edit view): the `before_publish_page` hook refuses
  with the message and sends the editor back to the edit view; the revision just saved (the draft) is
  kept.
- Every other path to a live case study (the workflow's last approval, scheduled publishing,
  `revision.publish()`, the site's submission): Wagtail's publish saves the page with a new
  `live_revision`; the pre_save guard below refuses that save (ConsentRequired, a DomainError: the edge
  shows its message; the workflow's approval is rolled back and the draft kept).
- Building blocks (snippets with a status): saving one as published, or marking a published one as
  holding traditional knowledge, is refused the same way (pre_save), and the admin form shows the
  message on the status field (`publication_form_error`).
"""

from django.contrib import messages
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.shortcuts import redirect

from .exceptions import ConsentRequired
from .models import BuildingBlock, BuildingBlockStatus, CaseStudyPage
from .services.consent import publication_check


def _page_goes_live(page: CaseStudyPage) -> bool:
    """Is this save Wagtail publishing a revision? Publishing always sets `live_revision`; a page created
    live in code (the demo, fixtures: no revision yet) is not a publication."""
    if not page.live or page.live_revision_id is None:
        return False
    before = (
        CaseStudyPage.objects.filter(pk=page.pk)
        .values("live", "live_revision_id", "holds_traditional_knowledge")
        .first()
        if page.pk is not None
        else None
    )
    return (
        before is None
        or not before["live"]
        or before["live_revision_id"] != page.live_revision_id
        or not before["holds_traditional_knowledge"]
    )


def _block_goes_live(block: BuildingBlock) -> bool:
    """Is this save publishing an existing block (draft to published, or a published one newly marked
    as holding traditional knowledge)? A new block cannot have a consent record yet: the admin's
    creation form refuses publishing it at once (BuildingBlockAdminForm)."""
    if block.status != BuildingBlockStatus.PUBLISHED or block.pk is None:
        return False
    before = BuildingBlock.objects.filter(pk=block.pk).values("status", "holds_traditional_knowledge").first()
    return before is not None and (
        before["status"] != BuildingBlockStatus.PUBLISHED or not before["holds_traditional_knowledge"]
    )


@receiver(pre_save, sender=CaseStudyPage, dispatch_uid="cop_library_case_study_publication_guard")
def case_study_publication_guard(sender, instance, raw=False, **kwargs):
    if raw or not instance.holds_traditional_knowledge:
        return
    if _page_goes_live(instance):
        publication_check(instance)


@receiver(pre_save, sender=BuildingBlock, dispatch_uid="cop_library_block_publication_guard")
def block_publication_guard(sender, instance, raw=False, **kwargs):
    if raw or not instance.holds_traditional_knowledge:
        return
    if _block_goes_live(instance):
        publication_check(instance)


def before_publish_page(request, page):
    """Wagtail's before_publish_page hook: refuse, keep the draft, say why (registered in
    cop.library.wagtail_hooks)."""
    page = page.specific if not isinstance(page, CaseStudyPage) and hasattr(page, "specific") else page
    if not isinstance(page, CaseStudyPage):
        return None
    try:
        publication_check(page)
    except ConsentRequired as error:
        messages.error(request, str(error.message))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def publication_form_error(block: BuildingBlock) -> str | None:
    """The message for a building block form about to publish traditional knowledge without consent."""
    if block.status != BuildingBlockStatus.PUBLISHED or not block.holds_traditional_knowledge:
        return None
    try:
        publication_check(block)
    except ConsentRequired as error:
        return str(error.message)
    return None
