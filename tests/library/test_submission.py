"""Sharing a case study from the site: draft, save and come back, preview (the submitter only),
submit; the holder community's review, the editors' review, publication; changes requested with the
reviewer's comment shown on the site, edited and submitted again; every step told by one mail per
recipient; traditional knowledge without consent refused at submit with the draft kept; bad input
answered with the form's errors (4xx), never a 5xx."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from cop.library.models import BuildingBlock, BuildingBlockStatus, CaseStudyPage, Label
from cop.library.workflow import EDITORS_GROUP
from cop.models import GBFTarget
from tests.factories import MembershipFactory
from tests.library.conftest import make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(cast):
    """A library editor who is a member of the holder community: an editor outside a consent's audience
    has no rights at all on the item (CaseStudyPage.permissions_for_user), so cannot approve it."""
    user = MembershipFactory(community=cast.holder, user__display_name="Library editor").user
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def _form(**overrides):
    data = {
        "title": "Fire management with elders",
        "summary": "Early dry-season burning guided by elders protects the savanna.",
        "context": "Late fires burned **everything**.",
        "solution": "Burning in patches early in the dry season.",
        "results": "",
        "lessons": "",
        "country": "AU",
        "scale": "local",
        "period_start": "2019-01-01",
        "period_end": "2023-12-31",
        "organisations": "Ranger group\nLand council",
        "contact_name": "Ranger coordinator",
        "contact_email": "ranger@example.org",
        "licence": "cc-by-4.0",
        "attribution": "",
        "doi": "",
        "external_url": "",
        "location_name": "",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _act(page, user, action, comment=""):
    page = CaseStudyPage.objects.get(pk=page.pk)
    with_capture = page.current_workflow_task.on_action
    return with_capture(page.current_workflow_task_state, user, action, comment=comment)


def _mails_to(user):
    return [message.subject for message in mail.outbox if message.to == [user.email]]


def test_the_share_link_and_form_are_for_members_of_a_community_library(cast, client):
    url = reverse("cop_library:share", args=[cast.library.pk])
    assert cast.client(client, "anonymous").get(url).status_code == 302  # to sign in
    assert cast.client(client, "outsider").get(url).status_code == 403
    assert cast.client(client, "holder_member").get(url).status_code == 200
    listing = cast.client(client, "holder_member").get(cast.library.url)
    assert url in listing.content.decode()
    assert url not in cast.client(client, "outsider").get(cast.library.url).content.decode()
    # Anyone signed in shares in the site-wide library.
    site = reverse("cop_library:share", args=[cast.site_library.pk])
    assert cast.client(client, "outsider").get(site).status_code == 200
    assert cast.client(client, "outsider").get(reverse("cop_library:share", args=[999999])).status_code == 404


def test_the_whole_journey_of_a_traditional_knowledge_case_study(
    cast, client, editor, django_capture_on_commit_callbacks
):
    submitter = cast.users["holder_member"]
    custodian = cast.users["custodian"]
    client = cast.client(client, "holder_member")
    target = GBFTarget.objects.order_by("number").first()
    label = Label.objects.get(code="tk-attribution")
    existing = BuildingBlock.objects.create(
        title="Seasonal calendars",
        summary="A calendar of the seasons agreed by the elders.",
        library=cast.site_library,
        status=BuildingBlockStatus.PUBLISHED,
    )
    # 1. Draft, with a new building block and an existing one.
    response = client.post(
        reverse("cop_library:share", args=[cast.library.pk]),
        _form(
            holds_traditional_knowledge="on",
            gbf_targets=[target.pk],
            labels=[label.pk],
            blocks=[existing.pk],
            new_block_title="Patch burning",
            new_block_summary="Small fires early in the dry season.",
        ),
    )
    assert response.status_code == 302
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    assert not page.live and page.submitted_by == submitter and page.get_parent().pk == cast.library.pk
    assert page.region is not None  # filled from the country
    assert list(page.gbf_targets.all()) == [target] and list(page.labels.all()) == [label]
    new_block = BuildingBlock.objects.get(title="Patch burning")
    assert new_block.status == BuildingBlockStatus.DRAFT and new_block.holds_traditional_knowledge
    assert [use.block for use in page.block_uses.order_by("sort_order")] == [existing, new_block]
    assert page.get_latest_revision() is not None
    # Nobody else sees the draft; its submitter previews it.
    preview = reverse("cop_library:submission_preview", args=[page.pk])
    assert "Early dry-season burning" in client.get(preview).content.decode()
    for other in ("outsider", "custodian", "editor"):
        assert cast.client(client, other).get(preview).status_code == 404
    client = cast.client(client, "holder_member")
    # 2. Save and come back: My case studies lists it as a draft, asking for the consent record.
    page_text = client.get(reverse("cop_library:my_case_studies")).content.decode()
    assert "Fire management with elders" in page_text and "Draft: only you can see it." in page_text
    assert reverse("cop_library:consent_edit", args=["case-study", page.pk]) in page_text
    edit_url = reverse("cop_library:submission_edit", args=[page.pk])
    response = client.post(
        edit_url,
        _form(
            holds_traditional_knowledge="on",
            summary="Patch burning guided by elders.",
            blocks=[existing.pk],
            licence="cc-by-nc-nd-4.0",  # within the consent below (no commercial use, no adaptation)
        ),
    )
    assert response.status_code == 302
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.summary == "Patch burning guided by elders." and page.revisions.count() == 2
    # 3. Submitting traditional knowledge without consent is refused; the draft is kept.
    response = client.post(reverse("cop_library:submission_submit", args=[page.pk]))
    assert response.status_code == 409
    assert "Your draft is kept" in response.content.decode()
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.summary == "Patch burning guided by elders." and page.current_workflow_state is None
    # 4. With consent (the submitter names a custodian), it goes to the holder community.
    make_consent(page, holder=cast.holder, custodians=[custodian], communities=[cast.holder])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cop_library:submission_submit", args=[page.pk]))
    assert response.status_code == 302
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert _mails_to(submitter) == ['[KM4B] "Fire management with elders" is waiting for review']
    assert len(_mails_to(custodian)) == 1
    assert "With the reviewers" in client.get(reverse("cop_library:my_case_studies")).content.decode()
    # While with the reviewers, the submitter cannot change it.
    assert client.post(edit_url, _form(holds_traditional_knowledge="on")).status_code == 409
    # 5. The holder community asks for changes: the comment is shown on the site and mailed.
    # The custodian reviews on the site (the mail links there); nobody else may.
    review = reverse("cop_library:holder_review", args=[page.pk])
    assert any(review in message.body for message in mail.outbox if message.to == [custodian.email])
    for other in ("outsider", "editor", "holder_member"):
        assert cast.client(client, other).get(review).status_code == 404
    reviewer = cast.client(client, "custodian")
    assert review in reviewer.get(reverse("cop_library:my_case_studies")).content.decode()
    assert "Early dry-season" not in reviewer.get(review).content.decode()
    assert (
        "Patch burning guided"
        in reviewer.get(reverse("cop_library:holder_review_preview", args=[page.pk])).content.decode()
    )
    assert reviewer.post(review, {"action": "reject", "comment": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            review, {"action": "reject", "comment": "Remove the name of the burning ground"}
        )
    assert response.status_code == 302
    assert reviewer.get(review).status_code == 404  # no longer waiting for it
    client = cast.client(client, "holder_member")
    assert _mails_to(submitter) == ['[KM4B] Changes requested to "Fire management with elders"']
    mine = client.get(reverse("cop_library:my_case_studies")).content.decode()
    assert "Changes requested" in mine and "Remove the name of the burning ground" in mine
    assert "Remove the name of the burning ground" in client.get(edit_url).content.decode()
    # 6. Edited and submitted again: the same workflow resumes at the holder community's step.
    assert (
        client.post(
            edit_url,
            _form(
                holds_traditional_knowledge="on",
                blocks=[existing.pk, new_block.pk],
                licence="cc-by-nc-nd-4.0",
            ),
        ).status_code
        == 302
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cop_library:submission_submit", args=[page.pk]))
    assert _mails_to(submitter) == ['[KM4B] "Fire management with elders" is waiting for review']
    assert WorkflowState.objects.filter(object_id=str(page.pk)).count() == 1
    # 7. The holder community approves, then the editors: published, the new block with it.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast.client(client, "custodian").post(review, {"action": "approve", "comment": ""})
    assert sorted(_mails_to(submitter)) == [
        '[KM4B] "Fire management with elders" is waiting for review',
        '[KM4B] "Fire management with elders" passed a review step',
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _act(page, editor, "approve")
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live
    assert _mails_to(submitter) == ['[KM4B] "Fire management with elders" is published']
    new_block.refresh_from_db()
    # A TK block without its own consent stays a draft (cop.library.publication).
    assert new_block.status == BuildingBlockStatus.DRAFT
    client = cast.client(client, "holder_member")
    mine = client.get(reverse("cop_library:my_case_studies")).content.decode()
    assert "Published." in mine
    assert client.post(edit_url, _form()).status_code == 409


def test_a_case_study_without_traditional_knowledge_goes_to_the_editors_and_takes_its_new_block_live(
    cast, client, editor, django_capture_on_commit_callbacks
):
    client = cast.client(client, "outsider")
    client.post(
        reverse("cop_library:share", args=[cast.site_library.pk]),
        _form(new_block_title="Patch burning", new_block_summary="Small fires early."),
    )
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("cop_library:submission_submit", args=[page.pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _act(page, editor, "approve")
    assert CaseStudyPage.objects.get(pk=page.pk).live
    assert BuildingBlock.objects.get(title="Patch burning").status == BuildingBlockStatus.PUBLISHED
    outsider = cast.users["outsider"]
    assert _mails_to(outsider) == [
        '[KM4B] "Fire management with elders" is waiting for review',
        '[KM4B] "Fire management with elders" is published',
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"summary": "x" * 1001}, "summary", "at most 1000 characters"),
        ({"period_end": "2018-01-01"}, "period_end", "The period cannot end before it starts."),
        ({"latitude": "95", "longitude": "10"}, "latitude", "less than or equal to 90"),
        ({"latitude": "12"}, "longitude", "Give both the latitude and the longitude"),
        ({"doi": "doi.org/abc"}, "doi", "Enter a DOI such as 10.1234/abcd"),
        ({"licence": "mine"}, "licence", "Select a valid choice"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"period_start": "2019-13-45"}, "period_start", "Enter a valid date."),
        ({"new_block_title": "Half a block"}, "new_block_summary", "Give the new building block a summary."),
        ({"gbf_targets": ["999999"]}, "gbf_targets", "Select a valid choice"),
        ({"gbf_targets": [str(2**64)]}, "gbf_targets", "Select a valid choice"),
        ({"blocks": ["9" * 400]}, "blocks", "Select a valid choice"),
        ({"source_community": "-1"}, "source_community", "Select a valid choice"),
        ({"latitude": "1e309", "longitude": "NaN"}, "longitude", "Enter a number."),
        ({"title": "x" * 256}, "title", "at most 255 characters"),
    ],
)
def test_bad_input_is_answered_on_the_form(cast, client, overrides, field, message):
    client = cast.client(client, "outsider")
    response = client.post(reverse("cop_library:share", args=[cast.site_library.pk]), _form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not CaseStudyPage.objects.filter(title="Fire management with elders").exists()


def test_form_errors_are_in_the_users_language(cast, client):
    client = cast.client(client, "outsider")
    url = "/fr" + reverse("cop_library:share", args=[cast.site_library.pk])[3:]
    response = client.post(url, _form(title="", period_end="2018-01-01"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Veuillez corriger les erreurs ci-dessous." in text
    assert '<p class="field__error" id="id_title_error">Champ requis.</p>' in text


def test_someone_elses_draft_is_not_found(cast, client):
    client = cast.client(client, "outsider")
    client.post(reverse("cop_library:share", args=[cast.site_library.pk]), _form())
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    other = cast.client(client, "holder_member")
    for name in ("submission_edit", "submission_preview"):
        assert other.get(reverse(f"cop_library:{name}", args=[page.pk])).status_code == 404
    assert other.post(reverse("cop_library:submission_submit", args=[page.pk])).status_code == 404
    assert other.get(reverse("cop_library:submission_submit", args=[page.pk])).status_code == 405


def test_my_case_studies_reads_a_constant_number_of_queries(cast, client, django_assert_num_queries):
    client = cast.client(client, "outsider")
    url = reverse("cop_library:share", args=[cast.site_library.pk])
    client.post(url, _form(title="First"))
    client.get(reverse("cop_library:my_case_studies"))  # warms the content types
    # The user, the case studies, their libraries, their workflow states; the holder review tasks and
    # the consents waiting for this user's review (the session and the bell's count: from the cache).
    with django_assert_num_queries(6):
        client.get(reverse("cop_library:my_case_studies"))
    for number in range(4):
        client.post(url, _form(title=f"More {number}"))
    with django_assert_num_queries(6):
        assert client.get(reverse("cop_library:my_case_studies")).content.decode().count("<h3>") == 5


def test_the_demo_has_a_submission_waiting_for_review_and_one_with_changes_requested():
    import cop.demo
    import home.demo
    from cop.library import demo
    from cop.library.submissions import submissions_of

    context = home.demo.seed(None)
    cop.demo.seed(context, None)
    demo.seed(context, None)
    count = CaseStudyPage.objects.count()
    demo.seed(context, None)
    assert CaseStudyPage.objects.count() == count  # idempotent
    users = context["users"]
    [waiting] = submissions_of(users["practitioner@km4b.example"])
    assert waiting["state"] == "in_review" and waiting["task_name"] == "Review by the library editors"
    [sent_back] = submissions_of(users["james@km4b.example"])
    assert sent_back["state"] == "changes_requested"
    assert sent_back["comment"].startswith("Please add the results")
    assert not waiting["page"].live and not sent_back["page"].live


def test_the_submitter_writes_the_consent_record_of_a_draft_and_hostile_ids_are_refused(cast, client):
    client = cast.client(client, "holder_member")
    client.post(reverse("cop_library:share", args=[cast.library.pk]), _form(holds_traditional_knowledge="on"))
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    url = reverse("cop_library:consent_edit", args=["case-study", page.pk])
    assert client.get(url).status_code == 200
    consent = {
        "holder_community": str(cast.holder.pk),
        "consented_by": "Council of elders",
        "consented_on": "2026-03-01",
        "process": "assembly",
        "uses": ["allow_view"],
        "audience": "communities",
        "audience_communities": [str(cast.holder.pk)],
        "notice_title": "Fire knowledge",
        "notice_summary": "Shared with the community.",
    }
    for hostile in (str(2**64), "9" * 400, "-1"):
        response = client.post(url, {**consent, "holder_community": hostile})
        assert response.status_code == 400
        response = client.post(url, {**consent, "audience_communities": [hostile]})
        assert response.status_code == 400
    assert client.post(url, consent).status_code == 302
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.consent.status == "active"
    assert list(page.consent.custodians.all()) == [cast.users["holder_member"]]
    mine = client.get(reverse("cop_library:my_case_studies")).content.decode()
    assert "Consent record of the holder community: in force." in mine
