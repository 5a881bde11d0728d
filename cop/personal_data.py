"""What the platform holds about one person, gathered for "Download my data", the way cop/sections.py
gathers page sections: cop/ imports no other app, so each app registers a contributor here

    @register_personal_data("forums", order=30)
    def forum_data(user) -> dict | list: ...

that returns plain JSON-able data about `user` (and only about them). cop's own part (the account and
community memberships) is registered below; the network's in cop/network/personal_data.py; forums',
events' and the library's by home/personal_data.py (home reads from all apps)."""

from collections.abc import Callable

_CONTRIBUTORS: dict[str, tuple[int, Callable]] = {}


def register_personal_data(key: str, order: int = 100):
    def decorator(func: Callable) -> Callable:
        _CONTRIBUTORS[key] = (order, func)
        return func

    return decorator


def personal_data(user) -> dict:
    """Every registered part, by key, in order."""
    ordered = sorted(_CONTRIBUTORS.items(), key=lambda item: (item[1][0], item[0]))
    return {key: func(user) for key, (_order, func) in ordered}


def stamp(value) -> str | None:
    return value.isoformat() if value else None


@register_personal_data("account", order=10)
def account_data(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "bio": user.bio,
        "organisation": user.organisation,
        "country": str(user.country) if user.country else "",
        "stakeholder_groups": [str(group) for group in user.stakeholder_groups.all()],
        "gbf_targets": list(user.expertise.values_list("number", flat=True)),
        "languages": list(user.languages.values_list("code", flat=True)),
        "listed_in_directory": user.listed_in_directory,
        "date_joined": stamp(user.date_joined),
        "last_login": stamp(user.last_login),
    }


@register_personal_data("memberships", order=20)
def membership_data(user) -> list:
    from cop.models import Membership

    return [
        {
            "community": membership.community.title,
            "role": membership.role,
            "status": membership.status,
            "request_message": membership.request_message,
            "joined_at": stamp(membership.joined_at),
            "created_at": stamp(membership.created_at),
        }
        for membership in Membership.objects.filter(user=user).select_related("community").order_by("pk")
    ]
