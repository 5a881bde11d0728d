"""What the cached calendar feeds hold, so that a change invalidates only the feeds concerned."""

from django.db import models


class EventFeedScopes(models.Model):
    """The shared feeds (events.ical scopes: site, community, type, tags) an event was last listed in, so
    that a change of community, type or tags also refreshes the feeds the event leaves."""

    event = models.OneToOneField(
        "events.EventPage", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    scopes = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.event_id}: {', '.join(self.scopes)}"
