"""Organisations, networks, communities of practice and partnerships (clearing-house 4.1.A), on the
platform or outside it, with their focal points."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class OrganisationKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    NETWORK = "network", _("Network")
    COMMUNITY = "community", _("Community of practice")
    PARTNERSHIP = "partnership", _("Partnership")


class Scope(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    SUBNATIONAL = "subnational", _("Subnational")
    LOCAL = "local", _("Local")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=OrganisationKind.choices)
    mission = models.TextField(_("mission"), blank=True, max_length=4000)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices, default=Scope.NATIONAL)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    focal_points = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("focal points"), blank=True, related_name="focal_point_of"
    )
    member_organisations = models.ManyToManyField(
        "self",
        verbose_name=_("member organisations"),
        blank=True,
        symmetrical=False,
        related_name="member_of",
    )
    website = models.URLField(_("website"), blank=True)
    feed_url = models.URLField(_("news feed"), blank=True)
    gbf_targets = models.ManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="network_organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation or network")
        verbose_name_plural = _("organisations and networks")

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an organiser")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class FocalPointClaim(models.Model):
    """A member asks to become a focal point of an organisation; staff or network moderators decide."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("how you are connected to it"), max_length=2000)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
