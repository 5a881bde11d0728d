"""Needs and offers: drafts and submissions private to their side, moderation before they are public,
posting for an organisation only by its focal points, the daily expiry, lists in constant queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.models import GBFTarget, KMComponent, Language
from cop.network.models import ExchangeStatus, Need, Offer, Organisation
from cop.network.tasks import expire_exchanges
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db


def need_form(**extra):
    return {
        "title": "Training in species distribution modelling",
        "description": "Our team needs hands-on training.",
        "rationale": "To prepare the national red list.",
        "support_kind": "training",
        "gbf_targets": [GBFTarget.objects.get(number=4).pk],
        "km_components": [KMComponent.objects.get(slug="capacity").pk],
        "country": "PE",
        "language": Language.objects.get(code="es").pk,
        "urgency": "high",
        **extra,
    }


def test_a_need_goes_through_moderation_before_it_is_public(client, moderator):
    author = UserFactory()
    client.force_login(author)
    response = client.post("/en/network/needs/new/", need_form(submit="1"))
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.status == ExchangeStatus.SUBMITTED and need.author == author
    assert client.get(f"/en/network/needs/{need.pk}/").status_code == 200  # its author sees it
    client.logout()
    assert client.get(f"/en/network/needs/{need.pk}/").status_code == 404
    assert "species distribution" not in client.get("/en/network/needs/").content.decode()
    client.force_login(UserFactory())
    assert client.get(f"/en/network/needs/{need.pk}/").status_code == 404
    assert client.post(f"/en/network/needs/{need.pk}/moderate/", {"decision": "approve"}).status_code == 404
    client.force_login(moderator)
    assert "species distribution" in client.get("/en/network/moderation/").content.decode()
    assert client.post(f"/en/network/needs/{need.pk}/moderate/", {"decision": "approve"}).status_code == 302
    need.refresh_from_db()
    assert need.status == ExchangeStatus.PUBLISHED and need.moderated_by == moderator
    client.logout()
    assert "species distribution" in client.get("/en/network/needs/").content.decode()
    # Moderating it again is a stale action, not a second decision.
    client.force_login(moderator)
    assert client.post(f"/en/network/needs/{need.pk}/moderate/", {"decision": "reject"}).status_code == 409


def test_a_rejected_offer_keeps_the_note_for_its_author_and_stays_private(client, moderator):
    author = UserFactory()
    offer = make_exchange("offer", author, title="GIS advice", status=ExchangeStatus.SUBMITTED)
    client.force_login(moderator)
    client.post(
        f"/en/network/offers/{offer.pk}/moderate/", {"decision": "reject", "note": "Say which tools."}
    )
    offer.refresh_from_db()
    assert offer.status == ExchangeStatus.REJECTED
    client.force_login(author)
    assert "Say which tools." in client.get(f"/en/network/offers/{offer.pk}/").content.decode()
    client.logout()
    assert client.get(f"/en/network/offers/{offer.pk}/").status_code == 404


def test_drafts_are_saved_without_moderation_and_only_their_side_edits(client):
    author = UserFactory()
    client.force_login(author)
    client.post("/en/network/needs/new/", need_form(draft="1"))
    need = Need.objects.get()
    assert need.status == ExchangeStatus.DRAFT
    response = client.post(f"/en/network/needs/{need.pk}/edit/", need_form(title="Edited", submit="1"))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "Edited" and need.status == ExchangeStatus.SUBMITTED
    client.force_login(UserFactory())
    assert client.get(f"/en/network/needs/{need.pk}/edit/").status_code == 404


def test_only_focal_points_post_for_their_organisation(client):
    organisation = Organisation.objects.create(name="Peru Biodiversity Trust", kind="organisation")
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.post("/en/network/needs/new/", need_form(organisation=organisation.pk, submit="1"))
    assert response.status_code == 400  # not among the choices offered to them
    assert not Need.objects.exists()
    focal = UserFactory()
    organisation.focal_points.add(focal)
    client.force_login(focal)
    assert (
        client.post("/en/network/needs/new/", need_form(organisation=organisation.pk, submit="1")).status_code
        == 302
    )
    need = Need.objects.get()
    assert need.organisation == organisation
    # Another focal point of the organisation is on the same side: they see and edit it.
    colleague = UserFactory()
    organisation.focal_points.add(colleague)
    client.force_login(colleague)
    assert client.get(f"/en/network/needs/{need.pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("support_kind", "bribery"),
        ("language", "999999"),
        ("gbf_targets", "99999"),
        ("expires_on", "2026-02-30"),
    ],
)
def test_a_term_outside_the_vocabulary_is_refused(client, field, value):
    client.force_login(UserFactory())
    response = client.post("/en/network/needs/new/", need_form(**{field: value}))
    assert response.status_code == 400
    assert not Need.objects.exists()


def test_expiry_task_is_daily_and_idempotent():
    author = UserFactory()
    today = date.today()
    old = make_exchange("need", author, title="Old", expires_on=today - timedelta(days=1))
    current = make_exchange("offer", author, title="Current", expires_on=today)
    draft = make_exchange(
        "offer", author, title="Draft", status=ExchangeStatus.DRAFT, expires_on=today - timedelta(days=9)
    )
    assert expire_exchanges.delay().get() == 1
    assert expire_exchanges.delay().get() == 0
    old.refresh_from_db(), current.refresh_from_db(), draft.refresh_from_db()
    assert old.status == ExchangeStatus.EXPIRED
    assert current.status == ExchangeStatus.PUBLISHED and draft.status == ExchangeStatus.DRAFT


def test_a_side_closes_a_published_offer(client):
    author = UserFactory()
    offer = make_exchange("offer", author, title="Seed bank data")
    client.force_login(UserFactory())
    assert client.post(f"/en/network/offers/{offer.pk}/close/").status_code == 403
    client.force_login(author)
    assert client.post(f"/en/network/offers/{offer.pk}/close/").status_code == 302
    offer.refresh_from_db()
    assert offer.status == ExchangeStatus.CLOSED
    assert client.post(f"/en/network/offers/{offer.pk}/close/").status_code == 409


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"support_kind": "training"}, True),
        ({"support_kind": "funding"}, False),
        ({"target": "4"}, True),
        ({"region": "005"}, True),
        ({"language": "fr"}, False),
        ({"q": "modelling"}, True),
    ],
)
def test_list_filters(client, query, found):
    make_exchange("need", UserFactory(), title="Species distribution modelling", targets=[4], country="PE")
    titles = {item.title for item in client.get("/en/network/needs/", query).context["page_obj"]}
    assert ("Species distribution modelling" in titles) is found


def test_list_queries_do_not_grow(client):
    author = UserFactory()

    def make(count):
        for index in range(count):
            make_exchange("offer", author, title=f"Offer {index}", targets=[1, 2, 3], components=["sharing"])

    make(2)
    client.get("/en/network/offers/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/network/offers/")
    make(20)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/network/offers/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Offer.objects.count() == 22


def test_expiry_runs_daily_on_beat():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["network-expire-needs-offers"]
    assert entry["schedule"] == 24 * 3600
    assert entry["task"] in app.tasks
