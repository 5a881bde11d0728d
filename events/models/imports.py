from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    NEW = "new", _("Not imported yet")
    OK = "ok", _("Up to date")
    WARNINGS = "warnings", _("Imported with warnings")
    HELD = "held", _("Imported; removals await your confirmation")
    FAILED = "failed", _("Last import failed: nothing changed")


class ImportedFeed(models.Model):
    """An external iCalendar feed (a partner's calendar) whose events a community republishes."""

    community = models.ForeignKey(
        "cop.CommunityPage", on_delete=models.CASCADE, related_name="imported_feeds"
    )
    title = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000)
    keep_local_edits = models.BooleanField(
        _("keep local edits"),
        default=True,
        help_text=_("Events you edited here are no longer overwritten by the partner's feed."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FeedStatus.choices, default=FeedStatus.NEW, editable=False
    )
    status_message = models.TextField(_("status details"), blank=True, editable=False)
    # Events no longer in the feed whose removal waits for the organiser (more than half would go).
    held_removals = models.JSONField(
        _("removals awaiting confirmation"), default=list, blank=True, editable=False
    )
    held_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while a run imports the feed, so that two runs never apply the same feed at once.
    running_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "url"], name="one_subscription_per_feed")]
        ordering = ["title"]
        verbose_name = _("imported feed")
        verbose_name_plural = _("imported feeds")

    def __str__(self) -> str:
        return self.title

    @property
    def held_count(self) -> int:
        return len(self.held_removals or [])


class ImportOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Imported")
    WITH_WARNINGS = "warnings", _("Imported with warnings")
    HELD = "held", _("Imported; removals held for your confirmation")
    FAILED = "failed", _("Failed: nothing changed")
    STOPPED = "stopped", _("Stopped: nothing removed")


class ImportReport(models.Model):
    """What one import run did, in words an organiser can read."""

    feed = models.ForeignKey(ImportedFeed, on_delete=models.CASCADE, related_name="reports")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ImportOutcome.choices)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    kept_local = models.PositiveIntegerField(_("kept local edits"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    messages = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import report")
        verbose_name_plural = _("import reports")

    def __str__(self) -> str:
        return f"{self.feed} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
