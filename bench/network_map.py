"""What the network map page (/network/map/) costs and weighs, beside the bare 50-row view
(thread_page_urls.bare), in one process, same run, through Django's test client (no server: the
application's own cost).

Builds a throwaway SQLite database (migrations, then 3,000 listed practitioners over thirty countries
with mixed country visibility, 200 organisations, 1,000 published needs and 1,000 offers), then renders
in rounds, alternating: the bare view, the map of each layer for an anonymous visitor, and the
practitioners' map for a signed-in member. Wall time per page (median, min-max), queries, and the
page's weight raw and gzipped (nginx gzips HTML in production).
Prints the figures; --write records them in bench/RESULTS.md under "Network map".

    .venv/bin/python bench/network_map.py [--rounds 7] [--write]
"""

import argparse
import gzip
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Network map"
HOST = {"HTTP_HOST": "127.0.0.1"}


def build():
    from django.contrib.auth import get_user_model
    from network_suggestions import COUNTRIES

    from cop.models import Language
    from cop.network.models import Need, Offer, Organisation, Profile

    rng = random.Random(2030)
    User = get_user_model()
    people = User.objects.bulk_create(
        User(
            email=f"p{i}@bench.example",
            username=f"p{i}@bench.example",
            display_name=f"Practitioner {i}",
            country=rng.choice(COUNTRIES),
        )
        for i in range(3000)
    )
    Profile.objects.bulk_create(
        Profile(user=person, country_visibility=rng.choice(["public", "members", "members", "nobody"]))
        for person in people
    )
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i}", kind="organisation", countries=rng.sample(COUNTRIES, rng.randint(1, 3))
        )
        for i in range(200)
    )
    language = Language.objects.get(code="en")
    for model in (Need, Offer):
        model.objects.bulk_create(
            model(
                title=f"{model.kind} {i}",
                description="Support.",
                support_kind="training",
                language=language,
                country=rng.choice(COUNTRIES),
                author=rng.choice(people),
                status="published",
            )
            for i in range(1000)
        )
    return people[0]


def measure(rounds: int) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client
    from network_suggestions import _counter

    member = build()
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member)
    pages = {
        "bare 50-row view": (anonymous, "/bench/bare/"),
        "map: practitioners, anonymous": (anonymous, "/en/network/map/"),
        "map: practitioners, member": (signed_in, "/en/network/map/"),
        "map: organisations": (anonymous, "/en/network/map/?layer=organisations"),
        "map: needs": (anonymous, "/en/network/map/?layer=needs"),
        "map: offers": (anonymous, "/en/network/map/?layer=offers"),
    }
    timings = {name: [] for name in pages}
    facts = {}
    for _round in range(rounds):
        for name, (client, url) in pages.items():
            counted, counting = _counter()
            with connection.execute_wrapper(counting):
                start = time.perf_counter()
                response = client.get(url, **HOST)
                timings[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            facts[name] = (counted[0], len(response.content), len(gzip.compress(response.content)))
    return {
        name: {"ms": statistics.median(values), "spread": (min(values), max(values)), "facts": facts[name]}
        for name, values in timings.items()
    }


def report(result: dict, *, rounds: int) -> str:
    load = os.getloadavg()
    bare = result["bare 50-row view"]["ms"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')}, {rounds} rounds alternating, in one process through Django's "
        "test client (no server), SQLite (WAL) on a throwaway database with 3,000 practitioners (mixed "
        "country visibility) over 30 countries, 200 organisations, 1,000 needs and 1,000 offers. Load "
        f"average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on 2 cores: other engineers' "
        "test runs shared the machine, which inflates every row alike.",
        "",
        "| Page | wall ms (median, min-max) | x bare | Queries | Bytes | Gzipped |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in result.items():
        queries, size, packed = row["facts"]
        lines.append(
            f"| {name} | {row['ms']:.1f} ({row['spread'][0]:.1f}-{row['spread'][1]:.1f}) | "
            f"{row['ms'] / bare:.1f} | {queries} | {size:,} | {packed:,} |"
        )
    lines += [
        "",
        "The map is one page of HTML with the SVG inline (174 country paths from cop/network/data/world-110m.json, "
        "52 KB of geometry, each with its <title>) and the table; no script, no tile, no other request but "
        "the site's stylesheets. The bare view has no site shell; the map pages carry the whole of it (header, menus, footer), so part of the ratio is the shell, which every page of the site pays.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    options = parser.parse_args()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    workdir = Path(tempfile.mkdtemp(prefix="km4b-bench-map-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "thread_page_app",
            "BENCH_DB": str(workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
    )
    result = measure(max(1, options.rounds))
    text = report(result, rounds=options.rounds)
    print(text)
    if options.write:
        from network_suggestions import write

        write(text, title=SECTION, script="network_map.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
