"""Needs and offers of support (clearing-house 1.2): the same vocabulary from both sides, posted for
oneself or for one's organisation, moderated before they are public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training")
    ADVICE = "advice", _("Advice")
    DATA = "data", _("Data")
    TECHNOLOGY = "technology", _("Technology")
    FUNDING = "funding", _("Funding")
    PARTNERSHIP = "partnership", _("Partnership")


class ExchangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not accepted")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed")


class Urgency(models.TextChoices):
    LOW = "low", _("Within a year")
    MEDIUM = "medium", _("Within a few months")
    HIGH = "high", _("Urgent")


class Exchange(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what support"), max_length=5000)
    rationale = models.TextField(_("why"), max_length=3000, blank=True)
    support_kind = models.CharField(_("kind of support"), max_length=12, choices=SupportKind.choices)
    gbf_targets = models.ManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="+"
    )
    km_components = models.ManyToManyField(
        "cop.KMComponent", verbose_name=_("knowledge-management components"), blank=True, related_name="+"
    )
    country = CountryField(_("country"), blank=True)
    language = models.ForeignKey(
        "cop.Language", verbose_name=_("language"), on_delete=models.PROTECT, related_name="+"
    )
    expires_on = models.DateField(_("open until"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "cop_network.Organisation",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Only the organisation's focal points may post for it."),
    )
    # Posted by an organiser for a practitioner not yet on the platform; moves to them when they claim it.
    curated_entry = models.ForeignKey(
        "cop_network.CuratedEntry",
        verbose_name=_("for the curated entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=ExchangeStatus.choices, default=ExchangeStatus.DRAFT)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Need(Exchange):
    kind = "need"
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM)

    class Meta(Exchange.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "expires_on"])]


class Offer(Exchange):
    kind = "offer"

    class Meta(Exchange.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["status", "expires_on"])]
