"""Communities of practice as Wagtail pages."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cop.blocks import BaseStreamBlock
from cop.page_context import page_context
from cop.page_forms import NamedPageForm


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read")
    MEMBERS = "members", _("Members only: outsiders see the description and how to join")
    HIDDEN = "hidden", _("Hidden: unlisted, reachable only by invitation")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone joins at once")
    APPROVAL = "approval", _("Approval: facilitators approve requests")
    INVITATION = "invitation", _("Invitation only")


class CommunityIndexPage(Page):
    """Lists the communities a visitor may see, with filters."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cop.CommunityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("communities index")

    cards_per_page = 24

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(self, request))  # cop.community_pages
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.GET and response.context_data["form"].errors:
            response.status_code = 400
        return response


class CommunityPageTag(TaggedItemBase):
    content_object = ParentalKey("cop.CommunityPage", on_delete=models.CASCADE, related_name="tagged_items")


class CommunityPage(Page):
    """A community of practice: what it is about, who it is for, and its home for members."""

    base_form_class = NamedPageForm

    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown on cards.")
    )
    description = StreamField(BaseStreamBlock(), verbose_name=_("description"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        _("cover image text alternative"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Leave empty if it is decorative."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("join policy"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    gbf_targets = ParentalManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="+"
    )
    regions = ParentalManyToManyField("cop.Region", verbose_name=_("regions"), blank=True, related_name="+")
    working_languages = ParentalManyToManyField(
        "cop.Language", verbose_name=_("working languages"), blank=True, related_name="+"
    )
    stakeholder_focus = ParentalManyToManyField(
        "cop.StakeholderGroup", verbose_name=_("stakeholder focus"), blank=True, related_name="+"
    )
    km_components = ParentalManyToManyField(
        "cop.KMComponent", verbose_name=_("knowledge-management components"), blank=True, related_name="+"
    )
    tags = ClusterTaggableManager(through=CommunityPageTag, blank=True, verbose_name=_("tags"))
    # Bumped by services (cop.services.community_touch) when something happens, for "recent activity".
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")], heading=_("Cover")),
        MultiFieldPanel([FieldPanel("visibility"), FieldPanel("join_policy")], heading=_("Access")),
        MultiFieldPanel(
            [
                FieldPanel("gbf_targets", widget=forms.CheckboxSelectMultiple),
                FieldPanel("working_languages"),
                FieldPanel("regions"),
                FieldPanel("stakeholder_focus"),
                FieldPanel("km_components"),
                FieldPanel("tags"),
            ],
            heading=_("Topics and audience"),
        ),
        InlinePanel("external_links", label=_("Links to external platforms")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("visibility"),
    ]
    parent_page_types = ["cop.CommunityIndexPage"]
    subpage_types = ["cop_library.LibraryPage"]

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def get_context(self, request, *args, **kwargs):
        """A community's home, or 404 for a hidden community's outsiders (cop.community_pages)."""
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(self, request))
        return context


class CommunityLink(Orderable):
    community = ParentalKey(CommunityPage, on_delete=models.CASCADE, related_name="external_links")
    title = models.CharField(_("title"), max_length=120)
    url = models.URLField(_("address"))

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("external link")
