import pytest

from cop.models import Role
from forums.live import demo
from forums.live.models import Room, RoomMessage
from tests.factories import UserFactory

from .conftest import make_community, make_member

pytestmark = pytest.mark.django_db


def test_demo_rooms_are_seeded_once(site_home):
    from cop.models import Visibility

    chm = make_community(site_home, "CHM", Visibility.PUBLIC)
    chm.slug = "national-clearing-house-mechanisms"
    chm.save()
    make_member(UserFactory(display_name="Amina Diallo"), chm, Role.FACILITATOR)
    make_member(UserFactory(display_name="Lucía Fernández"), chm)
    demo.seed({})
    demo.seed({})
    room = Room.objects.get()
    assert room.messages.count() == len(demo.ROOMS[0]["messages"])
    assert room.pinned_message == RoomMessage.objects.order_by("pk").first()
    assert room.is_open()
    assert room.messages.values("author").distinct().count() == 2
