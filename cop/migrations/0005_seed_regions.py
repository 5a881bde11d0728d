"""Seeds the UN M49 regions and sub-regions and maps every ISO 3166 country to its sub-region, from
cop/data/m49_countries.csv (see its header for the source). Country names and their translations come
from django-countries at display time. Idempotent: organisers may rename regions later."""

import csv
from pathlib import Path

from django.db import migrations

# M49 codes of the regions and of the sub-regions named in the data file (for Africa and the Americas
# the data uses the intermediate regions, e.g. "Eastern Africa", "Caribbean").
REGIONS = [
    ("002", "Africa"),
    ("019", "Americas"),
    ("142", "Asia"),
    ("150", "Europe"),
    ("009", "Oceania"),
    ("010", "Antarctica"),
]
SUBREGIONS = [
    ("015", "Northern Africa", "002"),
    ("014", "Eastern Africa", "002"),
    ("017", "Middle Africa", "002"),
    ("018", "Southern Africa", "002"),
    ("011", "Western Africa", "002"),
    ("029", "Caribbean", "019"),
    ("013", "Central America", "019"),
    ("005", "South America", "019"),
    ("021", "Northern America", "019"),
    ("143", "Central Asia", "142"),
    ("030", "Eastern Asia", "142"),
    ("035", "South-eastern Asia", "142"),
    ("034", "Southern Asia", "142"),
    ("145", "Western Asia", "142"),
    ("151", "Eastern Europe", "150"),
    ("154", "Northern Europe", "150"),
    ("039", "Southern Europe", "150"),
    ("155", "Western Europe", "150"),
    ("053", "Australia and New Zealand", "009"),
    ("054", "Melanesia", "009"),
    ("057", "Micronesia", "009"),
    ("061", "Polynesia", "009"),
]


def read_countries():
    path = Path(__file__).resolve().parent.parent / "data" / "m49_countries.csv"
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines)


def seed(apps, schema_editor):
    Region = apps.get_model("cop", "Region")
    CountryRegion = apps.get_model("cop", "CountryRegion")
    by_code = {}
    for code, name in REGIONS:
        by_code[code], _ = Region.objects.get_or_create(m49_code=code, defaults={"name": name})
    by_name = {"Antarctica": by_code["010"]}
    for code, name, parent in SUBREGIONS:
        region, _ = Region.objects.get_or_create(
            m49_code=code, defaults={"name": name, "parent": by_code[parent]}
        )
        by_name[name] = region
    for row in read_countries():
        CountryRegion.objects.update_or_create(
            country=row["iso2"], defaults={"region": by_name[row["subregion"]]}
        )


class Migration(migrations.Migration):
    dependencies = [("cop", "0004_profiles_invitations_announcements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
