"""The network map: how many practitioners, organisations, needs or offers each country has, drawn as
a server-rendered SVG choropleth over Natural Earth's countries (data/world-110m.json, made once by
scripts/world_map.py) with a table of the same numbers beside it. No tiles, no script."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from cop.fragments import render_one

from . import permissions
from .models import ExchangeStatus, Need, Offer, Organisation

GEOMETRY = Path(__file__).resolve().parent / "data" / "world-110m.json"

# Classes of the choropleth: (lowest count, fill); a sequential palette that keeps 3:1 against white
# from the second class on, and each class is named in the legend.
CLASSES = [(1, "#c7e9c0"), (2, "#74c476"), (5, "#31a354"), (10, "#006d2c"), (20, "#00441b")]
EMPTY_FILL = "#eeeeee"
OUTSIDE_FILL = "#fafafa"


@cache
def geometry() -> dict:
    return json.loads(GEOMETRY.read_text())


@cache
def geometry_version() -> str:
    """A hash of the vendored geometry (read once per process): new shapes, new cached maps."""
    return hashlib.sha256(GEOMETRY.read_bytes()).hexdigest()[:12]


def _layer_counts(layer: str, viewer) -> Counter:
    """Country code -> count for one layer, as `viewer` may see it (one query)."""
    if layer == "practitioners":
        # Only people whose country the viewer may see are counted (the same rule as the directory).
        people = get_user_model().objects.filter(is_active=True, listed_in_directory=True).exclude(country="")
        people = people.filter(permissions.visible_part_q(viewer, "country"))
        return Counter(people.values_list("country", flat=True))
    if layer == "organisations":
        counts = Counter()
        for codes in Organisation.objects.exclude(countries="").values_list("countries", flat=True):
            # values_list() gives the stored text, "KE,TZ"
            counts.update(set(codes.split(",")) if isinstance(codes, str) else {str(code) for code in codes})
        return counts
    model = {"needs": Need, "offers": Offer}[layer]
    return Counter(
        model.objects.filter(status=ExchangeStatus.PUBLISHED)
        .exclude(country="")
        .values_list("country", flat=True)
    )


def _describe(layer: str, count: int) -> str:
    if layer == "practitioners":
        text = ngettext("%(count)d practitioner", "%(count)d practitioners", count)
    elif layer == "organisations":
        text = ngettext("%(count)d organisation or network", "%(count)d organisations and networks", count)
    elif layer == "needs":
        text = ngettext("%(count)d open need", "%(count)d open needs", count)
    else:
        text = ngettext("%(count)d open offer", "%(count)d open offers", count)
    return text % {"count": count}


_NAMES: dict[str, dict[str, str]] = {}


def country_names() -> dict[str, str]:
    """Code -> country name in the active language (built once per language and process)."""
    language = get_language() or ""
    if language not in _NAMES:
        _NAMES[language] = {code: str(name) for code, name in countries}
    return _NAMES[language]


def _fill(count: int) -> str:
    fill = EMPTY_FILL
    for lowest, colour in CLASSES:
        if count >= lowest:
            fill = colour
    return fill


@dataclass
class Area:
    code: str
    name: str
    path: str
    count: int
    fill: str
    label: str
    inside: bool


@dataclass
class NetworkMap:
    layer: str
    view_box: str
    areas: list[Area]
    unassigned: str
    legend: list[tuple[str, str]]

    @property
    def rows(self) -> list[Area]:
        """The table: the countries counted, most first, then by name."""
        return sorted((a for a in self.areas if a.inside and a.count), key=lambda a: (-a.count, a.name))

    def svg_areas(self) -> str:
        """The countries' <path>s, each with its <title>, built here rather than in a template loop (four
        times faster for 174 countries). The paths come from the vendored file (digits, spaces, M, l, z);
        the labels are escaped. Cached per language (cop.fragments) and what the text is made of: the
        layer, the geometry file's version and each drawn country's count and whether it is inside the
        region shown (so a count changed is a new key at once)."""
        drawn = [area for area in self.areas if area.path]

        def render() -> str:
            return "".join(
                f'<path d="{area.path}" fill="{area.fill}" data-code="{area.code}" role="img">'
                f"<title>{escape(area.label)}</title></path>"
                for area in drawn
            )

        return render_one(
            "network-map-svg",
            self.layer,
            geometry_version(),
            *((area.code, area.count, area.inside) for area in drawn),
            render=render,
        )

    @property
    def total(self) -> int:
        return sum(area.count for area in self.areas if area.inside)


def _legend() -> list[tuple[str, str]]:
    legend = [(EMPTY_FILL, _("none"))]
    for index, (lowest, colour) in enumerate(CLASSES):
        upper = CLASSES[index + 1][0] - 1 if index + 1 < len(CLASSES) else None
        if upper is None:
            label = _("%(lowest)d or more") % {"lowest": lowest}
        elif upper == lowest:
            label = str(lowest)
        else:
            label = _("%(lowest)d to %(upper)d") % {"lowest": lowest, "upper": upper}
        legend.append((colour, label))
    return legend


def network_map(*, viewer, layer: str, region_countries: set[str] | None = None) -> NetworkMap:
    """The map of one layer; with `region_countries`, only those are counted (the rest drawn pale)."""
    counts = _layer_counts(layer, viewer)
    data = geometry()
    names = country_names()
    described: dict[int, str] = {}  # the same words for the same count, put once
    areas = []
    for code, path in data["countries"].items():
        inside = region_countries is None or code in region_countries
        count = counts.get(code, 0) if inside else 0
        name = names.get(code, code)
        if inside and count not in described:
            described[count] = _describe(layer, count)
        areas.append(
            Area(
                code=code,
                name=name,
                path=path,
                count=count,
                fill=_fill(count) if inside else OUTSIDE_FILL,
                label=f"{name}: {described[count]}" if inside else name,
                inside=inside,
            )
        )
    # Places with people counted that the 1:110m map cannot draw (small island states) still reach the table.
    drawn = set(data["countries"])
    for code, count in counts.items():
        if code not in drawn and (region_countries is None or code in region_countries):
            name = names.get(code, code)
            areas.append(
                Area(code, name, "", count, _fill(count), f"{name}: {_describe(layer, count)}", True)
            )
    return NetworkMap(
        layer=layer, view_box=data["viewBox"], areas=areas, unassigned=data["unassigned"], legend=_legend()
    )
