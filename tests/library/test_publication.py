"""The publication guard: traditional knowledge is never published without an active consent record,
in every path (the Wagtail admin's publish, revision.publish() as the workflow's last approval and
scheduled publishing use it, the building block's admin form and its save), and the draft is kept."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from cop.library.exceptions import ConsentRequired, LicenceBeyondConsent
from cop.library.models import BuildingBlock, CaseStudyPage
from cop.library.services.consent import consent_withdraw
from tests.factories import UserFactory
from tests.library.conftest import make_case_study, make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _draft(cast, **fields):
    page = make_case_study(
        cast.library, title="Seed exchange rituals", holds_traditional_knowledge=True, live=False, **fields
    )
    page.save_revision()
    return CaseStudyPage.objects.get(pk=page.pk)


def _admin_publish(admin_client, page):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    form.update(nested_form_data({"story": streamfield([])}))  # built by the admin's script in a browser
    form["holds_traditional_knowledge"] = "on"  # the helper reads a checked box without a value as ""
    form["summary"] = "Edited in the admin before publishing"
    form["action-publish"] = "action-publish"
    return admin_client.post(url, form)


def test_admin_publish_without_consent_is_refused_and_the_draft_kept(cast, admin_client, admin_user):
    # The submitter edits it in the admin (an editor outside the consent's audience may not open it).
    page = _draft(cast, submitted_by=admin_user)
    revisions = page.revisions.count()
    response = _admin_publish(admin_client, page)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live is False
    assert page.revisions.count() == revisions + 1
    assert page.get_latest_revision_as_object().summary == "Edited in the admin before publishing"
    messages = [str(m) for m in admin_client.get(response["Location"]).context["messages"]]
    assert any("cannot be published without an active consent record" in m for m in messages)


def test_admin_publish_with_active_consent_goes_live(cast, admin_client, admin_user):
    page = _draft(cast, submitted_by=admin_user)
    make_consent(page, holder=cast.holder, custodians=[admin_user], communities=[cast.holder])
    response = _admin_publish(admin_client, page)
    assert response.status_code == 302
    assert CaseStudyPage.objects.get(pk=page.pk).live is True


def test_revision_publish_is_refused_without_active_consent(cast):
    page = _draft(cast)
    with pytest.raises(ConsentRequired) as refused:
        page.get_latest_revision().publish()
    assert refused.value.status == 409
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live is False and page.get_latest_revision() is not None
    consent = make_consent(
        page, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
    )
    consent_withdraw(user=cast.users["custodian"], consent=consent, reason="Not yet")
    with pytest.raises(ConsentRequired):
        CaseStudyPage.objects.get(pk=page.pk).get_latest_revision().publish()


def test_a_live_case_study_newly_marked_as_traditional_knowledge_needs_consent(cast):
    page = make_case_study(cast.library, title="Mangrove nurseries")
    page.holds_traditional_knowledge = True
    revision = page.save_revision()
    with pytest.raises(ConsentRequired):
        revision.publish()
    assert CaseStudyPage.objects.get(pk=page.pk).holds_traditional_knowledge is False


def test_pages_without_traditional_knowledge_publish_as_usual(cast):
    page = make_case_study(cast.library, title="Urban pollinator corridors", live=False)
    page.save_revision().publish()
    assert CaseStudyPage.objects.get(pk=page.pk).live is True


def _block(cast, **fields):
    return BuildingBlock.objects.create(
        title="Community seed registry",
        summary="A register of who keeps which seeds.",
        library=cast.library,
        holds_traditional_knowledge=True,
        **fields,
    )


def test_a_building_block_cannot_be_saved_as_published_without_consent(cast):
    block = _block(cast)
    block.status = "published"
    with pytest.raises(ConsentRequired):
        block.save()
    assert BuildingBlock.objects.get(pk=block.pk).status == "draft"
    make_consent(block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder])
    block = BuildingBlock.objects.get(pk=block.pk)
    block.status = "published"
    block.save()
    assert BuildingBlock.objects.get(pk=block.pk).status == "published"


def test_the_building_block_admin_form_shows_the_refusal_on_the_status(cast):
    block = _block(cast)
    form_class = BuildingBlock.snippet_viewset.get_form_class(for_update=True)  # the admin's own form
    data = {
        "title": block.title,
        "summary": block.summary,
        "library": cast.library.pk,
        "status": "published",
        "holds_traditional_knowledge": "on",
    }
    form = form_class(data=data, instance=block, for_user=cast.users["custodian"])
    assert not form.is_valid()
    assert "cannot be published without an active consent record" in str(form.errors["status"])
    assert BuildingBlock.objects.get(pk=block.pk).status == "draft"
    new = form_class(data=data, instance=BuildingBlock(), for_user=cast.users["custodian"])
    assert not new.is_valid() and "status" in new.errors
    draft = form_class(data={**data, "status": "draft"}, instance=block, for_user=cast.users["custodian"])
    assert draft.is_valid(), draft.errors


def test_the_site_submission_refuses_traditional_knowledge_without_consent(cast):
    from wagtail.models import WorkflowState

    from cop.library.services.submission import case_study_submit

    author = cast.users["holder_member"]
    page = _draft(cast, submitted_by=author)
    with pytest.raises(ConsentRequired):
        case_study_submit(user=author, page=page)
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live is False and page.get_latest_revision() is not None
    assert not WorkflowState.objects.for_instance(page).exists()


@pytest.mark.parametrize(
    ("licence", "consented_uses", "published"),
    [
        ("cc-by-4.0", {}, False),  # lets anyone use it commercially and adapt it
        ("cc-by-nc-4.0", {}, False),  # lets anyone adapt it
        ("cc-by-nd-4.0", {}, False),  # lets anyone use it commercially
        ("cc0-1.0", {"allow_adapt": True}, False),
        ("cc-by-nc-nd-4.0", {}, True),
        ("all-rights-reserved", {}, True),
        ("cc-by-nc-4.0", {"allow_adapt": True}, True),
        ("cc-by-4.0", {"allow_adapt": True, "allow_commercial": True}, True),
    ],
)
def test_a_licence_beyond_the_consented_uses_is_refused_in_every_path(
    cast, admin_client, admin_user, licence, consented_uses, published
):
    """A licence may not give everyone what the holder community did not consent to: commercial use,
    adaptation. The admin's publish keeps the draft and says why; the workflow's publish is refused."""
    page = _draft(cast, submitted_by=admin_user, licence=licence)
    make_consent(
        page, holder=cast.holder, custodians=[admin_user], communities=[cast.holder], **consented_uses
    )
    response = _admin_publish(admin_client, page)
    assert response.status_code == 302
    assert CaseStudyPage.objects.get(pk=page.pk).live is published
    if not published:
        messages = [str(m) for m in admin_client.get(response["Location"]).context["messages"]]
        assert any("allows uses the holder community did not consent to" in m for m in messages)
        with pytest.raises(LicenceBeyondConsent):
            CaseStudyPage.objects.get(pk=page.pk).get_latest_revision().publish()
