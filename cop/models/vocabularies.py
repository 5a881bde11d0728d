"""Controlled vocabularies shared by every feature, managed by organisers as Wagtail snippets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class GBFGoal(models.Model):
    """A goal (A-D) of the Kunming-Montreal Global Biodiversity Framework."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    summary = models.CharField(_("summary"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("GBF goal")
        verbose_name_plural = _("GBF goals")

    def __str__(self) -> str:
        return _("Goal %(code)s") % {"code": self.code}


class GBFTarget(models.Model):
    """A target (1-23) of the Global Biodiversity Framework, with its short title as the CBD heads it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("short title"), max_length=200)
    group = models.PositiveSmallIntegerField(
        _("group"),
        choices=[
            (1, _("Reducing threats to biodiversity")),
            (2, _("Meeting people's needs through sustainable use and benefit-sharing")),
            (3, _("Tools and solutions for implementation and mainstreaming")),
        ],
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("GBF target")
        verbose_name_plural = _("GBF targets")

    def __str__(self) -> str:
        return _("Target %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class StakeholderGroup(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")

    def __str__(self) -> str:
        return self.name


class KMComponent(models.Model):
    """A knowledge-management component: generation, organisation, sharing/exchange, use, capacity."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("knowledge-management component")
        verbose_name_plural = _("knowledge-management components")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A UN M49 region or sub-region; sub-regions point to their region."""

    m49_code = models.CharField(_("M49 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subregions",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class CountryRegion(models.Model):
    """Maps an ISO 3166 country to its M49 sub-region (country names come from django-countries)."""

    country = CountryField(_("country"), unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("sub-region"), on_delete=models.CASCADE, related_name="countries"
    )

    class Meta:
        ordering = ["country"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return str(self.country.name)


class Language(models.Model):
    """A working language of a community or event (ISO 639-1 code or a Django language code)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=80)
    native_name = models.CharField(_("native name"), max_length=80, blank=True)
    is_un_language = models.BooleanField(_("UN official language"), default=False)

    class Meta:
        ordering = ["-is_un_language", "name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name
