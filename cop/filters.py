"""List filters read from the address (django-filter), shared by the apps' filter sets, and the
communities index's own (the practitioner network's are in cop.network.filters). A list selector takes
a `filters` dict and returns `SomeFilter(filters, qs).qs`; a value that is not valid is left out while
the others apply (django-filter filters with the valid fields only), and the page says which were
ignored."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cop.models import CommunityPage, GBFTarget, Language, Region, StakeholderGroup


class UnicodeSlugFilter(django_filters.CharFilter):
    """A slug in any script (a tag "биоразнообразие"); no dots, NUL, quotes or spaces."""

    field_class = forms.SlugField


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class RegionFilter(django_filters.ModelChoiceFilter):
    """A region by its M49 code (?region=150); the method of the filter set decides what it covers."""

    field_class = RegionChoiceField

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset", Region.objects.select_related("parent").order_by("parent__name", "name")
        )
        super().__init__(to_field_name="m49_code", label=_("Region"), empty_label=_("Any region"), **kwargs)


class LenientFilterSet(django_filters.FilterSet):
    """A filter set that tells which of the given values it left out."""

    def valid_values(self) -> dict:
        """The filters given and valid, by name, as cleaned values."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value and name not in self.form.errors}

    def is_active(self) -> bool:
        return bool(self.valid_values())

    def invalid_labels(self) -> list[str]:
        """The labels of the filters given but not valid (left out), in the form's order."""
        if not self.is_bound:
            return []
        errors = self.form.errors
        return [str(self.form.fields[name].label) for name in self.filters if name in errors]


def region_and_subregions(region: Region) -> list[int]:
    return [region.pk, *Region.objects.filter(parent=region).values_list("pk", flat=True)]


def region_with_neighbours(region: Region) -> list[int]:
    """A region, its sub-regions and its parent: a community for "Africa" is relevant to "Eastern
    Africa" and the other way round."""
    ids = region_and_subregions(region)
    if region.parent_id:
        ids.append(region.parent_id)
    return ids


class CommunityFilter(LenientFilterSet):
    """The communities index (cop.selectors.community_cards)."""

    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("Community name"), max_length=100
    )
    target = django_filters.ModelChoiceFilter(
        field_name="gbf_targets",
        queryset=GBFTarget.objects.all(),
        to_field_name="number",
        label=_("GBF target"),
        empty_label=_("Any target"),
    )
    region = RegionFilter(method="filter_region")
    language = django_filters.ModelChoiceFilter(
        field_name="working_languages",
        queryset=Language.objects.all(),
        to_field_name="code",
        label=_("Working language"),
        empty_label=_("Any language"),
    )
    stakeholder = django_filters.ModelChoiceFilter(
        field_name="stakeholder_focus",
        queryset=StakeholderGroup.objects.all(),
        to_field_name="slug",
        label=_("Stakeholder focus"),
        empty_label=_("Anyone"),
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tagged_items__tag",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        label=_("Tag"),
        empty_label=_("Any tag"),
    )

    class Meta:
        model = CommunityPage
        fields = []

    def offer_tags(self, tags) -> None:
        """Offer the tags in use, but accept any existing tag (a link from a card to ?tag=...)."""
        self.form.fields["tag"].widget.choices = [("", _("Any tag")), *[(t.slug, t.name) for t in tags]]

    def filter_region(self, queryset, name, value):
        through = CommunityPage.regions.through
        listed = through.objects.filter(region_id__in=region_with_neighbours(value)).values(
            "communitypage_id"
        )
        return queryset.filter(pk__in=listed)
