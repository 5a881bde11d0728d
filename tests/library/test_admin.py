"""The Wagtail admin asks the same decision: editors without rights on a traditional-knowledge item see
neither its title nor its text in the explorer, the page chooser or the snippets, and cannot open its
edit view; its preview answers like the page."""

import pytest
from django.urls import reverse

from cop.library.models import BuildingBlock
from tests.library.conftest import make_case_study, make_consent


@pytest.fixture
def tk(cast):
    page, consent = cast.tk_case_study()
    open_page = make_case_study(cast.library, title="Open village map")
    return page, consent, open_page


@pytest.mark.django_db
def test_explorer_and_chooser_leave_out_unreadable_tk(client, cast, tk):
    page, _consent, open_page = tk
    client.force_login(cast.users["editor"])
    for url in (
        reverse("wagtailadmin_explore", args=[cast.library.pk]),
        reverse("wagtailadmin_choose_page_child", args=[cast.library.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Open village map" in body
        assert "Healing plants" not in body and "Medicinal plant knowledge" not in body, url
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "Medicinal"})
    assert "Healing plants" not in response.content.decode()


@pytest.mark.django_db
def test_editor_without_rights_cannot_open_edit_or_preview(client, cast, tk):
    page, _consent, _open_page = tk
    client.force_login(cast.users["editor"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    # Wagtail's admin answers a refusal by sending the editor back to the dashboard.
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert "RESTRICTED" not in response.content.decode()
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert "RESTRICTED" not in response.content.decode()


@pytest.mark.django_db
def test_editor_in_the_audience_edits(client, cast, tk):
    page, consent, _open_page = tk
    editor = cast.users["editor"]
    consent.audience_people.add(editor)
    consent.audience = "people"
    consent.save()
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    body = client.get(reverse("wagtailadmin_explore", args=[cast.library.pk])).content.decode()
    # Listed, under its notice title.
    assert "Medicinal plant knowledge of the holder community" in body and "Healing plants" not in body


@pytest.fixture
def secret_block(cast):
    """A TK building block for its holder community's members, and its consent."""
    secret = BuildingBlock.objects.create(
        title="Ritual calendar",
        summary="RESTRICTED",
        library=cast.library,
        status="published",
        holds_traditional_knowledge=True,
    )
    consent = make_consent(
        secret, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
    )
    return secret, consent


@pytest.mark.django_db
def test_building_block_snippets(client, cast, secret_block):
    secret, _consent = secret_block
    BuildingBlock.objects.create(
        title="Village mapping", summary="Maps.", library=cast.library, status="published"
    )
    client.force_login(cast.users["editor"])
    body = client.get(reverse("wagtailsnippets_cop_library_buildingblock:list")).content.decode()
    assert "Village mapping" in body and "Ritual calendar" not in body
    response = client.get(reverse("wagtailsnippets_cop_library_buildingblock:edit", args=[secret.pk]))
    assert response.status_code in (302, 404)
    assert "Ritual calendar" not in response.content.decode()


@pytest.mark.django_db
def test_copying_a_block_needs_the_right_to_read_it(client, cast, secret_block):
    """The copy form showed a TK block's fields to any editor, and saving it made an unrestricted copy."""
    secret, consent = secret_block
    copy_url = reverse("wagtailsnippets_cop_library_buildingblock:copy", args=[secret.pk])
    editor = cast.users["editor"]
    client.force_login(editor)
    response = client.get(copy_url)
    assert (
        "RESTRICTED" not in response.content.decode() and "Ritual calendar" not in response.content.decode()
    )
    post = {"title": "Ritual calendar (copy)", "summary": "RESTRICTED", "library": cast.library.pk}
    post |= {"status": "published", "body": ""}
    client.post(copy_url, post)
    assert not BuildingBlock.objects.filter(title="Ritual calendar (copy)").exists()
    # In the audience, the same editor copies it.
    consent.audience_people.add(editor)
    consent.audience = "people"
    consent.save()
    response = client.get(copy_url)
    assert response.status_code == 200 and "RESTRICTED" in response.content.decode()


@pytest.mark.django_db
def test_no_admin_view_shows_restricted_revisions(client, cast, tk):
    page, _consent, _open_page = tk
    page.save_revision()
    page.solution = "RESTRICTED-SECOND-VERSION"
    page.save_revision()
    first, second = page.revisions.order_by("pk")
    client.force_login(cast.users["editor"])
    assert page.permissions_for_user(cast.users["editor"]).can_edit() is False
    assert page.permissions_for_user(cast.users["custodian"]).can_edit() is False  # not a Wagtail editor
    urls = [
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[page.pk]),
        reverse("wagtailadmin_pages:unpublish", args=[page.pk]),
        reverse("wagtailadmin_pages:delete", args=[page.pk]),
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
    ]
    urls.append(reverse("wagtailadmin_pages:revisions_view", args=[page.pk, second.pk]))
    urls.append(reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, first.pk, second.pk]))
    for url in urls:
        response = client.get(url)
        body = response.content.decode() if not response.streaming else ""
        assert "RESTRICTED" not in body and "Healing plants" not in body, url
