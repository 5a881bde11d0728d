"""The Local Contexts labels and the ecosystems: seeded from cop/library/data, marked for translation
(cop/library/strings.py must match the data files), shown in the reader's language."""

import ast
import json
from pathlib import Path

import pytest

from cop.library.models import Ecosystem, Label, LabelKind

DATA = Path(__file__).resolve().parents[2] / "cop" / "library" / "data"
CODES = {
    "tk-attribution", "tk-non-commercial", "tk-secret-sacred", "tk-seasonal", "tk-verified", "tk-non-verified",
    "tk-community-voice", "tk-outreach", "tk-family", "tk-men-general", "tk-women-general",
    "tk-culturally-sensitive", "tk-open-to-commercialization", "tk-multiple-communities", "tk-creative",
    "bc-provenance", "bc-consent-verified", "bc-consent-non-verified", "bc-multiple-communities", "bc-clan",
    "bc-outreach", "bc-research-use", "bc-open-to-collaboration", "bc-open-to-commercialization", "notice-tk",
    "notice-bc", "notice-attribution-incomplete", "notice-open-to-collaborate",
}  # fmt: skip


@pytest.mark.django_db
def test_labels_and_ecosystems_are_seeded():
    assert set(Label.objects.values_list("code", flat=True)) == CODES
    assert Label.objects.get(code="tk-secret-sacred").name == "TK Secret / Sacred"
    assert Label.objects.get(code="notice-bc").kind == LabelKind.NOTICE
    assert all(label.meaning for label in Label.objects.all())
    slugs = set(Ecosystem.objects.values_list("slug", flat=True))
    assert {"terrestrial", "freshwater", "marine", "subterranean", "marine-terrestrial", "mangroves"} <= slugs


def test_strings_module_marks_every_name_and_meaning():
    tree = ast.parse((DATA.parent / "strings.py").read_text("utf-8"))
    marked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "gettext_noop"
    }
    labels = json.loads((DATA / "local_contexts.json").read_text("utf-8"))
    ecosystems = json.loads((DATA / "ecosystems.json").read_text("utf-8"))
    expected = {label["name"] for label in labels} | {label["meaning"] for label in labels}
    expected |= {ecosystem["name"] for ecosystem in ecosystems}
    assert marked == expected
