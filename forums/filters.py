"""A board's thread filters (django-filter): sort order, title words, tag (any script) and GBF target,
read from the address. forums.selectors.board_threads takes them as a dict; a value that is not valid
is left out while the others apply."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cop.filters import LenientFilterSet, UnicodeSlugFilter
from cop.models import GBFTarget
from forums.models import Thread

# Sort name: the order it gives (the first is the default).
SORTS = {
    "activity": ("-is_pinned", "-last_activity_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "replies": ("-reply_count", "-last_activity_at", "-pk"),
    "unanswered": ("-created_at", "-pk"),
}
SORT_CHOICES = [
    ("activity", _("Latest activity")),
    ("newest", _("Newest")),
    ("replies", _("Most replies")),
    ("unanswered", _("Unanswered")),
]


class ThreadFilter(LenientFilterSet):
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="filter_sort"
    )
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("Title contains"), max_length=100
    )
    tag = UnicodeSlugFilter(field_name="tags__slug", label=_("Tag"), max_length=100, allow_unicode=True)
    target = django_filters.ModelChoiceFilter(
        field_name="gbf_targets",
        queryset=GBFTarget.objects.all(),
        to_field_name="number",
        label=_("GBF target"),
        empty_label=_("Any target"),
    )

    class Meta:
        model = Thread
        fields = []

    def filter_sort(self, queryset, name, value):
        if value == "unanswered":
            queryset = queryset.filter(reply_count=0)
        return queryset.order_by(*SORTS[value])
