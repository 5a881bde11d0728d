"""Demo discussion rooms (called by seed_demo after the communities and forums). Safe to run again."""

from datetime import timedelta

from django.utils import timezone

from cop.models import CommunityPage, Membership, MembershipStatus, Role

from . import services
from .models import Room

ROOMS = [
    {
        "community": "national-clearing-house-mechanisms",
        "title": "Webinar Q&A: keeping a national CHM up to date",
        "description": "Questions for the panel of the KM4B webinar; the facilitators take them after each talk.",
        "opens_in_hours": -1,
        "open_for_hours": 24 * 30,
        "messages": [
            "Welcome! Put your questions for the panel here; we take them after each talk.",
            "¿Cómo gestionan la traducción del contenido del CHM al español y a las lenguas indígenas?",
            "Nous utilisons Bioland : les pages d'indicateurs sont mises à jour deux fois par an, avec le point focal.",
            "Our ministry publishes the NBSAP drafts on the CHM first, then asks for comments in the forum.",
            "Как вы отслеживаете, какие страницы устарели? У нас больше 400 страниц.",
            "The slides will be shared in the community library after the session: https://www.cbd.int/chm",
        ],
    },
    {
        "community": "youth-for-biodiversity",
        "title": "Knowledge fair: youth-led restoration projects",
        "description": "Three projects present their restoration work, then an open discussion.",
        "opens_in_hours": 24 * 3,
        "open_for_hours": 2,
        "messages": [],
    },
]


def _facilitator(community: CommunityPage):
    membership = (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _speakers(community: CommunityPage) -> list:
    memberships = (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    return [membership.user for membership in memberships]


def seed(context: dict, stdout=None) -> dict:
    created = 0
    now = timezone.now()
    for data in ROOMS:
        community = CommunityPage.objects.filter(slug=data["community"]).first()
        facilitator = community and _facilitator(community)
        if facilitator is None or Room.objects.filter(community=community, title=data["title"]).exists():
            continue
        opens_at = now + timedelta(hours=data["opens_in_hours"])
        room = services.room_create(
            community=community,
            title=data["title"],
            description=data["description"],
            actor=facilitator,
            opens_at=opens_at,
            closes_at=opens_at + timedelta(hours=data["open_for_hours"]),
        )
        speakers = [facilitator, *[u for u in _speakers(community) if u != facilitator]]
        for index, body in enumerate(data["messages"]):
            message = services.room_message_post(
                room_id=room.pk, author=speakers[index % len(speakers)], body=body
            )
            if index == 0:
                services.room_message_pin(room=room, message=message, actor=facilitator)
        created += 1
    if stdout is not None:
        stdout.write(f"Live discussion: {Room.objects.count()} rooms ({created} new).")
    return context
