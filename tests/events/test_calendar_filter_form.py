"""The calendar's filter form is rendered once per view, kind of viewer, the viewer's communities and
version of the vocabularies when no filter is given; every change it lists shows at once."""

import pytest
from django.urls import reverse

from cop.models import GBFTarget, Language
from tests.factories import UserFactory, events_community, events_membership

pytestmark = pytest.mark.django_db


def _calendar(client, **params) -> str:
    return client.get(reverse("events:calendar"), params).content.decode()


def test_new_and_renamed_choices_show_at_once(client, events_index, community):
    assert "Wetland keepers" not in _calendar(client)
    events_community(title="Wetland keepers")
    assert "Wetland keepers" in _calendar(client)
    Language.objects.create(code="xh-test", name="Xhosa", native_name="isiXhosa (test)")
    assert "isiXhosa (test)" in _calendar(client)
    target = GBFTarget.objects.order_by("number").first() or GBFTarget.objects.create(number=1, title="Plan")
    target.title = "Spatial planning for everyone"
    target.save()
    assert "Spatial planning for everyone" in _calendar(client)


def test_viewers_of_another_kind_get_their_own_form(client, events_index, private_community):
    assert "Only my events" not in _calendar(client)
    assert private_community.title not in _calendar(client)
    member = UserFactory()
    events_membership(member, private_community)
    client.force_login(member)
    html = _calendar(client)
    assert "Only my events" in html and private_community.title in html


def test_a_filtered_form_shows_its_values(client, events_index, community):
    _calendar(client)
    html = _calendar(client, type="webinar")
    assert '<option value="webinar" selected>' in html
    assert '<details class="filters" open>' in html
    assert '<option value="webinar" selected>' not in _calendar(client)
