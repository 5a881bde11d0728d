"""Boards: a community's board, made on first need, and the site forums."""

from django.db import transaction
from django.utils.text import slugify

from ..models import Board


def _unique_board_slug(base: str) -> str:
    base = (slugify(base, allow_unicode=True) or "board")[:100]
    slug, n = base, 2
    while Board.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def board_ensure_for_community(*, community) -> Board:
    """The community's board, created with the community's name on first need."""
    board = Board.objects.filter(community=community).first()
    if board is not None:
        return board
    return Board.objects.create(
        community=community,
        name=community.title,
        slug=_unique_board_slug(community.slug),
        description=(community.summary or "")[:300],
    )


@transaction.atomic
def board_ensure_site_forum(*, name: str, slug: str, description: str = "", sort_order: int = 0) -> Board:
    """A site forum (no community): anyone reads, any signed-in user posts."""
    board, _created = Board.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "description": description, "sort_order": sort_order, "community": None},
    )
    return board
