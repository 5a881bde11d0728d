"""Per-stream event logs: every change to a stream (a forum thread, a discussion room) gets the next
number of that stream, 1, 2, 3..., written in the same transaction as the change, so that a live client
that reconnects asks for what came after the last number it saw.

A log is a counter column on the stream's row and a table of events numbered by it (see EventLog).
event_append is the only writer of both; events_after and last_seq are the reads.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F


@dataclass(frozen=True)
class EventLog:
    """Where one kind of stream keeps its log.

    `counter`: the stream's model, whose `counter_field` holds its last number; `lookup` names the field
    that identifies a stream (its pk, or a key such as "room:12"). `events`: the event model, with a
    foreign key `stream_field` to `counter`, a `seq` and a `kind`.
    """

    counter: type[models.Model]
    counter_field: str
    events: type[models.Model]
    stream_field: str
    lookup: str = "pk"

    def _stream(self, stream) -> models.QuerySet:
        return self.counter._default_manager.filter(**{self.lookup: stream})


@transaction.atomic
def event_append(log: EventLog, *, stream, kind: str, data: dict | None = None) -> int:
    """Numbers one event of `stream` and stores it with `data` (the event model's other fields); returns
    its number. The stream's row must exist.

    The UPDATE comes first: it locks the stream's row until the transaction ends (PostgreSQL; SQLite
    takes the database's write lock), so two writers never read the same number and the numbers of a
    stream have no gaps once committed.
    """
    counter = log._stream(stream)
    counter.update(**{log.counter_field: F(log.counter_field) + 1})
    stream_id, seq = counter.values_list("pk", log.counter_field).get()
    log.events._default_manager.create(
        **{f"{log.stream_field}_id": stream_id, "seq": seq, "kind": kind, **(data or {})}
    )
    return seq


def last_seq(log: EventLog, stream) -> int:
    """The number of the stream's latest event (0 when it has none, or when the stream does not exist)."""
    return log._stream(stream).values_list(log.counter_field, flat=True).first() or 0


def events_after(log: EventLog, stream, seq: int, *, limit: int, fields: tuple[str, ...] = ()) -> list[dict]:
    """The stream's events numbered after `seq`, oldest first, at most `limit`: dicts of "seq", "kind"
    and `fields`."""
    return list(
        log.events._default_manager.filter(**{f"{log.stream_field}__{log.lookup}": stream, "seq__gt": seq})
        .order_by("seq")
        .values("seq", "kind", *fields)[:limit]
    )
