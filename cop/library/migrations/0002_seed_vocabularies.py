"""Seeds the Local Contexts Labels and Notices and the ecosystems from cop/library/data/*.json.
Idempotent: names and meanings are brought in line with the files, nothing else is touched."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    Label = apps.get_model("cop_library", "Label")
    for label in json.loads((DATA / "local_contexts.json").read_text("utf-8")):
        Label.objects.update_or_create(
            code=label["code"],
            defaults={
                "kind": label["kind"],
                "name": label["name"],
                "meaning": label["meaning"],
                "sort_order": label["sort_order"],
            },
        )
    Ecosystem = apps.get_model("cop_library", "Ecosystem")
    for ecosystem in json.loads((DATA / "ecosystems.json").read_text("utf-8")):
        Ecosystem.objects.update_or_create(
            slug=ecosystem["slug"], defaults={"name": ecosystem["name"], "sort_order": ecosystem["sort_order"]}
        )


class Migration(migrations.Migration):
    dependencies = [("cop_library", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
