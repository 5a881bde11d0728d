"""The calendar's filters (django-filter): the form the calendar shows, and how each value narrows the
occurrences (events.selectors.occurrences_for). A value that is not valid is left out, never an error:
the calendar names it (events.models.index) and shows the rest."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cop import permissions as cop_permissions
from cop.filters import LenientFilterSet, UnicodeSlugFilter
from cop.models import GBFTarget, Language
from events.models.choices import EventFormat, EventType
from events.models.occurrences import Occurrence
from events.models.registration import ACTIVE

ANY = _("Any")


class CheckboxFilter(django_filters.BooleanFilter):
    """Ticked or not (a checkbox), instead of django-filter's yes / no / unknown choice."""

    field_class = forms.BooleanField


def _language_choices():
    return [(lang.code, lang.native_name or lang.name) for lang in Language.objects.all()]


def _target_choices():
    return [(str(target.number), str(target)) for target in GBFTarget.objects.all()]


class CalendarFilter(LenientFilterSet):
    type = django_filters.ChoiceFilter(
        field_name="event__event_type", label=_("Type"), choices=EventType.choices, empty_label=ANY
    )
    format = django_filters.ChoiceFilter(
        field_name="event__event_format", label=_("Format"), choices=EventFormat.choices, empty_label=ANY
    )
    community = django_filters.ChoiceFilter(
        field_name="event__community_id", label=_("Community"), empty_label=ANY
    )
    language = django_filters.ChoiceFilter(
        field_name="event__working_languages__code",
        label=_("Language"),
        choices=_language_choices,
        empty_label=ANY,
        distinct=True,
    )
    target = django_filters.ChoiceFilter(
        field_name="event__gbf_targets__number",
        label=_("GBF target"),
        choices=_target_choices,
        empty_label=ANY,
        distinct=True,
    )
    tag = UnicodeSlugFilter(
        field_name="event__tags__slug", label=_("Tag"), max_length=100, allow_unicode=True, distinct=True
    )
    mine = CheckboxFilter(method="filter_mine", label=_("Only my events"))

    class Meta:
        model = Occurrence
        fields = []

    def __init__(self, data=None, queryset=None, *, user, communities=None, **kwargs):
        """`communities`: those the user may read, when the caller has them (else they are read when a
        community filter is given)."""
        super().__init__(data, queryset, **kwargs)
        self.user = user
        if communities is None:
            communities = cop_permissions.readable_communities(user).only("pk", "title").order_by("title")
        self.filters["community"].extra["choices"] = lambda: [(str(c.pk), c.title) for c in communities]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        if not self.user.is_authenticated:
            return queryset.none()
        return queryset.filter(registrations__user=self.user, registrations__status__in=ACTIVE)
