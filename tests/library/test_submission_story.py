"""The site's submission form writes the story (plain-text sections mapped onto the story blocks) and
the resources (rows of a title with an address or a file), without JavaScript: uploads pass the same
checks as every upload (no programs, no SVG with script), form errors come back in the user's
language with everything typed still there, and the saved draft is never touched by a refused post."""

import io
import json

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cop.library.models import CaseStudyPage
from tests.library.test_submission import _form

pytestmark = pytest.mark.django_db

STORY = """## Where it began

The **river** people burn *early*, see [the map](https://example.org/map).

- small patches
- in the morning

> We read the grass before we light it.
> -- Ranger coordinator

### What changed
Fewer late fires."""

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _rows(*rows, total=None):
    """The resources formset's fields: each row a dict of title, url, file, resource, DELETE."""
    data = {
        "resources-TOTAL_FORMS": str(total or len(rows)),
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"resources-{index}-{key}"] = value
    return data


def _pdf(name="notes.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 field notes", content_type="application/pdf")


def _share(cast, client, **extra):
    client = cast.client(client, "outsider")
    data = {**_form(story=STORY), **extra}
    return client, client.post(reverse("cop_library:share", args=[cast.site_library.pk]), data)


def test_story_and_resources_are_saved_and_read_back(cast, client):
    client, response = _share(
        cast,
        client,
        **_rows(
            {"title": "Burning calendar", "url": "https://example.org/calendar"},
            {"title": "Field notes", "file": _pdf()},
            {"title": "", "url": ""},  # an empty row is ignored
        ),
    )
    assert response.status_code == 302
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    kinds = [block.block_type for block in page.story]
    assert kinds == ["heading", "paragraph", "paragraph", "quote", "heading", "paragraph"]
    assert page.story[0].value["text"] == "Where it began" and page.story[4].value["level"] == "h3"
    paragraph = page.story[1].value.source
    assert "<b>river</b>" in paragraph and '<a href="https://example.org/map">the map</a>' in paragraph
    assert page.story[3].value["attribution"] == "Ranger coordinator"
    resources = list(page.resources.order_by("sort_order"))
    assert [(r.title, r.url) for r in resources] == [
        ("Burning calendar", "https://example.org/calendar"),
        ("Field notes", ""),
    ]
    assert resources[1].document.file.read().startswith(b"%PDF")
    # The latest revision (what the reviewers see and publish) has them too.
    revision = page.get_latest_revision_as_object()
    assert len(revision.story) == 6 and revision.resources.count() == 2

    # Back on the edit page: the same text and rows, and saving them again changes nothing.
    edit = reverse("cop_library:submission_edit", args=[page.pk])
    body = client.get(edit).content.decode()
    assert "## Where it began" in body and "**river**" in body and "&gt; -- Ranger coordinator" in body
    assert "Burning calendar" in body and resources[1].document.filename in body
    story_text = client.get(edit).context["form"].initial["story"]
    response = client.post(
        edit,
        {
            **_form(story=story_text),
            **_rows(
                {"resource": str(resources[0].pk), "title": "Burning calendar 2", "url": resources[0].url},
                {"resource": str(resources[1].pk), "title": "Field notes"},  # keeps its file
            ),
        },
    )
    assert response.status_code == 302, response.context["resources"].errors
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert [block.block_type for block in page.story] == kinds
    again = list(page.resources.order_by("sort_order"))
    assert [r.pk for r in again] == [r.pk for r in resources]
    assert again[0].title == "Burning calendar 2" and again[1].document_id == resources[1].document_id

    # A row marked for removal goes.
    client.post(
        edit,
        {
            **_form(story=story_text),
            **_rows(
                {"resource": str(resources[0].pk), "title": "Burning calendar 2", "url": resources[0].url},
                {"resource": str(resources[1].pk), "title": "Field notes", "DELETE": "on"},
            ),
        },
    )
    assert list(CaseStudyPage.objects.get(pk=page.pk).resources.values_list("title", flat=True)) == [
        "Burning calendar 2"
    ]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"title": "Tool", "file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}, "file", "Programs"),
        ({"title": "Notes", "file": SimpleUploadedFile("notes.pdf", b"\x7fELF\x02")}, "file", "a program"),
        ({"title": "Map", "file": SimpleUploadedFile("map.svg", SVG_WITH_SCRIPT)}, "file", "SVG"),
        ({"title": "", "url": "https://example.org/"}, "title", "Give the resource a title."),
        ({"title": "Notes", "url": ""}, "url", "Give an address, or attach a file."),
        ({"title": "Both", "url": "https://example.org/", "file": _pdf()}, "url", "not both"),
        ({"title": "Bad", "url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
    ],
)
def test_bad_resources_are_refused_on_the_form_and_nothing_is_saved(cast, client, row, field, message):
    _client, response = _share(cast, client, **_rows(row))
    assert response.status_code == 400
    [form] = [form for form in response.context["resources"].forms if form.errors]
    assert message in " ".join(form.errors[field])
    assert not CaseStudyPage.objects.filter(title="Fire management with elders").exists()
    # What was typed is on the form again.
    body = response.content.decode()
    assert "## Where it began" in body and "Fire management with elders" in body


def test_a_refused_post_keeps_the_draft_and_answers_in_french(cast, client):
    client, _response = _share(cast, client, **_rows({"title": "Calendar", "url": "https://example.org/c"}))
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    revisions = page.revisions.count()
    url = "/fr" + reverse("cop_library:submission_edit", args=[page.pk])[3:]
    response = client.post(
        url,
        {
            **_form(story="## Changed heading", period_end="2018-01-01"),
            **_rows({"title": "Tool", "file": SimpleUploadedFile("tool.exe", b"MZ")}),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Veuillez corriger les erreurs ci-dessous." in body
    assert "## Changed heading" in body  # what was typed is still there
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.revisions.count() == revisions  # the saved draft is untouched
    assert page.story[0].value["text"] == "Where it began"
    assert list(page.resources.values_list("title", flat=True)) == ["Calendar"]


def test_the_story_keeps_only_its_own_images(cast, client):
    """An image the editors put in the story is kept through the form; another item's image cannot
    be pulled in by its number."""
    output = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(output, format="PNG")
    own, other = (
        get_image_model().objects.create(
            title=title, file=ImageFile(io.BytesIO(output.getvalue()), name="x.png")
        )
        for title in ("River", "Someone else's")
    )
    client, _response = _share(cast, client)
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    page.story = json.dumps(
        [{"type": "image", "value": {"image": own.pk, "alt_text": "The river", "decorative": False}}]
    )
    page.save()
    edit = reverse("cop_library:submission_edit", args=[page.pk])
    text = client.get(edit).context["form"].initial["story"]
    assert text == f"![The river](image:{own.pk})"
    client.post(edit, _form(story=f"{text}\n\n![Stolen](image:{other.pk})\n\nAfter."))
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert [(block.block_type, getattr(block.value, "pk", None)) for block in page.story] == [
        ("image", own.pk),
        ("paragraph", None),
    ]


def test_the_edit_page_reads_a_constant_number_of_queries(cast, client):
    """Its statements do not grow with the resources (their documents are read with them)."""
    client, _response = _share(cast, client, **_rows({"title": "One", "file": _pdf()}))
    page = CaseStudyPage.objects.get(title="Fire management with elders")
    edit = reverse("cop_library:submission_edit", args=[page.pk])
    client.get(edit)
    with CaptureQueriesContext(connection) as one:
        assert client.get(edit).status_code == 200
    rows = [{"title": "One", "resource": str(page.resources.get().pk)}]
    rows += [{"title": f"More {n}", "file": _pdf(f"more{n}.pdf")} for n in range(4)]
    client.post(edit, {**_form(story=STORY), **_rows(*rows)})
    assert CaseStudyPage.objects.get(pk=page.pk).resources.count() == 5
    with CaptureQueriesContext(connection) as five:
        assert client.get(edit).status_code == 200
    assert len(five.captured_queries) == len(one.captured_queries)
