"""What explained match suggestions (cop.network.matching.match_suggestions) cost for one need among
10,000 published offers, beside the bare read of those offers' rows, in one process, same run.

Builds a throwaway SQLite database (migrations, then 10,000 offers spread over the GBF targets,
knowledge-management components, kinds of support, the six UN languages and thirty countries, in bulk),
then measures in rounds, alternating: the bare read (the offers' five scoring columns, nothing else:
the least any ranking must read) and match_suggestions for a need sharing three targets and two
components (its queries, the scoring of every candidate, the words of the ten shown). Wall time per
call (median of the rounds, min-max in brackets), CPU time of this process per call (median: less
inflated by the other work on the machine; SQLite runs in this process, so it counts) and queries.
The issue's target: under 200 ms.
Scoring in SQL instead (the score as an annotation with two correlated subqueries, ORDER BY ... LIMIT 10)
was tried and was slower on SQLite: the expression and its subqueries are repeated in WHERE and ORDER
BY, 200 ms for that query alone against about 100 ms for the whole Python path on a quieter machine.
Prints the figures; --write records them in bench/RESULTS.md under "Network suggestions".

    .venv/bin/python bench/network_suggestions.py [--rounds 7] [--offers 10000] [--write]
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Network suggestions"
COUNTRIES = [
    "BO",
    "BR",
    "CO",
    "EC",
    "PE",
    "MX",
    "KE",
    "TZ",
    "UG",
    "SN",
    "ML",
    "GH",
    "NG",
    "ZA",
    "EG",
    "MA",
    "JO",
    "LB",
    "IN",
    "LK",
    "CN",
    "VN",
    "TH",
    "ID",
    "FR",
    "DE",
    "ES",
    "RU",
    "NZ",
    "FJ",
]


def _counter():
    counted = [0]

    def counting(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    return counted, counting


def build(offers: int):
    from django.contrib.auth import get_user_model

    from cop.models import GBFTarget, KMComponent, Language
    from cop.network.models import Need, Offer

    rng = random.Random(2030)
    User = get_user_model()
    seeker = User.objects.create_user(email="seeker@bench.example", password=None, display_name="Seeker")
    providers = User.objects.bulk_create(
        User(email=f"p{i}@bench.example", username=f"p{i}@bench.example", display_name=f"Provider {i}")
        for i in range(200)
    )
    targets = list(GBFTarget.objects.values_list("pk", flat=True))
    components = list(KMComponent.objects.values_list("pk", flat=True))
    languages = list(Language.objects.filter(is_un_language=True).values_list("pk", flat=True))
    kinds = ["training", "advice", "data", "technology", "funding", "partnership"]
    rows = Offer.objects.bulk_create(
        Offer(
            title=f"Offer {i}",
            description="Support offered.",
            support_kind=rng.choice(kinds),
            language_id=rng.choice(languages),
            country=rng.choice(COUNTRIES),
            author=rng.choice(providers),
            status="published",
        )
        for i in range(offers)
    )
    Offer.gbf_targets.through.objects.bulk_create(
        Offer.gbf_targets.through(offer_id=row.pk, gbftarget_id=target)
        for row in rows
        for target in rng.sample(targets, rng.randint(1, 4))
    )
    Offer.km_components.through.objects.bulk_create(
        Offer.km_components.through(offer_id=row.pk, kmcomponent_id=component)
        for row in rows
        for component in rng.sample(components, rng.randint(0, 2))
    )
    need = Need.objects.create(
        title="Training on wetland monitoring",
        description="Needed.",
        support_kind="training",
        language=Language.objects.get(code="es"),
        country="PE",
        author=seeker,
        status="published",
    )
    need.gbf_targets.set(GBFTarget.objects.filter(number__in=[3, 11, 21]))
    need.km_components.set(KMComponent.objects.filter(slug__in=["capacity", "sharing"]))
    return need, seeker


def measure(rounds: int, offers: int) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from cop.network.matching import match_suggestions
    from cop.network.models import Offer

    need, seeker = build(offers)

    def bare():
        return list(
            Offer.objects.filter(status="published").values_list(
                "pk", "support_kind", "language_id", "country", "expires_on"
            )
        )

    def suggestions():
        return match_suggestions(need, viewer=seeker)

    assert len(bare()) == offers and len(suggestions()) == 10
    timings = {"bare": [], "suggestions": []}
    cpu = {"bare": [], "suggestions": []}
    queries = {}
    for _round in range(rounds):
        for name, call in (("bare", bare), ("suggestions", suggestions)):
            counted, counting = _counter()
            with connection.execute_wrapper(counting):
                start, start_cpu = time.perf_counter(), time.process_time()
                call()
                timings[name].append((time.perf_counter() - start) * 1000)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
            queries[name] = counted[0]
    top = suggestions()[0]
    return {
        **{
            name: {
                "ms": statistics.median(values),
                "spread": (min(values), max(values)),
                "cpu": statistics.median(cpu[name]),
                "queries": queries[name],
            }
            for name, values in timings.items()
        },
        "top": f"{top.score} points: " + "; ".join(reason.text for reason in top.reasons),
    }


def report(result: dict, *, rounds: int, offers: int) -> str:
    load = os.getloadavg()
    bare, ranked = result["bare"], result["suggestions"]
    verdict = "met" if ranked["ms"] < 200 else "NOT met"
    cpu_verdict = "within" if ranked["cpu"] < 200 else "beyond"
    return "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d')}, {rounds} rounds alternating, {offers:,} published offers, "
            f"SQLite (WAL) on a throwaway database, one process; wall time per call (median, min-max in "
            f"brackets). Load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on 2 cores: "
            "other engineers' test runs shared the machine, which inflates both rows alike.",
            "",
            "| Read | wall ms / call | CPU ms / call | Queries |",
            "| --- | --- | --- | --- |",
            f"| bare: the offers' scoring columns, nothing else | {bare['ms']:.1f} "
            f"({bare['spread'][0]:.1f}-{bare['spread'][1]:.1f}) | {bare['cpu']:.1f} | {bare['queries']} |",
            f"| match_suggestions: ranked, ten explained | {ranked['ms']:.1f} "
            f"({ranked['spread'][0]:.1f}-{ranked['spread'][1]:.1f}) | {ranked['cpu']:.1f} | {ranked['queries']} |",
            "",
            f"Suggestions cost {ranked['ms'] / bare['ms']:.1f} x the bare read in wall time, "
            f"{ranked['cpu'] / bare['cpu']:.1f} x in CPU time. The target (under 200 ms for one need among "
            f"10,000 offers) is {verdict} in wall time in this run (median {ranked['ms']:.0f} ms, fastest "
            f"round {ranked['spread'][0]:.0f} ms); the work itself, {ranked['cpu']:.0f} ms of CPU, is "
            f"{cpu_verdict} it, the rest is waiting for a core on the shared machine. "
            f"Best suggestion in this data: {result['top']}.",
        ]
    )


def write(text: str, *, title: str = SECTION, script: str = "network_suggestions.py") -> None:
    """Replaces (or adds) the section `title` of bench/RESULTS.md; bench/network_map.py uses it too."""
    path = BENCH / "RESULTS.md"
    content = path.read_text()
    section = f"## {title}\n\nWritten by `bench/{script} --write`.\n\n{text}\n"
    pattern = re.compile(rf"^## {title}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(content):
        content = pattern.sub(section + "\n", content).rstrip("\n") + "\n"
    else:
        content = content.rstrip("\n") + "\n\n" + section
    path.write_text(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    options = parser.parse_args()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    workdir = Path(tempfile.mkdtemp(prefix="km4b-bench-network-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "thread_page_app",
            "BENCH_DB": str(workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
    )
    result = measure(max(1, options.rounds), max(10, options.offers))
    text = report(result, rounds=options.rounds, offers=options.offers)
    print(text)
    if options.write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
