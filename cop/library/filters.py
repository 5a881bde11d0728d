"""The library listing's facets (django-filter), read from the address: ?target=15&ecosystem=mangroves.
A value that is not valid is left out while the others apply (cop.filters.LenientFilterSet)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cop.filters import LenientFilterSet, RegionFilter, region_and_subregions
from cop.models import GBFTarget, Language, StakeholderGroup

from .models import CaseStudyPage, Ecosystem, Label, Licence, Scale

SORTS = {
    "newest": ["-first_published_at", "-pk"],
    "title": ["title", "pk"],
    "period": ["-period_start", "-pk"],
}


class CaseStudyFilter(LenientFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Words in the case study"), max_length=100)
    target = django_filters.ModelChoiceFilter(
        field_name="gbf_targets",
        queryset=GBFTarget.objects.all(),
        to_field_name="number",
        label=_("GBF target"),
        empty_label=_("Any target"),
    )
    region = RegionFilter(method="filter_region")
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries, empty_label=_("Any country"))
    ecosystem = django_filters.ModelChoiceFilter(
        field_name="ecosystems",
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        label=_("Ecosystem"),
        empty_label=_("Any ecosystem"),
    )
    stakeholder = django_filters.ModelChoiceFilter(
        field_name="stakeholder_groups",
        queryset=StakeholderGroup.objects.all(),
        to_field_name="slug",
        label=_("Stakeholder group involved"),
        empty_label=_("Any group"),
    )
    language = django_filters.ModelChoiceFilter(
        field_name="languages",
        queryset=Language.objects.all(),
        to_field_name="code",
        label=_("Language"),
        empty_label=_("Any language"),
    )
    licence = django_filters.ChoiceFilter(
        label=_("Licence"), choices=Licence.choices, empty_label=_("Any licence")
    )
    label = django_filters.ModelChoiceFilter(
        field_name="labels",
        queryset=Label.objects.all(),
        to_field_name="code",
        label=_("Local Contexts label or notice"),
        empty_label=_("Any label"),
    )
    scale = django_filters.ChoiceFilter(label=_("Scale"), choices=Scale.choices, empty_label=_("Any scale"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort by"),
        choices=[("newest", _("Newest first")), ("title", _("Title")), ("period", _("Most recent period"))],
        empty_label=None,
    )

    class Meta:
        model = CaseStudyPage
        fields = []

    def filter_text(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_id__in=region_and_subregions(value))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by the selector, after the access decision

    def facet_values(self) -> dict:
        """The valid filters that narrow the list (everything but the sort)."""
        return {name: value for name, value in self.valid_values().items() if name != "sort"}

    def sort_key(self) -> str:
        value = self.valid_values().get("sort")
        return value if value in SORTS else "newest"
