"""Building blocks: the reusable parts of a solution (as in IUCN PANORAMA), written once and used by
several case studies, each with its own permalink and citation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from .consent import getattr_consent


class BuildingBlockStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class BuildingBlock(index.Indexed, ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description"), max_length=10000, blank=True)
    enabling_factors = models.TextField(_("enabling factors"), max_length=5000, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=5000, blank=True)
    holds_traditional_knowledge = models.BooleanField(_("holds traditional knowledge"), default=False)
    labels = ParentalManyToManyField(
        "cop_library.Label", verbose_name=_("Local Contexts labels and notices"), blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    library = models.ForeignKey(
        "cop_library.LibraryPage",
        verbose_name=_("library"),
        on_delete=models.CASCADE,
        related_name="building_blocks",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BuildingBlockStatus.choices, default=BuildingBlockStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Refuses publishing traditional knowledge without an active consent record (cop.library.publication).
    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("enabling_factors"),
        FieldPanel("lessons"),
        FieldPanel("library"),
        FieldPanel("status"),
        FieldPanel("holds_traditional_knowledge"),
        FieldPanel("labels"),
    ]
    search_fields = [
        index.SearchField("search_title"),
        index.SearchField("search_text"),
        index.FilterField("status"),
        index.FilterField("holds_traditional_knowledge"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("building block")
        verbose_name_plural = _("building blocks")

    def __str__(self) -> str:
        # Shown in the admin's listings and choosers: a TK block shows its notice title only.
        if self.holds_traditional_knowledge:
            return self.search_title() or str(_("Building block with traditional knowledge"))
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == BuildingBlockStatus.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("cop_library:block", args=[self.pk])

    def search_title(self) -> str:
        if not self.holds_traditional_knowledge:
            return self.title
        consent = getattr_consent(self)
        return consent.notice_title if consent is not None else ""

    def search_text(self) -> str:
        """The whole text of a block without traditional knowledge; the notice text otherwise."""
        if not self.holds_traditional_knowledge:
            return "\n".join([self.summary, self.body, self.enabling_factors, self.lessons])
        consent = getattr_consent(self)
        return consent.notice_summary if consent is not None else ""
