"""The practitioner network's part of "Download my data" (registered with cop.personal_data when the
app is ready): the network profile with every part and who sees it, relayed messages, organisations,
needs and offers, matches and their conversations, the curated entry merged into the account."""

from django.db.models import Q

from cop.personal_data import register_personal_data, stamp

from .models import ContactMessage, CuratedEntry, FocalPointClaim, Match, Need, Offer, Organisation, Profile
from .models.profiles import VISIBLE_PARTS


def _profile(user) -> dict | None:
    profile = Profile.objects.filter(user=user).select_related("organisation_record").first()
    if profile is None:
        return None
    return {
        "headline": profile.headline,
        "photo": profile.photo.name if profile.photo else "",
        "organisation_record": profile.organisation_record.name if profile.organisation_record else "",
        "km_components": list(profile.km_components.values_list("slug", flat=True)),
        "topics": list(profile.topics.values_list("slug", flat=True)),
        "orcid": profile.orcid,
        "links": profile.link_list,
        "open_to": {
            "mentoring": profile.open_to_mentoring,
            "collaboration": profile.open_to_collaboration,
            "speaking": profile.open_to_speaking,
            "reviewing": profile.open_to_reviewing,
        },
        "accepts_contact": profile.accepts_contact,
        "visibility": {part: profile.visibility_of(part) for part in VISIBLE_PARTS},
    }


def _exchange(item) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "rationale": item.rationale,
        "support_kind": item.support_kind,
        "country": str(item.country) if item.country else "",
        "language": item.language.code,
        "gbf_targets": [target.number for target in item.gbf_targets.all()],
        "organisation": item.organisation.name if item.organisation else "",
        "status": item.status,
        "expires_on": stamp(item.expires_on),
        "created_at": stamp(item.created_at),
    }


def _matches(user) -> list:
    mine = Q(need__author=user) | Q(offer__author=user) | Q(messages__author=user)
    matches = (
        Match.objects.filter(mine)
        .distinct()
        .select_related("need", "offer")
        .prefetch_related("messages__author")
        .order_by("pk")
    )
    return [
        {
            "need": match.need.title,
            "offer": match.offer.title,
            "status": match.status,
            "outcome": match.outcome,
            "report": match.report,
            "created_at": stamp(match.created_at),
            "conversation": [
                {
                    "author": "me"
                    if message.author_id == user.pk
                    else (message.author.public_name if message.author else ""),
                    "body": message.body,
                    "created_at": stamp(message.created_at),
                }
                for message in match.messages.all()
            ],
        }
        for match in matches
    ]


def _messages(user) -> dict:
    sent = ContactMessage.objects.filter(sender=user).select_related("recipient").order_by("pk")
    received = ContactMessage.objects.filter(recipient=user).select_related("sender").order_by("pk")
    return {
        "sent": [
            {
                "to": m.recipient.public_name,
                "subject": m.subject,
                "body": m.body,
                "created_at": stamp(m.created_at),
            }
            for m in sent
        ],
        "received": [
            {
                "from": m.sender.public_name,
                "subject": m.subject,
                "body": m.body,
                "created_at": stamp(m.created_at),
            }
            for m in received
        ],
    }


@register_personal_data("network", order=40)
def network_data(user) -> dict:
    items = {
        model.kind + "s": [
            _exchange(item)
            for item in model.objects.filter(author=user)
            .select_related("language", "organisation")
            .prefetch_related("gbf_targets")
            .order_by("pk")
        ]
        for model in (Need, Offer)
    }
    return {
        "profile": _profile(user),
        "contact_messages": _messages(user),
        "focal_point_of": list(Organisation.objects.filter(focal_points=user).values_list("name", flat=True)),
        "focal_point_requests": [
            {"organisation": claim.organisation.name, "message": claim.message, "status": claim.status}
            for claim in FocalPointClaim.objects.filter(user=user)
            .select_related("organisation")
            .order_by("pk")
        ],
        **items,
        "matches": _matches(user),
        "claimed_curated_entries": [
            {"name": entry.name, "claimed_at": stamp(entry.claimed_at), "merge_log": entry.merge_log}
            for entry in CuratedEntry.objects.filter(claimed_by=user).order_by("pk")
        ],
    }
