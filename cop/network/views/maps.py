"""The network map: an SVG drawn on the server with the table of the same numbers beside it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..filters import MapFilter
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
            "map": the_map,
            "region": values.get("region"),
            "breadcrumbs": crumbs((_("Network"), reverse("cop_network:directory")), (_("Map"), "")),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )
