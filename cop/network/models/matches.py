"""Matchmaking: feedback on suggestions, the private conversation that expressing interest opens, and
the brokered workflow organisers run on a match."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchFeedback(models.Model):
    """Feedback "not relevant": hides the pair from the suggestions `user` sees."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey("cop_network.Need", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("cop_network.Offer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "need", "offer"], name="one_feedback_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.need_id} / {self.offer_id}"


class MatchStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CLARIFIED = "clarified", _("Clarified")
    MATCHED = "matched", _("Matched")
    IN_COOPERATION = "in_cooperation", _("In cooperation")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


class Match(models.Model):
    """A need and an offer brought together; organisers move it through the workflow."""

    need = models.ForeignKey("cop_network.Need", on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey("cop_network.Offer", on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(max_length=16, choices=MatchStatus.choices, default=MatchStatus.SUBMITTED)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    report = models.TextField(_("short report"), blank=True, max_length=5000)
    need_side_agrees_public = models.BooleanField(default=False)
    offer_side_agrees_public = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="one_match_per_pair")]

    def __str__(self) -> str:
        return f"{self.need} / {self.offer}"


class MatchMessage(models.Model):
    """A message in a match's private conversation (the two sides and organisers)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]
