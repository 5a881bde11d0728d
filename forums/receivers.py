"""Signal receivers: thin, they only call services."""

from cop.commit import after_commit
from cop.models import CommunityPage

from .services import board_ensure_for_community


def board_for_published_community(sender, instance, **kwargs):
    """A community gets its board when it is published."""
    specific = instance.specific if not isinstance(instance, CommunityPage) else instance
    if isinstance(specific, CommunityPage):
        after_commit(board_ensure_for_community, community=specific)
