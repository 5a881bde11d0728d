"""The network map: an SVG drawn on the server with the table of the same numbers beside it."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cop.fragments import render_one, scope_versions

from ..filters import MapFilter
from ..fragments import VOCABULARIES_SCOPE
from ..maps import network_map
from . import crumbs


@require_safe
def network_map_view(request):
    filterset = MapFilter(request.GET or None)
    values = filterset.valid_values()
    region_countries = None
    if values.get("region"):
        region_countries = {str(code) for code in filterset.qs.values_list("country", flat=True)}
    the_map = network_map(
        viewer=request.user, layer=filterset.chosen_layer(), region_countries=region_countries
    )
    return render(
        request,
        "cop_network/map.html",
        {
            "form": filterset.form,
            "filters": _filters(request, filterset),
            "map": the_map,
            "region": values.get("region"),
            "breadcrumbs": crumbs((_("Network"), reverse("cop_network:directory")), (_("Map"), "")),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


MAP_PARAMETERS = frozenset({"layer", "region"})


def _filters(request, filterset) -> str:
    """The map's form (its region menu costs more than the rest of the page): without errors and other
    parameters it shows only the layer and region given, so it is rendered once per pair of them and
    version of the vocabularies (regions; cop.network.fragments)."""

    def render_form():
        return render_to_string(
            "cop_network/includes/map_filters.html", {"form": filterset.form}, request=request
        )

    if set(request.GET) - MAP_PARAMETERS or (filterset.is_bound and filterset.form.errors):
        return render_form()
    return render_one(
        "network-map-filters",
        filterset.is_bound,
        request.GET.get("layer"),
        request.GET.get("region"),
        *scope_versions(VOCABULARIES_SCOPE),
        render=render_form,
    )
