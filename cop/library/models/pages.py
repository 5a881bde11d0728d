"""Libraries and case studies (Wagtail pages), their resources and building-block uses (collections:
collections.py; scales and licences: choices.py)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cop.blocks import BaseStreamBlock
from cop.converters import UnicodeSlugConverter
from cop.library.page_registry import CASE_STUDY, LIBRARY_COLLECTION, LIBRARY_LISTING, READS_IN_FULL, provider
from cop.models import CommunityPage, CountryRegion
from cop.prepared import PreparedGet

from .choices import LICENCE_URLS, Licence, Scale
from .consent import getattr_consent

# The depth of a library right below a home page (the root is 1, a home page 2): it belongs to no
# community (cop.models.CommunityPage sits below the home page's community index, at depth 4 or more).
SITE_LIBRARY_DEPTH = 3


class _PageByPath(PreparedGet):
    """A page of one model by its path (unique), its query compiled once per thread (cop.prepared)."""

    sentinels = ["\x00km4b-path-0"]


_BY_PATH = {}


def _by_path(model, path: str):
    """The `model` page at `path` (a parent: a case study's library, a library's community), or None."""
    lookup = _BY_PATH.get(model)
    if lookup is None:
        lookup = _BY_PATH[model] = _PageByPath(lambda path: model.objects.filter(path=path).order_by())
    return lookup.get(path)


doi_validator = RegexValidator(
    r"^10\.\d{4,9}/\S+$", _("Enter a DOI such as 10.1234/abcd (without https://doi.org/).")
)


class _FromSearchTitle:
    """A Page search field on "title" that indexes CaseStudyPage.search_title instead. It compares
    equal to the Page field it replaces, as Wagtail's check of core search fields (W001) asks."""

    def __init__(self, field):
        super().__init__(field.field_name, **field.kwargs)
        self._replaces = field
        if hasattr(field, "boost"):
            self.boost = field.boost

    def get_value(self, obj):
        return obj.search_title()

    def __eq__(self, other):
        return other is self or other is self._replaces

    __hash__ = object.__hash__


class _SearchTitleField(_FromSearchTitle, index.SearchField):
    pass


class _AutocompleteTitleField(_FromSearchTitle, index.AutocompleteField):
    pass


def _notice_safe(field):
    if field.field_name != "title" or isinstance(field, index.FilterField):
        return field
    if isinstance(field, index.AutocompleteField):
        return _AutocompleteTitleField(field)
    return _SearchTitleField(field)


class LibraryPage(RoutablePageMixin, Page):
    """A case-study library: the site-wide one below the home page, or a community's."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage", "cop.CommunityPage"]
    subpage_types = ["cop_library.CaseStudyPage"]

    class Meta:
        verbose_name = _("case-study library")
        verbose_name_plural = _("case-study libraries")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        # At most one library per home page or community.
        return super().can_create_at(parent) and not parent.get_children().type(cls).exists()

    @property
    def community(self):
        """The community whose library this is, or None for the site-wide library."""
        if not hasattr(self, "_community"):
            # The parent read as a community in one query. A library right below a home page (depth 3:
            # the site-wide one) has none and asks nothing: a community's place is below the home page's
            # community index (parent_page_types), at depth 4 or more.
            self._community = (
                _by_path(CommunityPage, self.path[: -self.steplen])
                if self.depth > SITE_LIBRARY_DEPTH
                else None
            )
        return self._community

    @path("")
    def listing(self, request):
        """The listing, faceted, sorted and paginated (cop.library.page_contexts); 400 for bad filters."""
        context = self.get_context(request)
        context.update(provider(LIBRARY_LISTING)(request, self))
        response = TemplateResponse(request, "cop_library/library_page.html", context)
        if request.GET and context["filterset"].form.errors:
            response.status_code = 400
        return response

    # The <uslug:...> converter's pattern (cop.converters): converters are registered after models load.
    @re_path(rf"^collections/(?P<slug>{UnicodeSlugConverter.regex})/$")
    def collection(self, request, slug):
        """A curated collection of the library's case studies (cop.library.page_contexts)."""
        context = self.get_context(request)
        context.update(provider(LIBRARY_COLLECTION)(request, self, slug))
        return TemplateResponse(request, "cop_library/collection.html", context)


class CaseStudyPage(Page):
    """A good practice or lesson learned, with structured fields that map onto the CHM case-study
    record. Traditional knowledge in it is governed by its ConsentRecord (cop.library.permissions)."""

    summary = models.TextField(_("summary"), max_length=1000)
    story = StreamField(BaseStreamBlock(), verbose_name=_("story"), blank=True)
    context = models.TextField(_("context and problem"), max_length=10000, blank=True)
    solution = models.TextField(_("solution"), max_length=10000, blank=True)
    results = models.TextField(_("results and impact"), max_length=10000, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=10000, blank=True)
    gbf_targets = ParentalManyToManyField(
        "cop.GBFTarget", verbose_name=_("GBF targets"), blank=True, related_name="+"
    )
    km_components = ParentalManyToManyField(
        "cop.KMComponent", verbose_name=_("knowledge-management components"), blank=True, related_name="+"
    )
    ecosystems = ParentalManyToManyField(
        "cop_library.Ecosystem", verbose_name=_("ecosystems"), blank=True, related_name="case_studies"
    )
    country = CountryField(_("country"), blank=True)
    region = models.ForeignKey(
        "cop.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Filled in from the country when one is given."),
    )
    scale = models.CharField(_("scale"), max_length=16, choices=Scale.choices, blank=True)
    stakeholder_groups = ParentalManyToManyField(
        "cop.StakeholderGroup", verbose_name=_("stakeholder groups involved"), blank=True, related_name="+"
    )
    languages = ParentalManyToManyField(
        "cop.Language", verbose_name=_("languages"), blank=True, related_name="+"
    )
    period_start = models.DateField(_("start of the period"), null=True, blank=True)
    period_end = models.DateField(_("end of the period"), null=True, blank=True)
    organisations = models.TextField(
        _("organisations"), max_length=2000, blank=True, help_text=_("One organisation per line.")
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail address"), blank=True, help_text=_("Never shown on the site.")
    )
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY)
    source_community = models.ForeignKey(
        "cop.CommunityPage",
        verbose_name=_("source community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attribution = models.TextField(_("attribution"), max_length=1000, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True, validators=[doi_validator])
    external_url = models.URLField(_("external address"), max_length=500, blank=True)
    location_name = models.CharField(_("place name"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    location_sensitive = models.BooleanField(
        _("sensitive location"),
        default=False,
        help_text=_("Outside the audience, only the country and region are shown."),
    )
    holds_traditional_knowledge = models.BooleanField(
        _("holds traditional knowledge"),
        default=False,
        help_text=_("Cannot be published without a consent record of the holder community."),
    )
    labels = ParentalManyToManyField(
        "cop_library.Label", verbose_name=_("Local Contexts labels and notices"), blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("story"),
        MultiFieldPanel(
            [FieldPanel("context"), FieldPanel("solution"), FieldPanel("results"), FieldPanel("lessons")],
            heading=_("The case"),
        ),
        InlinePanel("block_uses", label=_("Building blocks")),
        MultiFieldPanel(
            [
                FieldPanel("gbf_targets", widget=forms.CheckboxSelectMultiple),
                FieldPanel("km_components", widget=forms.CheckboxSelectMultiple),
                FieldPanel("ecosystems", widget=forms.CheckboxSelectMultiple),
                FieldPanel("stakeholder_groups", widget=forms.CheckboxSelectMultiple),
                FieldPanel("languages"),
                FieldPanel("scale"),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("region"),
                FieldPanel("location_name"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("location_sensitive"),
            ],
            heading=_("Location"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organisations"),
                FieldPanel("contact_name"),
                FieldPanel("contact_email"),
                FieldPanel("source_community"),
                FieldPanel("attribution"),
                FieldPanel("licence"),
                FieldPanel("doi"),
                FieldPanel("external_url"),
            ],
            heading=_("Sources, rights and contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("holds_traditional_knowledge"),
                FieldPanel("labels", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Traditional knowledge"),
        ),
        InlinePanel("resources", label=_("Resources")),
    ]
    # The index holds only what anyone may read: see search_text (restricted text never enters it).
    # Page's own fields, but the title is indexed from search_title (the notice title of a TK case
    # study): the index never holds a restricted word (see search_text).
    search_fields = [
        *[_notice_safe(field) for field in Page.search_fields],
        index.SearchField("search_text"),
        index.FilterField("holds_traditional_knowledge"),
    ]
    parent_page_types = ["cop_library.LibraryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both the latitude and the longitude, or neither.")})

    def save(self, *args, **kwargs):
        if self.country and self.region_id is None:
            self.region_id = (
                CountryRegion.objects.filter(country=self.country).values_list("region_id", flat=True).first()
            )
        return super().save(*args, **kwargs)

    def permissions_for_user(self, user):
        """Wagtail's rights on this page, as every admin view asks them (edit, revisions and their
        comparison, history, preview, delete, copy, move, lock...): none at all on a TK case study the
        user may not read in full, whatever Wagtail's groups grant (superusers included)."""
        tester = super().permissions_for_user(user)
        reads_in_full = provider(READS_IN_FULL)  # cop.library.permissions
        if self.holds_traditional_knowledge and self.pk is not None and not reads_in_full(user, self):
            return NoRightsTester(tester)
        return tester

    def get_admin_display_title(self):
        """In the admin's listings, choosers and breadcrumbs a TK case study shows its notice title
        (cop.library.wagtail_hooks): its own title is read only in its edit form."""
        if self.holds_traditional_knowledge:
            return self.search_title() or str(_("Case study with traditional knowledge"))
        return super().get_admin_display_title()

    def search_title(self) -> str:
        """The title, for non-TK items; the consent's notice title otherwise."""
        if not self.holds_traditional_knowledge:
            return self.title
        consent = getattr_consent(self)
        return consent.notice_title if consent is not None else ""

    def search_text(self) -> str:
        """What the search index holds: the whole text of a case study without traditional knowledge;
        only the notice text (what outsiders may read) for one that holds some."""
        if not self.holds_traditional_knowledge:
            return "\n".join(
                [
                    self.summary,
                    self.context,
                    self.solution,
                    self.results,
                    self.lessons,
                    self.organisations,
                    self.location_name if not self.location_sensitive else "",
                    " ".join(
                        str(block.value.source) if hasattr(block.value, "source") else ""
                        for block in self.story
                    ),
                ]
            )
        consent = getattr_consent(self)
        return consent.notice_summary if consent is not None else ""

    @property
    def library(self):
        if not hasattr(self, "_library"):
            # The parent is a library (parent_page_types): read as one in one query.
            library = _by_path(LibraryPage, self.path[: -self.steplen]) if self.path else None
            if library is None:
                parent = self.get_parent()
                library = parent.specific if parent is not None else None
            self._library = library
        return self._library

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def organisation_list(self) -> list[str]:
        return [line.strip() for line in self.organisations.splitlines() if line.strip()]

    def get_url_parts(self, request=None):
        """A case study holding traditional knowledge is linked to by its neutral address
        (/library/case-studies/<id>/) everywhere Wagtail makes its address (lists, admin listings and
        reports, sitemap, mails): its own address is made from its slug, thus from its restricted title."""
        parts = super().get_url_parts(request)
        if parts is None or not self.holds_traditional_knowledge or self.pk is None:
            return parts
        site_id, root_url, _own_path = parts
        with translation.override(self.locale.language_code if self.locale_id else None):
            return site_id, root_url, reverse("cop_library:item", args=[self.pk])

    def serve(self, request, *args, **kwargs):
        return self._render(request, preview=False)

    def serve_preview(self, request, mode_name):
        return self._render(request, preview=True)

    def _render(self, request, *, preview):
        """The whole page, or only its notice, as the access decision says (Http404 when hidden): what
        it shows is gathered above the models (cop.library.views.case_study, through page_registry)."""
        template, context = provider(CASE_STUDY)(request, self, preview=preview)
        return TemplateResponse(request, template, context)


class NoRightsTester:
    """A PagePermissionTester that refuses every action (its other attributes are the tester's)."""

    def __init__(self, tester):
        self._tester = tester

    def __getattr__(self, name):
        if name.startswith("can_"):
            return lambda *args, **kwargs: False
        return getattr(self._tester, name)
