"""Stream keys ("room:12", "thread:40"), the kinds of stream, and the one helper that names groups.

A kind of stream says, for one object id: who may view, post and moderate (asking the permission
module of the pages), what its last sequence number is, which events came after a number, and, for
kinds whose events are not rendered in advance, how to render one event once for every viewer of one
kind (the audience: what the rendering's permission checks depend on) and language.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from .exceptions import StreamNotFound

_KEY = re.compile(r"^([a-z]{2,16}):([1-9][0-9]{0,17})$")


def _one_audience(user) -> str:
    return ""


@dataclass(frozen=True)
class StreamTarget:
    key: str
    community_id: int | None
    can_view: Callable
    can_post: Callable
    can_moderate: Callable
    # The user's kind of viewer: viewers of one kind and language share one rendering of each event.
    audience: Callable = _one_audience


@dataclass(frozen=True)
class Rendering:
    """An event's data, the same for every viewer of one kind and language. `only_user_id`: the data
    is for that one viewer (a post waiting for approval, to its author); the others get nothing."""

    data: dict = field(default_factory=dict)
    only_user_id: int | None = None


class StreamKind(ABC):
    """The interface each kind implements (rooms in rooms.py, forum threads in threads.py)."""

    name = ""

    @abstractmethod
    def resolve(self, object_id: int, viewer=None) -> StreamTarget: ...

    @abstractmethod
    def last_seq(self, object_id: int) -> int: ...

    @abstractmethod
    def events_after(self, object_id: int, after: int, limit: int) -> list[dict]:
        """[{"seq", "kind", and either "i18n" (data per language) or what render() needs}], oldest first."""

    @abstractmethod
    def prune(self, before) -> int:
        """Deletes the logged events older than `before` (a datetime); returns how many. A client that
        comes back from further away is told to reload (writer.SocketWriter._catch_up sees the gap)."""

    def render(self, object_id: int, event: dict, *, user, language: str) -> Rendering:
        """The data of an event not rendered in advance, for every viewer of `user`'s audience in
        `language` (`user` is any one of them). Kinds whose events all carry "i18n" (rooms) never get
        here."""
        raise TypeError(f"{self.name} events are rendered in advance")

    # Event kinds after which a viewer's access is checked again (e.g. a thread hidden or moved).
    access_changing_kinds: frozenset = frozenset()


_KINDS: dict[str, StreamKind] = {}


def register_stream_kind(kind: StreamKind) -> None:
    _KINDS[kind.name] = kind


def parse_stream_key(key) -> tuple[StreamKind, int]:
    match = _KEY.match(key) if isinstance(key, str) else None
    if not match or match.group(1) not in _KINDS:
        raise StreamNotFound()
    return _KINDS[match.group(1)], int(match.group(2))


def delete_in_batches(queryset, size: int = 2_000) -> int:
    """Deletes what `queryset` selects a batch at a time (short transactions on a big log)."""
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]


def stream_kinds() -> list[StreamKind]:
    return list(_KINDS.values())


def resolve_stream(key: str, viewer=None) -> StreamTarget:
    """The stream's target; a kind may read the viewer's membership with it, for the checks that follow."""
    kind, object_id = parse_stream_key(key)
    return kind.resolve(object_id, viewer)


def stream_group(key: str) -> str:
    """The channel-layer group of a stream: one per stream, joined once per server process."""
    return "live." + key.replace(":", ".")


def user_group(user_id: int) -> str:
    """Every socket of one user, to tell them at once that their access changed."""
    return f"live.user.{user_id}"
