"""Membership e-mails: sent after commit, in the recipient's language, once, retried on failure."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from cop import services, tasks
from cop.models import Membership, MembershipStatus, Role
from tests.factories import CommunityPageFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(site_home):
    return CommunityPageFactory(title="Seed keepers", join_policy="approval", visibility="members")


@pytest.fixture
def facilitators(community):
    return [
        MembershipFactory(community=community, role=Role.FACILITATOR, user__preferred_language="fr").user,
        MembershipFactory(community=community, role=Role.FACILITATOR, user__preferred_language="es").user,
    ]


@pytest.fixture
def flaky_smtp(monkeypatch):
    """The first `failures` sends raise an SMTP error, then the outbox works again. Eager tasks run
    their retries in place when errors are not propagated, as in the embedded default (base settings);
    the test settings propagate them, so this fixture turns that off."""
    monkeypatch.setitem(tasks.notify_membership_requested.app.conf, "task_eager_propagates", False)
    state = {"calls": 0, "failures": 1}
    real = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] <= state["failures"]:
            raise SMTPException("421 Service not available, try again later")
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return state


def test_request_e_mails_each_facilitator_in_their_language_after_commit(
    client, community, facilitators, django_capture_on_commit_callbacks
):
    requester = UserFactory(display_name="Lucía")
    client.force_login(requester)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/en/communities/{community.pk}/request/", {"message": "Je travaille sur les semences."})
    assert mail.outbox == []  # nothing is sent inside the transaction
    assert callbacks  # the e-mail task among them (the community's cached sections are told too)
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f.email for f in facilitators)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    french = by_recipient[facilitators[0].email]
    assert french.subject == "[KM4B] Lucía demande à rejoindre Seed keepers"
    assert by_recipient[facilitators[1].email].subject == "[KM4B] Lucía solicita unirse a Seed keepers"
    assert "Je travaille sur les semences." in french.body
    assert f"/fr/communities/{community.pk}/manage/" in french.body
    assert f"/es/communities/{community.pk}/manage/" in by_recipient[facilitators[1].email].body
    membership = Membership.objects.get(user=requester)
    assert membership.request_notified_at is not None


def test_request_notice_is_sent_once(community, facilitators, capture_commits):
    requester = UserFactory()
    with capture_commits():
        membership = services.membership_request(user=requester, community=community)
    assert len(mail.outbox) == 2
    assert tasks.notify_membership_requested.delay(membership.pk).get() == 0
    assert len(mail.outbox) == 2


def test_withdrawn_request_sends_nothing(community, facilitators):
    membership = services.membership_request(user=UserFactory(), community=community)
    services.membership_withdraw(user=membership.user, community=community)
    assert tasks.notify_membership_requested.delay(membership.pk).get() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_decision_e_mails_the_requester(community, facilitators, capture_commits, decision):
    requester = UserFactory(preferred_language="en")
    membership = services.membership_request(user=requester, community=community)
    with capture_commits():
        if decision == "approve":
            services.membership_approve(actor=facilitators[0], membership_id=membership.pk)
        else:
            services.membership_decline(
                actor=facilitators[0], membership_id=membership.pk, reason="Focal points only"
            )
    (message,) = mail.outbox
    assert message.to == [requester.email]
    if decision == "approve":
        assert message.subject == "[KM4B] Welcome to Seed keepers"
        assert community.url in message.body
    else:
        assert message.subject == "[KM4B] Your request to join Seed keepers"
        assert "Focal points only" in message.body
    assert tasks.notify_membership_decided.delay(membership.pk).get() == 0
    assert len(mail.outbox) == 1


def test_invitation_e_mail_carries_a_working_signed_link(community, facilitators, capture_commits, client):
    with capture_commits():
        invitation = services.invitation_create(
            actor=facilitators[0], community=community, email="olga@example.org", message="Join us!"
        )
    (message,) = mail.outbox
    assert message.to == ["olga@example.org"]
    assert "Join us!" in message.body
    link = next(line for line in message.body.splitlines() if "/invitations/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert "You are invited to join" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert tasks.send_invitation.delay(invitation.pk).get() == 0


def test_failing_send_is_retried_and_the_change_kept(
    client, community, facilitators, flaky_smtp, capture_commits
):
    requester = UserFactory()
    client.force_login(requester)
    with capture_commits():
        response = client.post(f"/en/communities/{community.pk}/request/", {"message": "Hello"})
    assert response.status_code == 302
    assert Membership.objects.get(user=requester).status == MembershipStatus.PENDING
    # One e-mail task per facilitator: the first failed once and was retried, the second went at once.
    assert flaky_smtp["calls"] == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f.email for f in facilitators)


def test_send_failing_for_good_never_loses_the_membership_change(
    client, community, facilitators, flaky_smtp, capture_commits
):
    flaky_smtp["failures"] = 100
    requester = UserFactory()
    membership = services.membership_request(user=requester, community=community)
    client.force_login(facilitators[0])
    with capture_commits():
        response = client.post(f"/en/communities/{community.pk}/manage/requests/{membership.pk}/approve/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.decision_notified_at is None  # still due: a later run may send it
    assert flaky_smtp["calls"] == tasks.RETRY_OPTIONS["max_retries"] + 1
    assert mail.outbox == []


def test_tasks_are_retried_on_smtp_and_connection_errors():
    for task in (
        tasks.notify_membership_requested,
        tasks.send_membership_requested,
        tasks.notify_membership_decided,
        tasks.send_invitation,
    ):
        assert SMTPException in task.autoretry_for and OSError in task.autoretry_for
        assert task.max_retries == tasks.RETRY_OPTIONS["max_retries"]


def test_revoked_invitation_is_not_sent(community):
    invitation = InvitationFactory(community=community)
    services.invitation_revoke(
        actor=MembershipFactory(community=community, role=Role.FACILITATOR).user, invitation_id=invitation.pk
    )
    assert tasks.send_invitation.delay(invitation.pk).get() == 0
    assert mail.outbox == []


def test_request_to_a_community_without_facilitators_goes_to_the_organisers(community, capture_commits):
    organiser = UserFactory(is_superuser=True, is_staff=True)
    with capture_commits():
        services.membership_request(user=UserFactory(), community=community)
    assert [m.to for m in mail.outbox] == [[organiser.email]]


def test_invitation_to_an_existing_account_is_in_its_language(community, facilitators, capture_commits):
    UserFactory(email="olga@example.org", preferred_language="ru")
    with capture_commits():
        services.invitation_create(actor=facilitators[0], community=community, email="OLGA@example.org")
    (message,) = mail.outbox
    assert message.subject == "[KM4B] Вас приглашают в сообщество «Seed keepers»"
    assert "/ru/invitations/" in message.body
