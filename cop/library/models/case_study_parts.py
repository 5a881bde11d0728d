"""The parts of a case study kept in their own rows, in order: its resources (documents and links) and
the building blocks it uses (edited inline with the case study: Wagtail's InlinePanel)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from .pages import CaseStudyPage


class CaseStudyResource(Orderable):
    """A document or a link attached to a case study."""

    case_study = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("address"), max_length=500, blank=True)

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def clean(self):
        if bool(self.document_id) == bool(self.url):
            raise ValidationError(_("Give either a document or an address, not both."))


class CaseStudyBlockUse(Orderable):
    """A building block used by a case study, in order."""

    case_study = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="block_uses")
    block = models.ForeignKey(
        "cop_library.BuildingBlock",
        verbose_name=_("building block"),
        on_delete=models.CASCADE,
        related_name="uses",
    )

    panels = [FieldPanel("block")]

    class Meta(Orderable.Meta):
        verbose_name = _("building block used")
        verbose_name_plural = _("building blocks used")
        constraints = [
            models.UniqueConstraint(fields=["case_study", "block"], name="library_block_used_once")
        ]
