from django.db import models
from django.utils.translation import gettext_lazy as _


class Occurrence(models.Model):
    """One dated instance of an event: a single event has one, a series one per date. People register
    for an occurrence; its row is the lock taken when seats are counted."""

    event = models.ForeignKey("events.EventPage", on_delete=models.CASCADE, related_name="occurrences")
    # The start the series rule gives this occurrence (iCalendar RECURRENCE-ID), stable when it moves.
    recurrence_id = models.DateTimeField()
    start_utc = models.DateTimeField(db_index=True)
    end_utc = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)
    # Left over after the series rule changed, kept only because people had registered.
    is_detached = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recurrence_id"], name="one_occurrence_per_recurrence_id"
            )
        ]
        indexes = [models.Index(fields=["event", "start_utc"])]
        ordering = ["start_utc"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.start_utc:%Y-%m-%d %H:%M}Z"

    @property
    def is_moved(self) -> bool:
        return self.start_utc != self.recurrence_id
