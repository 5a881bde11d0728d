"""Curated collections of case studies in a library (snippets edited in the admin)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from .pages import CaseStudyPage, LibraryPage


class LibraryCollection(ClusterableModel):
    """A curated collection of case studies in a library."""

    library = models.ForeignKey(
        LibraryPage, verbose_name=_("library"), on_delete=models.CASCADE, related_name="collections"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    panels = [
        FieldPanel("library"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        InlinePanel("items", label=_("Case studies")),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("case-study collection")
        verbose_name_plural = _("case-study collections")
        constraints = [models.UniqueConstraint(fields=["library", "slug"], name="library_collection_slug")]

    def __str__(self) -> str:
        return self.title


class LibraryCollectionItem(Orderable):
    collection = ParentalKey(LibraryCollection, on_delete=models.CASCADE, related_name="items")
    case_study = models.ForeignKey(
        CaseStudyPage, verbose_name=_("case study"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("case_study")]

    class Meta(Orderable.Meta):
        verbose_name = _("case study in a collection")
