"""Filters of the network's lists (django-filter, lenient like cop's). The practitioner filter knows its
viewer: it matches a part of a profile only where the viewer may see that part, so a filter never
reveals what the profile hides."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cop.filters import LenientFilterSet, RegionFilter, region_and_subregions
from cop.models import CountryRegion, GBFTarget, KMComponent, Language, StakeholderGroup

from . import permissions
from .models import Need, Organisation, OrganisationKind, Scope, SupportKind, Topic


def _term(model, key: str, label, empty_label, **where) -> django_filters.ModelChoiceFilter:
    """A filter on one term of a vocabulary, named in the address by `key` (?target=3, ?language=es)."""
    return django_filters.ModelChoiceFilter(
        queryset=model.objects.all(), to_field_name=key, label=label, empty_label=empty_label, **where
    )


OPEN_TO = [
    ("mentoring", _("Mentoring")),
    ("collaboration", _("Collaboration")),
    ("speaking", _("Speaking")),
    ("reviewing", _("Reviewing")),
]


def _countries_in(region):
    return CountryRegion.objects.filter(region_id__in=region_and_subregions(region)).values("country")


class PractitionerFilter(LenientFilterSet):
    """The practitioner directory (cop.network.selectors.practitioner_directory)."""

    q = django_filters.CharFilter(method="filter_name", label=_("Name or organisation"), max_length=100)
    country = django_filters.ChoiceFilter(
        method="filter_country", label=_("Country"), choices=countries, empty_label=_("Any country")
    )
    region = RegionFilter(method="filter_region")
    language = _term(Language, "code", _("Works in language"), _("Any language"), method="filter_language")
    stakeholder = _term(
        StakeholderGroup, "slug", _("Stakeholder group"), _("Any group"), method="filter_stakeholder"
    )
    target = _term(GBFTarget, "number", _("Works on GBF target"), _("Any target"), method="filter_target")
    component = _term(
        KMComponent,
        "slug",
        _("Knowledge-management component"),
        _("Any component"),
        method="filter_component",
    )
    topic = _term(Topic, "slug", _("Topic"), _("Any topic"), method="filter_topic")
    open_to = django_filters.ChoiceFilter(
        method="filter_open_to", label=_("Open to"), choices=OPEN_TO, empty_label=_("Anything")
    )

    class Meta:
        model = get_user_model()
        fields = []

    def __init__(self, data=None, queryset=None, *, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(data, queryset, **kwargs)

    def _visible(self, queryset, part: str, condition: Q):
        return queryset.filter(condition & permissions.visible_part_q(self.viewer, part))

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_name = (
            Q(display_name__icontains=value) | Q(first_name__icontains=value) | Q(last_name__icontains=value)
        )
        by_organisation = (
            Q(organisation__icontains=value) | Q(network_profile__organisation_record__name__icontains=value)
        ) & permissions.visible_part_q(self.viewer, "organisation")
        return queryset.filter(by_name | by_organisation)

    def filter_country(self, queryset, name, value):
        return self._visible(queryset, "country", Q(country=value))

    def filter_region(self, queryset, name, value):
        return self._visible(queryset, "country", Q(country__in=_countries_in(value)))

    def filter_language(self, queryset, name, value):
        return self._visible(queryset, "languages", Q(languages=value))

    def filter_stakeholder(self, queryset, name, value):
        # Among the person's groups: a subquery, so a person is listed once (the page counts stay right).
        in_group = get_user_model().stakeholder_groups.through.objects.filter(
            user=OuterRef("pk"), stakeholdergroup=value
        )
        return self._visible(queryset, "expertise", Q(Exists(in_group)))

    def filter_target(self, queryset, name, value):
        return self._visible(queryset, "expertise", Q(expertise=value))

    def filter_component(self, queryset, name, value):
        return self._visible(queryset, "expertise", Q(network_profile__km_components=value))

    def filter_topic(self, queryset, name, value):
        return self._visible(queryset, "expertise", Q(network_profile__topics=value))

    def filter_open_to(self, queryset, name, value):
        return self._visible(queryset, "open_to", Q(**{f"network_profile__open_to_{value}": True}))


class OrganisationFilter(LenientFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"), max_length=100)
    kind = django_filters.ChoiceFilter(
        choices=OrganisationKind.choices, label=_("Type"), empty_label=_("Any type")
    )
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"), empty_label=_("Any scope"))
    country = django_filters.ChoiceFilter(
        method="filter_country", label=_("Country"), choices=countries, empty_label=_("Any country")
    )
    target = _term(GBFTarget, "number", _("GBF target"), _("Any target"), field_name="gbf_targets")

    class Meta:
        model = Organisation
        fields = []

    def filter_country(self, queryset, name, value):
        # CountryField(multiple=True) stores "KE,TZ": match the code as a whole item.
        return queryset.filter(
            Q(countries=value)
            | Q(countries__startswith=f"{value},")
            | Q(countries__endswith=f",{value}")
            | Q(countries__contains=f",{value},")
        )


class ExchangeFilter(LenientFilterSet):
    """Needs and offers lists."""

    q = django_filters.CharFilter(method="filter_words", label=_("Words"), max_length=100)
    support_kind = django_filters.ChoiceFilter(
        choices=SupportKind.choices, label=_("Kind of support"), empty_label=_("Any kind")
    )
    target = _term(GBFTarget, "number", _("GBF target"), _("Any target"), field_name="gbf_targets")
    component = _term(
        KMComponent,
        "slug",
        _("Knowledge-management component"),
        _("Any component"),
        field_name="km_components",
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries, empty_label=_("Any country"))
    region = RegionFilter(method="filter_region")
    language = _term(Language, "code", _("Language"), _("Any language"), field_name="language")

    class Meta:
        model = Need
        fields = []

    def filter_words(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(country__in=_countries_in(value))


MAP_LAYERS = [
    ("practitioners", _("Practitioners")),
    ("organisations", _("Organisations and networks")),
    ("needs", _("Needs")),
    ("offers", _("Offers")),
]


class MapFilter(LenientFilterSet):
    """The network map: which layer it counts, and the region it covers (over the country-to-region
    table, so its result is the countries in the region)."""

    layer = django_filters.ChoiceFilter(
        method="filter_layer", label=_("Show"), choices=MAP_LAYERS, empty_label=None, null_label=None
    )
    region = RegionFilter(method="filter_region")

    class Meta:
        model = CountryRegion
        fields = []

    def filter_layer(self, queryset, name, value):
        return queryset  # the layer chooses what is counted, not where

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_id__in=region_and_subregions(value))

    def chosen_layer(self) -> str:
        return self.valid_values().get("layer") or MAP_LAYERS[0][0]
