"""Custodians: added and removed by custodians (never the last one), and custodianship passing when a
custodian leaves the holder community: to the other custodians, else to its facilitators (told by
e-mail), logged with no actor."""

import pytest
from django.core import mail
from django.urls import reverse

from cop import services as cop_services
from cop.library.exceptions import AlreadyCustodian, LastCustodian, NotCustodian
from cop.library.models import ConsentAction, ConsentLogEntry
from cop.library.permissions import Access, access, may_manage_consent
from cop.library.services import custodians as services
from cop.models import Membership, MembershipStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _leave(user, community):
    membership = Membership.objects.get(user=user, community=community)
    membership.status = MembershipStatus.LEFT
    membership.save()


def test_add_and_remove_custodians_but_never_the_last(cast):
    _page, consent = cast.tk_case_study()
    custodian = cast.users["custodian"]
    helper = cast.users["holder_member"]
    with pytest.raises(NotCustodian):
        services.custodian_add(user=helper, consent=consent, person=helper)
    services.custodian_add(user=custodian, consent=consent, person=helper)
    with pytest.raises(AlreadyCustodian):
        services.custodian_add(user=custodian, consent=consent, person=helper)
    services.custodian_remove(user=helper, consent=consent, person=custodian)
    with pytest.raises(LastCustodian):
        services.custodian_remove(user=helper, consent=consent, person=helper)
    consent.refresh_from_db()
    assert list(consent.custodians.all()) == [helper]
    assert consent.version == 3
    actions = list(
        ConsentLogEntry.objects.filter(consent=consent).order_by("pk").values_list("action", "actor")
    )
    assert actions == [
        (ConsentAction.CUSTODIAN_ADDED, custodian.pk),
        (ConsentAction.CUSTODIAN_REMOVED, helper.pk),
    ]


def test_leaving_passes_custodianship_to_the_other_custodians(cast):
    page, consent = cast.tk_case_study()
    other = cast.users["holder_member"]
    consent.custodians.add(other)
    _leave(cast.users["custodian"], cast.holder)
    consent.refresh_from_db()
    assert list(consent.custodians.all()) == [other]
    entry = ConsentLogEntry.objects.get(consent=consent)
    assert entry.action == ConsentAction.CUSTODIANSHIP_PASSED and entry.actor is None
    assert entry.details == {"from": cast.users["custodian"].pk, "to": [other.pk], "to_facilitators": False}
    # The former custodian no longer sees the item beyond its notice (they left the audience too).
    assert access(cast.user("custodian"), type(page).objects.get(pk=page.pk)) == Access.NOTICE


def test_the_last_custodian_leaving_passes_it_to_the_facilitators(cast, django_capture_on_commit_callbacks):
    _page, consent = cast.tk_case_study()
    facilitator = MembershipFactory(community=cast.holder, role="facilitator").user
    with django_capture_on_commit_callbacks(execute=True):
        cop_services.membership_leave(user=cast.users["custodian"], community=cast.holder)
    consent.refresh_from_db()
    assert list(consent.custodians.all()) == [facilitator]
    assert may_manage_consent(facilitator, consent)
    entry = ConsentLogEntry.objects.get(consent=consent)
    assert entry.details["to"] == [facilitator.pk] and entry.details["to_facilitators"] is True
    assert [m.to for m in mail.outbox if "custodian" in m.subject] == [[facilitator.email]]
    # Idempotent: another "ended" signal for the same person passes nothing more.
    assert (
        services.custodianship_pass(person_id=cast.users["custodian"].pk, community_id=cast.holder.pk) == []
    )


def test_leaving_another_community_changes_nothing(cast):
    _page, consent = cast.tk_case_study()
    MembershipFactory(community=cast.other, user=cast.users["custodian"])
    _leave(cast.users["custodian"], cast.other)
    assert list(consent.custodians.all()) == [cast.users["custodian"]]
    assert not ConsentLogEntry.objects.filter(consent=consent).exists()


def test_my_custodianship_lists_my_consents_in_constant_queries(cast, client, django_assert_num_queries):
    custodian = cast.users["custodian"]
    page, _consent = cast.tk_case_study()
    client.force_login(custodian)
    url = reverse("cop_library:my_custodianship")
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(3) as first:  # the user, the consents counted, a page of them
        response = client.get(url)
    assert page.title in response.content.decode()
    for _ in range(3):
        cast.tk_case_study()
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/consent/case-study/") == 4
    client.force_login(UserFactory())
    assert "You are not a custodian of any consent." in client.get(url).content.decode()


def test_custodians_are_added_and_removed_on_the_page(cast, client):
    page, consent = cast.tk_case_study()
    client.force_login(cast.users["custodian"])
    add = reverse("cop_library:custodian_add", args=["case-study", page.pk])
    assert client.post(add, {"email": "nobody@km4b.test"}).status_code == 302
    assert consent.custodians.count() == 1
    assert client.post(add, {"email": cast.users["holder_member"].email}).status_code == 302
    assert consent.custodians.count() == 2
    remove = reverse("cop_library:custodian_remove", args=["case-study", page.pk, cast.users["custodian"].pk])
    assert client.post(remove).status_code == 302
    assert list(consent.custodians.all()) == [cast.users["holder_member"]]
