from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "url"], name="one_subscription_per_feed")]
        ordering = ["title"]
        verbose_name = _("imported feed")
        verbose_name_plural = _("imported feeds")

    def __str__(self) -> str:
        return self.title


class ImportOutcome(models.TextChoices):
    OK = "ok", _("Imported")
    WITH_WARNINGS = "warnings", _("Imported with warnings")
    FAILED = "failed", _("Failed: nothing changed")


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
