"""Seeds the network's topics of expertise. Idempotent: organisers may edit them later."""

from django.db import migrations

TOPICS = [
    ("protected-areas", "Protected and conserved areas"),
    ("restoration", "Ecosystem restoration"),
    ("invasive-species", "Invasive alien species"),
    ("spatial-planning", "Spatial planning"),
    ("species-monitoring", "Species monitoring"),
    ("biodiversity-data", "Biodiversity data and information systems"),
    ("traditional-knowledge", "Traditional knowledge"),
    ("access-benefit-sharing", "Access and benefit-sharing"),
    ("biodiversity-finance", "Biodiversity finance"),
    ("mainstreaming", "Mainstreaming in sectors"),
    ("sustainable-use", "Sustainable use and wildlife"),
    ("marine-coastal", "Marine and coastal biodiversity"),
    ("urban-biodiversity", "Urban biodiversity"),
    ("education-awareness", "Education and public awareness"),
    ("national-reporting", "NBSAPs and national reporting"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("cop_network", "Topic")
    for order, (slug, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("cop_network", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
