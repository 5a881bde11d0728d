"""The access protocol (cop.library.services.access): who may ask, one pending request each, the rate
limit, grants (until a date), declines and revocations, each logged and each told by e-mail once,
checked again at send time."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cop import ratelimit
from cop.library import tasks
from cop.library.exceptions import (
    AccessNotOffered,
    AlreadyHasAccess,
    AlreadyRequested,
    GrantNotActive,
    InvalidDate,
    ItemNotFound,
    NotCustodian,
    RequestNotPending,
    RequestRateLimited,
)
from cop.library.models import AccessRequest, AccessRequestStatus, ConsentAction, ConsentLogEntry
from cop.library.permissions import Access, access
from cop.library.services import access as services
from cop.library.services.consent import consent_withdraw
from tests.clock import FrozenClock

pytestmark = pytest.mark.django_db


def _fresh(page):
    return type(page).objects.get(pk=page.pk)


def test_an_outsider_asks_and_the_custodian_is_told_once(cast, django_capture_on_commit_callbacks):
    page, consent = cast.tk_case_study()
    outsider = cast.user("outsider")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.access_request(user=outsider, item=page, message="For my thesis on river plants")
    assert request.status == AccessRequestStatus.PENDING
    assert [m.to for m in mail.outbox] == [[cast.users["custodian"].email]]
    assert "For my thesis on river plants" in mail.outbox[0].body
    assert "/consent/case-study/" in mail.outbox[0].body and mail.outbox[0].body.count("http://") >= 1
    # A retried task sends nothing more.
    tasks.notify_access_requested(request.pk)
    assert len(mail.outbox) == 1
    entry = ConsentLogEntry.objects.get(consent=consent)
    assert (entry.action, entry.actor, entry.details["request"]) == (
        ConsentAction.ACCESS_REQUESTED,
        outsider,
        request.pk,
    )
    with pytest.raises(AlreadyRequested) as twice:
        services.access_request(user=outsider, item=page)
    assert twice.value.status == 409


@pytest.mark.parametrize(
    ("kind", "secret", "error", "status"),
    [
        ("holder_member", False, AlreadyHasAccess, 409),  # already in the audience
        ("custodian", False, AlreadyHasAccess, 409),
        ("outsider", True, ItemNotFound, 404),  # secret/sacred: its existence is not revealed
    ],
)
def test_who_may_not_ask(cast, kind, secret, error, status):
    page, _consent = cast.tk_case_study(secret_sacred=secret)
    with pytest.raises(error) as refused:
        services.access_request(user=cast.user(kind), item=page)
    assert refused.value.status == status
    assert not AccessRequest.objects.filter(requester__isnull=False, status="pending").exists()


def test_an_item_that_offers_no_viewing_is_refused_clearly(cast):
    page, consent = cast.tk_case_study()
    consent.allow_view = False
    consent.save()
    with pytest.raises(AccessNotOffered) as refused:
        services.access_request(user=cast.user("outsider"), item=_fresh(page))
    assert refused.value.status == 403
    assert "does not offer access" in str(refused.value.message)


def test_requests_are_rate_limited_with_retry_after(cast, client, monkeypatch, settings):
    settings.LIBRARY_ACCESS_REQUEST_RATE_LIMITS = {"hour": (3600, 2)}
    monkeypatch.setattr(ratelimit, "wall_clock", FrozenClock(1_800_000_000))
    pages = [cast.tk_case_study()[0] for _ in range(3)]
    outsider = cast.user("outsider")
    services.access_request(user=outsider, item=pages[0])
    services.access_request(user=outsider, item=pages[1])
    with pytest.raises(RequestRateLimited) as refused:
        services.access_request(user=outsider, item=pages[2])
    assert refused.value.status == 429 and refused.value.retry_after > 0
    client.force_login(cast.users["outsider"])
    response = client.post(
        reverse("cop_library:access_request", args=["case-study", pages[2].pk]), {"message": ""}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_grant_until_a_date_then_revoke(cast, django_capture_on_commit_callbacks):
    page, consent = cast.tk_case_study()
    outsider = cast.user("outsider")
    custodian = cast.users["custodian"]
    request = services.access_request(user=outsider, item=page)
    with pytest.raises(NotCustodian):
        services.access_grant(user=cast.users["holder_member"], access_request=request)
    with pytest.raises(InvalidDate):
        services.access_grant(user=custodian, access_request=request, granted_until=datetime.date(2000, 1, 1))
    until = timezone.localdate() + datetime.timedelta(days=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.access_grant(
            user=custodian, access_request=request, granted_until=until, note="Cite the council"
        )
    assert access(cast.user("outsider"), _fresh(page)) == Access.FULL
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert "Cite the council" in mail.outbox[0].body and page.title in mail.outbox[0].subject
    tasks.send_access_decided(request.pk, "granted")
    assert len(mail.outbox) == 1
    with pytest.raises(RequestNotPending):
        services.access_decline(user=custodian, access_request=request)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_revoke(user=custodian, access_request=request)
    assert access(cast.user("outsider"), _fresh(page)) == Access.NOTICE
    assert len(mail.outbox) == 2
    # The revocation mail names only the notice, never the restricted title.
    assert page.title not in mail.outbox[1].subject + mail.outbox[1].body
    with pytest.raises(GrantNotActive):
        services.access_revoke(user=custodian, access_request=request)
    actions = list(
        ConsentLogEntry.objects.filter(consent=consent).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        ConsentAction.ACCESS_REQUESTED,
        ConsentAction.ACCESS_GRANTED,
        ConsentAction.ACCESS_REVOKED,
    ]


def test_a_grant_past_its_date_ends(cast):
    page, _consent = cast.tk_case_study()
    request = services.access_request(user=cast.user("outsider"), item=page)
    services.access_grant(
        user=cast.users["custodian"], access_request=request, granted_until=timezone.localdate()
    )
    assert access(cast.user("outsider"), _fresh(page)) == Access.FULL
    AccessRequest.objects.filter(pk=request.pk).update(
        granted_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert access(cast.user("outsider"), _fresh(page)) == Access.NOTICE


def test_decline_with_a_note(cast, django_capture_on_commit_callbacks):
    page, consent = cast.tk_case_study()
    request = services.access_request(user=cast.user("outsider"), item=page)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.access_decline(
            user=cast.users["custodian"], access_request=request, note="Not for outsiders"
        )
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.DECLINED and request.decision_note == "Not for outsiders"
    assert "Not for outsiders" in mail.outbox[0].body
    assert consent.notice_title in mail.outbox[0].subject


def test_mail_about_an_item_withdrawn_in_between_is_not_sent(cast, django_capture_on_commit_callbacks):
    page, consent = cast.tk_case_study()
    request = services.access_request(user=cast.user("outsider"), item=page)  # the mail task is not run
    services.access_grant(user=cast.users["custodian"], access_request=request)
    consent_withdraw(user=cast.users["custodian"], consent=consent, reason="The council withdrew it")
    mail.outbox.clear()
    assert tasks.notify_access_requested(request.pk) == 0
    assert tasks.send_access_requested(request.pk, cast.users["custodian"].pk) is False
    assert tasks.send_access_decided(request.pk, "granted") is False
    assert mail.outbox == []


def test_the_custodian_decides_on_the_page_and_the_outsider_asks_from_the_notice(cast, client):
    page, _consent = cast.tk_case_study()
    outsider = cast.client(client, "outsider")
    notice = outsider.get(page.url)
    assert notice.status_code == 200
    url = reverse("cop_library:access_request", args=["case-study", page.pk])
    assert f'action="{url}"' in notice.content.decode()  # the notice embeds the request form
    sent = outsider.post(url, {"message": "Please"})
    # Back to the item's neutral address: its own is made from the restricted title.
    assert sent.status_code == 302 and sent["Location"] == reverse("cop_library:item", args=[page.pk])
    request = AccessRequest.objects.get(requester=cast.users["outsider"], status="pending")
    custodian = cast.client(client, "custodian")
    manage = custodian.get(reverse("cop_library:consent_manage", args=["case-study", page.pk]))
    assert "Please" in manage.content.decode()
    decide = reverse("cop_library:access_decide", args=[request.pk])
    assert cast.client(client, "holder_member").post(decide, {"decision": "grant"}).status_code == 403
    assert (
        cast.client(client, "custodian").post(decide, {"decision": "grant", "granted_until": ""}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.GRANTED


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    page, _consent = cast.tk_case_study()
    response = client.post(
        reverse("cop_library:access_request", args=["case-study", page.pk]), {"message": "x"}
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AccessRequest.objects.filter(status="pending").exists()
