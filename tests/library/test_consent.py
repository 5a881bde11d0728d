"""The consent services (cop.library.services.consent) and the custodians' pages: every change bumps the
version, writes one log entry, and takes effect at once on the page and in the search index."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page

from cop.library.exceptions import (
    ConsentAlreadyActive,
    ConsentInvalid,
    ConsentNotActive,
    NotCustodian,
    NothingToNarrow,
)
from cop.library.models import (
    Audience,
    ConsentAction,
    ConsentLogEntry,
    ConsentProcess,
    ConsentRecord,
    ConsentStatus,
)
from cop.library.permissions import Access, access
from cop.library.services import consent as services
from tests.library.conftest import make_case_study

pytestmark = pytest.mark.django_db

RESTRICTED = "RESTRICTED-SOLUTION"


def _values(**overrides):
    values = {
        "holder_name": "Council of the upper river",
        "consented_by": "The council of elders",
        "consented_on": datetime.date(2026, 3, 1),
        "process": ConsentProcess.ASSEMBLY,
        "audience": Audience.COMMUNITIES,
        "notice_title": "Healing plants (restricted)",
        "notice_summary": "Shared with the community's members.",
        "allow_view": True,
    }
    values.update(overrides)
    return values


def _actions(consent):
    return list(
        ConsentLogEntry.objects.filter(consent=consent).order_by("pk").values_list("action", flat=True)
    )


def test_the_submitter_records_the_first_consent_and_becomes_its_custodian(cast):
    author = cast.users["holder_member"]
    page = make_case_study(
        cast.library, title="Draft TK", holds_traditional_knowledge=True, live=False, submitted_by=author
    )
    consent = services.consent_record(
        user=author, item=page, values=_values(), audience_communities=[cast.holder]
    )
    assert consent.status == ConsentStatus.ACTIVE
    assert consent.version == 1
    assert list(consent.custodians.all()) == [author]
    assert _actions(consent) == [ConsentAction.CREATED]
    entry = ConsentLogEntry.objects.get(consent=consent)
    assert entry.actor == author
    assert entry.details["values"]["audience"] == "communities"


def test_someone_else_cannot_record_consent_for_an_item(cast):
    page = make_case_study(cast.library, title="Draft TK", holds_traditional_knowledge=True, live=False)
    with pytest.raises(NotCustodian):
        services.consent_record(
            user=cast.users["outsider"], item=page, values=_values(), audience_communities=[cast.holder]
        )


@pytest.mark.parametrize(
    ("overrides", "communities", "message"),
    [
        ({"holder_name": ""}, True, "Name the holder community"),
        ({"consented_by": " "}, True, "Say who gave consent"),
        ({"consented_on": datetime.date(2099, 1, 1)}, True, "cannot be in the future"),
        ({"expires_on": datetime.date(2026, 2, 1)}, True, "must come after the consent date"),
        ({}, False, "at least one community"),
        ({"audience": Audience.PEOPLE}, True, "at least one person"),
        ({"notice_title": ""}, True, "notice title"),
    ],
)
def test_an_incomplete_record_is_refused_with_a_clear_message(cast, overrides, communities, message):
    author = cast.users["holder_member"]
    page = make_case_study(
        cast.library, title="Draft TK", holds_traditional_knowledge=True, live=False, submitted_by=author
    )
    with pytest.raises(ConsentInvalid) as refused:
        services.consent_record(
            user=author,
            item=page,
            values=_values(**overrides),
            audience_communities=[cast.holder] if communities else [],
        )
    assert message in str(refused.value.message)
    assert refused.value.status == 400
    assert not ConsentRecord.objects.filter(case_study=page).exists()


def test_a_change_that_only_takes_people_away_is_logged_as_narrowed(cast):
    page, consent = cast.tk_case_study(audience=Audience.SIGNED_IN)
    custodian = cast.users["custodian"]
    services.consent_record(
        user=custodian,
        item=page,
        values={"audience": Audience.COMMUNITIES},
        audience_communities=[cast.holder],
        custodians=[custodian],
    )
    consent.refresh_from_db()
    assert consent.version == 2
    assert _actions(consent) == [ConsentAction.NARROWED]
    services.consent_record(
        user=custodian, item=page, values={"audience": Audience.PUBLIC}, custodians=[custodian]
    )
    assert _actions(consent) == [ConsentAction.NARROWED, ConsentAction.CHANGED]


def test_narrowing_takes_effect_at_once(cast):
    page, consent = cast.tk_case_study(audience=Audience.SIGNED_IN, allow_download=True)
    outsider = cast.user("outsider")
    assert access(outsider, page) == Access.FULL
    services.consent_narrow(
        user=cast.users["custodian"],
        consent=consent,
        audience=Audience.COMMUNITIES,
        audience_communities=[cast.holder],
        remove_uses=["allow_download"],
    )
    consent.refresh_from_db()
    page = type(page).objects.get(pk=page.pk)
    assert access(cast.user("outsider"), page) == Access.NOTICE
    assert access(cast.user("holder_member"), page) == Access.FULL
    assert consent.allow_download is False
    assert consent.version == 2
    assert _actions(consent) == [ConsentAction.NARROWED]


def test_narrowing_refuses_a_wider_audience(cast):
    page, consent = cast.tk_case_study()
    with pytest.raises(NothingToNarrow):
        services.consent_narrow(user=cast.users["custodian"], consent=consent, audience=Audience.PUBLIC)
    with pytest.raises(NotCustodian):
        services.consent_narrow(user=cast.users["holder_member"], consent=consent, remove_uses=["allow_view"])
    assert _actions(consent) == []


def test_withdrawal_hides_the_item_at_once_on_the_page(cast, client):
    page, consent = cast.tk_case_study()
    member = cast.client(client, "holder_member")
    assert RESTRICTED in member.get(page.url).content.decode()
    with pytest.raises(ConsentInvalid):
        services.consent_withdraw(user=cast.users["custodian"], consent=consent, reason=" ")
    services.consent_withdraw(user=cast.users["custodian"], consent=consent, reason="The council asked us to")
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert consent.withdrawn_by == cast.users["custodian"]
    assert consent.version == 2
    assert _actions(consent) == [ConsentAction.WITHDRAWN]
    response = member.get(page.url)
    assert response.status_code == 404
    assert RESTRICTED not in response.content.decode()
    custodian = cast.client(client, "custodian")
    assert RESTRICTED in custodian.get(page.url).content.decode()
    with pytest.raises(ConsentNotActive):
        services.consent_withdraw(user=cast.users["custodian"], consent=consent, reason="again")


def test_withdrawal_takes_the_item_out_of_the_search_index_at_once(cast, django_capture_on_commit_callbacks):
    page, consent = cast.tk_case_study(audience=Audience.PUBLIC)
    from wagtail.search import index

    index.insert_or_update_object(page)
    notice = consent.notice_title.split()[0]
    assert Page.objects.live().search(notice).count() >= 1
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(
            user=cast.users["custodian"], consent=consent, reason="Withdrawn by the council"
        )
    assert list(Page.objects.live().search(notice)) == []


def test_restore_needs_a_new_consent_date_and_is_logged(cast):
    page, consent = cast.tk_case_study()
    custodian = cast.users["custodian"]
    with pytest.raises(ConsentAlreadyActive):
        services.consent_restore(user=custodian, consent=consent, consented_on=datetime.date(2026, 4, 1))
    services.consent_withdraw(user=custodian, consent=consent, reason="Paused")
    with pytest.raises(ConsentInvalid):
        services.consent_restore(user=custodian, consent=consent, consented_on=datetime.date(2099, 1, 1))
    services.consent_restore(
        user=custodian,
        consent=consent,
        consented_on=datetime.date(2026, 4, 1),
        consented_by="The new council",
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    assert consent.consented_by == "The new council"
    assert consent.withdrawn_at is None
    assert consent.version == 3
    assert _actions(consent) == [ConsentAction.WITHDRAWN, ConsentAction.RESTORED]
    assert access(cast.user("holder_member"), type(page).objects.get(pk=page.pk)) == Access.FULL


def test_the_custodian_pages_show_the_record_and_refuse_others(cast, client):
    page, consent = cast.tk_case_study()
    url = reverse("cop_library:consent_manage", args=["case-study", page.pk])
    response = cast.client(client, "custodian").get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Council of elders" in body and "Audit log" in body and "Who viewed this item" in body
    assert cast.client(client, "holder_member").get(url).status_code == 403
    # An outsider only sees the notice: the page exists for them, the record does not.
    assert cast.client(client, "outsider").get(url).status_code == 403
    secret_page, _secret = cast.tk_case_study(secret_sacred=True)
    secret_url = reverse("cop_library:consent_manage", args=["case-study", secret_page.pk])
    assert cast.client(client, "outsider").get(secret_url).status_code == 404
    assert client.get(reverse("cop_library:consent_manage", args=["nothing", page.pk])).status_code == 404


def test_withdraw_and_restore_through_the_pages(cast, client):
    page, consent = cast.tk_case_study()
    custodian = cast.client(client, "custodian")
    withdraw_url = reverse("cop_library:consent_withdraw", args=["case-study", page.pk])
    assert custodian.get(withdraw_url).status_code == 200
    assert custodian.post(withdraw_url, {"reason": ""}).status_code == 400
    response = custodian.post(withdraw_url, {"reason": "The assembly decided so"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    restore_url = reverse("cop_library:consent_restore", args=["case-study", page.pk])
    response = custodian.post(
        restore_url, {"consented_on": "2026-05-01", "consented_by": "", "expires_on": ""}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    assert consent.consented_on == datetime.date(2026, 5, 1)


def test_the_consent_form_writes_the_first_record(cast, client):
    author = cast.users["holder_member"]
    page = make_case_study(
        cast.library, title="Draft TK", holds_traditional_knowledge=True, live=False, submitted_by=author
    )
    client.force_login(author)
    url = reverse("cop_library:consent_edit", args=["case-study", page.pk])
    assert client.get(url).status_code == 200
    data = {
        "holder_community": cast.holder.pk,
        "consented_by": "The council",
        "consented_on": "2026-03-01",
        "process": "assembly",
        "uses": ["allow_view", "allow_cite"],
        "audience": "communities",
        "audience_communities": [cast.holder.pk],
        "notice_title": "Healing plants",
        "notice_summary": "For members.",
        "custodians": f"{author.email}\n{cast.users['custodian'].email}",
    }
    assert client.post(url, {**data, "audience_communities": []}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = services.item_consent(type(page).objects.get(pk=page.pk))
    assert consent.allow_cite and not consent.allow_download
    assert set(consent.custodians.all()) == {author, cast.users["custodian"]}


def test_narrow_through_the_page(cast, client):
    page, consent = cast.tk_case_study(audience=Audience.SIGNED_IN, allow_download=True)
    custodian = cast.client(client, "custodian")
    url = reverse("cop_library:consent_narrow", args=["case-study", page.pk])
    assert custodian.get(url).status_code == 200
    response = custodian.post(url, {"audience": "public", "remove_uses": []})
    assert response.status_code == 400 and "Nothing would be narrowed" in response.content.decode()
    response = custodian.post(url, {"audience": "signed_in", "remove_uses": ["allow_download"]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    consent.refresh_from_db()
    assert consent.allow_download is False and consent.audience == "signed_in"
    both = [cast.holder.pk, cast.other.pk]
    response = custodian.post(url, {"audience": "communities", "audience_communities": both})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.audience == "communities"
    assert access(cast.user("outsider"), type(page).objects.get(pk=page.pk)) == Access.NOTICE
    # From then on, only fewer of those communities narrow it.
    response = custodian.post(url, {"audience": "communities", "audience_communities": both})
    assert response.status_code == 400
    response = custodian.post(url, {"audience": "communities", "audience_communities": [cast.holder.pk]})
    assert response.status_code == 302
    assert list(consent.audience_communities.all()) == [cast.holder]
    assert _actions(consent) == [ConsentAction.NARROWED] * 3


def test_a_building_block_has_its_consent_pages_too(cast, client):
    from cop.library.models import BuildingBlock
    from tests.library.conftest import make_consent

    block = BuildingBlock.objects.create(
        title="Seed keepers' calendar",
        summary="RESTRICTED block",
        library=cast.library,
        holds_traditional_knowledge=True,
    )
    consent = make_consent(
        block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
    )
    BuildingBlock.objects.filter(pk=block.pk).update(status="published")
    block = BuildingBlock.objects.get(pk=block.pk)
    custodian = cast.client(client, "custodian")
    assert custodian.get(reverse("cop_library:consent_manage", args=["block", block.pk])).status_code == 200
    withdraw = reverse("cop_library:consent_withdraw", args=["block", block.pk])
    assert custodian.post(withdraw, {"reason": "Asked by the elders"}).status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert access(cast.user("holder_member"), BuildingBlock.objects.get(pk=block.pk)) == Access.HIDDEN
    response = cast.client(client, "holder_member").get(block.get_absolute_url())
    assert response.status_code == 404 and "RESTRICTED" not in response.content.decode()


def test_the_item_page_leads_its_custodians_to_the_consent_record(cast, client):
    page, _consent = cast.tk_case_study()
    manage = reverse("cop_library:consent_manage", args=["case-study", page.pk])
    assert manage in cast.client(client, "custodian").get(page.url).content.decode()
    assert manage not in cast.client(client, "holder_member").get(page.url).content.decode()
    assert (
        reverse("cop_library:my_custodianship")
        in cast.client(client, "holder_member").get("/en/").content.decode()
    )
