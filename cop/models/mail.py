"""The record of every e-mail the site sends (cop.mail): one row per message, claimed before sending."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")


class SentMail(models.Model):
    """One message to one recipient. `key` names the message (kind, object, recipient, version), so a
    retried or repeated task finds the row and never sends the same message twice."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=80)
    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"
