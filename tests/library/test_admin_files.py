"""The documents and images of traditional-knowledge items in the Wagtail admin, for an editor who is
not a superuser (the leak matrix's editor is one): Wagtail's collection permissions let them work on
every file of the root collection, and the library's permission policy (cop.library.admin_files) still
leaves out those of an item they may not read in full, in the listings, the choosers and their
search (the search index holds the titles; no search an editor runs reaches them), the admin API and
the edit views. Access that changes shows at once: nothing is cached."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.permissions import policy_registry

from cop.library.models import CaseStudyResource
from tests.factories import UserFactory
from tests.library.conftest import make_case_study

pytestmark = pytest.mark.django_db

WORD = "zqbarkremedy"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def files_editor():
    """Staff in a group with every document permission on the root collection (as Wagtail's own
    Editors group has)."""
    group = Group.objects.create(name="File editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_document", "change_document", "choose_document"):
        GroupCollectionPermission.objects.create(
            group=group,
            collection=Collection.get_first_root_node(),
            permission=Permission.objects.get(codename=codename, content_type__app_label="wagtaildocs"),
        )
    user = UserFactory(display_name="File editor", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def tk_document(cast):
    page, consent = cast.tk_case_study(audience="people")
    document = get_document_model().objects.create(
        title=f"{WORD} notes", file=ContentFile(b"%PDF-1.4 notes", name="notes.pdf")
    )
    CaseStudyResource.objects.create(case_study=page, title="Notes", document=document)
    open_document = get_document_model().objects.create(
        title="Open village map", file=ContentFile(b"%PDF-1.4 map", name="map.pdf")
    )
    return document, open_document, consent


def _surfaces(document):
    return [
        reverse("wagtaildocs:index") + f"?q={WORD}",
        reverse("wagtaildocs:index_results") + f"?q={WORD}",
        reverse("wagtaildocs_chooser:choose_results") + f"?q={WORD}",
        reverse("wagtailadmin_api:documents:listing") + f"?search={WORD}",
        reverse("wagtailadmin_api:documents:detail", args=[document.pk]),
        reverse("wagtaildocs:edit", args=[document.pk]),
        reverse("wagtaildocs:document_usage", args=[document.pk]),
        reverse("wagtaildocs_chooser:chosen", args=[document.pk]),
    ]


def _found(client, url) -> bool:
    response = client.get(url)
    assert response.status_code < 500, url
    body = response.content.decode().lower()
    for echo in (f"q={WORD}", f"search={WORD}", f'value="{WORD}"', f"“{WORD}”", f"<em>{WORD}</em>"):
        body = body.replace(echo, "")
    return WORD in body


def test_an_editor_without_rights_finds_no_tk_file_until_let_in(client, files_editor, tk_document):
    document, open_document, consent = tk_document
    policy = policy_registry.get_by_type(get_document_model())
    # The search index holds the title, but no search over what the editor may see reaches it.
    assert get_document_model().objects.search(WORD).count() == 1
    choosable = policy.instances_user_has_any_permission_for(files_editor, ["choose"])
    assert open_document in choosable and list(choosable.search(WORD)) == []
    assert not policy.user_has_permission_for_instance(files_editor, "change", document)
    client.force_login(files_editor)
    for url in _surfaces(document):
        assert not _found(client, url), url
    # Listed in the consent's audience: the editor finds the file at once, everywhere.
    consent.audience_people.add(files_editor)
    assert policy.user_has_permission_for_instance(files_editor, "change", document)
    for url in _surfaces(document):
        if "usage" not in url:  # the usage page names its pages, not the file's title
            assert _found(client, url), url
    # Taken out again: gone at once.
    consent.audience_people.remove(files_editor)
    for url in _surfaces(document):
        assert not _found(client, url), url


def test_a_page_editor_who_is_no_superuser_works_in_the_admin_without_the_tk_item(cast, client):
    """Wagtail's own Editors group: the library's filters on the explorer, choosers, search, admin API,
    reports and file listings answer (their access subqueries once went past SQLite's parser: 500)
    and leave out the TK case study the editor may not read, by title and by notice."""
    cast.tk_case_study(audience="people")
    make_case_study(cast.library, title="Open village map")
    user = UserFactory(display_name="Page editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    for url in (
        reverse("wagtailadmin_explore", args=[cast.library.pk]),
        reverse("wagtailadmin_choose_page_child", args=[cast.library.pk]),
        reverse("wagtailadmin_pages:search") + "?q=village",
        reverse("wagtailadmin_api:pages:listing") + f"?child_of={cast.library.pk}&for_explorer=1",
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtaildocs:index") + "?q=x",
        reverse("wagtailimages:index") + "?q=x",
        reverse("wagtaildocs_chooser:choose_results") + "?q=x",
        reverse("wagtailimages_chooser:choose_results") + "?q=x",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Healing plants" not in body and "RESTRICTED" not in body, url
    explorer = client.get(reverse("wagtailadmin_explore", args=[cast.library.pk])).content.decode()
    assert "Open village map" in explorer
