"""Seeds the shared vocabularies: GBF goals and targets (from cop/data/gbf.json), stakeholder groups,
knowledge-management components and working languages. Idempotent: organisers may edit them later."""

import json
from pathlib import Path

from django.db import migrations

STAKEHOLDER_GROUPS = [
    ("iplc", "Indigenous peoples and local communities (IPLC)"),
    ("women", "Women"),
    ("youth", "Youth"),
    ("government", "Government"),
    ("academia", "Academia and research"),
    ("civil-society", "Civil society / NGO"),
    ("private-sector", "Private sector"),
    ("igo", "Intergovernmental organisations"),
    ("other", "Other"),
]
KM_COMPONENTS = [
    ("generation", "Knowledge generation"),
    ("organisation", "Knowledge organisation"),
    ("sharing", "Knowledge sharing and exchange"),
    ("use", "Knowledge use and application"),
    ("capacity", "Capacity development"),
]
LANGUAGES = [
    ("ar", "Arabic", "العربية", True),
    ("zh-hans", "Chinese", "中文", True),
    ("en", "English", "English", True),
    ("fr", "French", "Français", True),
    ("ru", "Russian", "Русский", True),
    ("es", "Spanish", "Español", True),
    ("pt", "Portuguese", "Português", False),
    ("sw", "Swahili", "Kiswahili", False),
    ("hi", "Hindi", "हिन्दी", False),
    ("id", "Indonesian", "Bahasa Indonesia", False),
    ("qu", "Quechua", "Runa Simi", False),
    ("mi", "Māori", "Te Reo Māori", False),
]


def seed(apps, schema_editor):
    data = json.loads((Path(__file__).resolve().parent.parent / "data" / "gbf.json").read_text("utf-8"))
    GBFGoal = apps.get_model("cop", "GBFGoal")
    GBFTarget = apps.get_model("cop", "GBFTarget")
    for goal in data["goals"]:
        GBFGoal.objects.update_or_create(code=goal["code"], defaults={"summary": goal["summary"]})
    for target in data["targets"]:
        GBFTarget.objects.update_or_create(
            number=target["number"], defaults={"title": target["title"], "group": target["group"]}
        )
    StakeholderGroup = apps.get_model("cop", "StakeholderGroup")
    for order, (slug, name) in enumerate(STAKEHOLDER_GROUPS):
        StakeholderGroup.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    KMComponent = apps.get_model("cop", "KMComponent")
    for order, (slug, name) in enumerate(KM_COMPONENTS):
        KMComponent.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    Language = apps.get_model("cop", "Language")
    for code, name, native, un in LANGUAGES:
        Language.objects.get_or_create(
            code=code, defaults={"name": name, "native_name": native, "is_un_language": un}
        )


class Migration(migrations.Migration):
    dependencies = [("cop", "0002_communityindexpage_gbfgoal_gbftarget_kmcomponent_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
