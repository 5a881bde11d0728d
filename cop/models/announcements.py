"""Announcements that facilitators post and pin on their community's home."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    community = models.ForeignKey("cop.CommunityPage", on_delete=models.CASCADE, related_name="announcements")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)
    pinned = models.BooleanField(_("pinned on the community home"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-created_at"]
        indexes = [models.Index(fields=["community", "pinned", "created_at"])]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title
