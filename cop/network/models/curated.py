"""Curated entries: practitioners that organisers add before they are on the platform. The person
claims one by opening a signed link sent to its e-mail address, and it merges into their account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class CuratedEntry(models.Model):
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail address"), help_text=_("Never shown: the claim link is sent to it."))
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_record = models.ForeignKey(
        "cop_network.Organisation",
        verbose_name=_("organisation in the network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="curated_entries",
    )
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("about"), blank=True, max_length=2000)
    gbf_targets = models.ManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="+"
    )
    km_components = models.ManyToManyField(
        "cop.KMComponent", verbose_name=_("knowledge-management components"), blank=True, related_name="+"
    )
    topics = models.ManyToManyField(
        "cop_network.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )
    languages = models.ManyToManyField(
        "cop.Language", verbose_name=_("languages"), blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What the claim filled and moved, kept as the record of the merge.
    merge_log = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("curated entry")
        verbose_name_plural = _("curated entries")

    def __str__(self) -> str:
        return self.name

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None
