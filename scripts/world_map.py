"""Converts Natural Earth's 1:110m countries (world-atlas 2.0.2, countries-110m.json, TopoJSON) ONCE into
cop/network/data/world-110m.json: one compact SVG path per ISO 3166 alpha-2 code, on an
equirectangular projection (viewBox 0 0 1000 470), for the network map (cop.network.maps).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python scripts/world_map.py package/countries-110m.json

The output is committed; this script is kept to say how it was made (and to remake it)."""

import json
import sys
from pathlib import Path

import django

WIDTH = 1000
SCALE = WIDTH / 360
TOP = 85.61  # the northernmost latitude in the data
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "cop" / "network" / "data" / "world-110m.json"


def decode_arcs(topology) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs) -> list[tuple[float, float]]:
    points: list = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def ring_path(points) -> str:
    """A closed ring in integers, relative moves after the first, repeated points dropped."""
    projected = [(round((lon + 180) * SCALE), round((TOP - lat) * SCALE)) for lon, lat in points]
    steps = []
    last = projected[0]
    for point in projected[1:]:
        if point != last:
            steps.append(f"{point[0] - last[0]} {point[1] - last[1]}")
            last = point
    if len(steps) < 2:
        return ""
    return f"M{projected[0][0]} {projected[0][1]}l" + " ".join(steps) + "z"


def main(source: str) -> None:
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django_countries import countries

    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    paths: dict[str, str] = {}
    unassigned = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring_path(ring_points(ring, arcs)) for polygon in polygons for ring in polygon)
        code = countries.alpha2(geometry.get("id", "")) if geometry.get("id", "").isdigit() else ""
        if code:
            paths[code] = paths.get(code, "") + path
        else:
            unassigned.append(
                path
            )  # places without an ISO code (N. Cyprus, Somaliland, Kosovo): drawn, not counted
    height = round((TOP + 90) * SCALE)
    data = {
        "source": "Natural Earth 1:110m countries, via world-atlas 2.0.2 (ISC licence, Michael Bostock); "
        "Natural Earth is in the public domain",
        "viewBox": f"0 0 {WIDTH} {height}",
        "countries": dict(sorted(paths.items())),
        "unassigned": "".join(unassigned),
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(paths)} countries, {OUT.stat().st_size} bytes -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/countries-110m.json")
