"""The library's vocabularies: Local Contexts Labels and Notices, and ecosystems (IUCN Global
Ecosystem Typology realms and common biomes). Seeded by data migrations from cop/library/data/*.json;
names and meanings are shown in the reader's language through the catalogue (cop/library/strings.py
holds them for makemessages), the stored text being the English original."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class LabelKind(models.TextChoices):
    TK_LABEL = "tk_label", _("Traditional Knowledge (TK) Label")
    BC_LABEL = "bc_label", _("Biocultural (BC) Label")
    NOTICE = "notice", _("Notice")


class Label(models.Model):
    """A Local Contexts TK or BC Label or Notice, with its official name and meaning."""

    code = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=LabelKind.choices)
    name = models.CharField(_("official name"), max_length=120)
    meaning = models.TextField(_("meaning"), max_length=1000)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("Local Contexts label or notice")
        verbose_name_plural = _("Local Contexts labels and notices")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return gettext(self.name) if self.name else ""

    @property
    def display_meaning(self) -> str:
        return gettext(self.meaning) if self.meaning else ""


class Ecosystem(models.Model):
    """An ecosystem realm or biome, a facet of the library."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("ecosystem")
        verbose_name_plural = _("ecosystems")

    def __str__(self) -> str:
        return gettext(self.name) if self.name else ""
