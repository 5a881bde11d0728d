"""Files follow their page: Wagtail documents and images used only by private content are served only
to those who may see that content; nothing under MEDIA_URL is served by its path alone."""

import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import clear_url_caches
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, ReferenceIndex

from tests.factories import EventPageFactory, UserFactory, events_community, events_membership

PDF = b"%PDF-1.4 protected-area management plan"


def make_document(title="Management plan"):
    return get_document_model().objects.create(title=title, file=ContentFile(PDF, name="plan.pdf"))


def png_bytes(colour=(20, 120, 60)) -> bytes:
    output = io.BytesIO()
    PILImage.new("RGB", (80, 60), colour).save(output, format="PNG")
    return output.getvalue()


def make_image(title="Mangroves"):
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(png_bytes()), name="mangroves.png")
    )


def fetch(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def events_index(site_home):
    from events.services import events_index

    return events_index()


@pytest.fixture
def people():
    return {
        "anonymous": None,
        "outsider": UserFactory(),
        "former member": UserFactory(),
        "member": UserFactory(),
        "moderator": UserFactory(),
    }


def join(people, community):
    events_membership(people["former member"], community, status="left")
    events_membership(people["member"], community)
    events_membership(people["moderator"], community, role="moderator")


READERS = {"anonymous": False, "outsider": False, "former member": False, "member": True, "moderator": True}


# DOCUMENTS ----


@pytest.mark.django_db
def test_document_used_only_by_a_members_only_communitys_event_is_served_to_its_members(events_index, people):
    private = events_community(visibility="members", title="IPLC protocols circle")
    join(people, private)
    document = make_document()
    EventPageFactory(community=private, slides=document)
    assert ReferenceIndex.get_references_to(document).exists()

    for who, may_read in READERS.items():
        response = fetch(people[who], document.url)
        assert response.status_code == (200 if may_read else 404), who
        if may_read:
            assert body(response) == PDF
        else:
            assert PDF not in body(response)


@pytest.mark.django_db
def test_document_also_used_on_a_public_page_is_public(events_index, people):
    private = events_community(visibility="members")
    public = events_community(visibility="public")
    document = make_document()
    EventPageFactory(community=private, slides=document)
    EventPageFactory(community=public, slides=document)

    for who in READERS:
        response = fetch(people[who], document.url)
        assert response.status_code == 200, who
        assert body(response) == PDF


def file_editor():
    """An editor Wagtail lets choose and change the files of the root collection (no superuser)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    group = Group.objects.create(name="File editors")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for app_label in ("wagtaildocs", "wagtailimages"):
        for action in ("change", "choose"):
            model = "document" if app_label == "wagtaildocs" else "image"
            GroupCollectionPermission.objects.create(
                group=group,
                collection=Collection.get_first_root_node(),
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                ),
            )
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.mark.django_db
def test_unused_document_is_only_for_its_editors(people):
    """Nothing uses it: it was just uploaded, or the private page that used it was deleted or now uses
    another file (the reference index holds only live content). Its editors handle it; nobody else."""
    document = make_document()
    for who in READERS:
        assert fetch(people[who], document.url).status_code == 404, who
    assert fetch(file_editor(), document.url).status_code == 200


@pytest.mark.django_db
def test_slides_of_a_deleted_hidden_event_stay_private(events_index, people):
    hidden = events_community(visibility="hidden")
    join(people, hidden)
    document = make_document()
    event = EventPageFactory(community=hidden, slides=document)
    assert fetch(people["member"], document.url).status_code == 200
    event.delete()

    assert not ReferenceIndex.get_references_to(document).exists()
    for who in ("anonymous", "outsider"):
        response = fetch(people[who], document.url)
        assert response.status_code == 404, who
        assert PDF not in body(response)
    response = fetch(file_editor(), document.url)
    assert response.status_code == 200
    assert body(response) == PDF


@pytest.mark.django_db
def test_replaced_slides_of_a_hidden_event_stay_private(events_index, people):
    hidden = events_community(visibility="hidden")
    join(people, hidden)
    old = make_document()
    event = EventPageFactory(community=hidden, slides=old)
    event.slides = make_document("Management plan, second version")
    event.save_revision().publish()

    for who in ("anonymous", "outsider"):
        assert fetch(people[who], old.url).status_code == 404, who
        assert fetch(people[who], event.slides.url).status_code == 404, who
    assert fetch(people["member"], event.slides.url).status_code == 200
    assert fetch(file_editor(), old.url).status_code == 200


@pytest.mark.django_db
def test_document_linked_from_a_hidden_communitys_description_is_for_its_members(events_index, people):
    document = make_document()
    hidden = events_community(
        visibility="hidden",
        description=[("paragraph", f'<p>Read <a linktype="document" id="{document.pk}">the plan</a>.</p>')],
    )
    join(people, hidden)
    assert ReferenceIndex.get_references_to(document).exists()

    for who, may_read in READERS.items():
        assert fetch(people[who], document.url).status_code == (200 if may_read else 404), who


@pytest.mark.django_db
def test_document_in_a_members_only_communitys_description_is_public_like_the_description(
    events_index, people
):
    """Outsiders of a members-only community read its page's description (that is how they decide to
    join), so a document the description links to is theirs to read too."""
    document = make_document()
    community = events_community(
        visibility="members",
        description=[("paragraph", f'<p>Read <a linktype="document" id="{document.pk}">the plan</a>.</p>')],
    )
    join(people, community)
    for who in READERS:
        assert fetch(people[who], document.url).status_code == 200, who


@pytest.mark.django_db
def test_document_of_an_unpublished_event_is_for_its_editors(events_index, people):
    document = make_document()
    event = EventPageFactory(community=events_community(visibility="public"), slides=document)
    event.unpublish()
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert fetch(None, document.url).status_code == 404
    assert fetch(people["outsider"], document.url).status_code == 404
    assert fetch(staff, document.url).status_code == 200


@pytest.mark.django_db
def test_document_on_a_page_restricted_to_signed_in_people(events_index, people):
    document = make_document()
    event = EventPageFactory(community=events_community(visibility="public"), slides=document)
    PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.LOGIN)

    assert fetch(None, document.url).status_code == 404
    assert fetch(people["outsider"], document.url).status_code == 200


@pytest.mark.django_db
def test_documents_are_always_served_by_the_checking_view(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert make_document().url.startswith("/documents/")


# IMAGES ----


@pytest.mark.django_db
def test_hidden_communitys_cover_image_and_its_renditions_are_for_its_members(events_index, people):
    image = make_image()
    hidden = events_community(visibility="hidden", cover_image=image)
    join(people, hidden)
    rendition = image.get_rendition("fill-40x30")
    assert rendition.url.startswith("/media/images/") and image.file.url.startswith("/media/original_images/")

    for url in (rendition.url, image.file.url):
        for who, may_read in READERS.items():
            response = fetch(people[who], url)
            assert response.status_code == (200 if may_read else 404), (who, url)
            if may_read:
                assert response["Content-Type"] == "image/png"
                assert response["Cache-Control"] == "private, max-age=3600"
                assert body(response).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_image_in_a_members_only_event_description_is_for_members(events_index, people):
    image = make_image()
    private = events_community(visibility="members")
    join(people, private)
    EventPageFactory(
        community=private,
        description=[("image", image)],
    )
    assert ReferenceIndex.get_references_to(image).exists()
    url = image.get_rendition("width-40").url

    for who, may_read in READERS.items():
        assert fetch(people[who], url).status_code == (200 if may_read else 404), who


@pytest.mark.django_db
def test_public_communitys_cover_image_is_public_and_cacheable(events_index, people):
    image = make_image()
    events_community(visibility="public", cover_image=image)
    response = fetch(None, image.get_rendition("fill-40x30").url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    assert fetch(None, image.file.url).status_code == 200


@pytest.mark.django_db
def test_image_only_in_a_draft_of_a_live_hidden_event_is_for_its_editors(events_index, people):
    """The reference index holds the live page only: an image added in an unpublished revision is used
    by nothing yet, so only its editors may fetch it (the page's members too, once it is published)."""
    hidden = events_community(visibility="hidden")
    join(people, hidden)
    event = EventPageFactory(community=hidden)
    image = make_image()
    event.description = [("image", image)]
    event.save_revision()
    rendition = image.get_rendition("width-40")
    editor = file_editor()

    for url in (rendition.url, image.file.url):
        for who in ("anonymous", "outsider"):
            assert fetch(people[who], url).status_code == 404, (who, url)
        response = fetch(editor, url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, max-age=3600"

    event.get_latest_revision().publish()
    assert fetch(people["member"], rendition.url).status_code == 200
    assert fetch(None, rendition.url).status_code == 404


@pytest.mark.django_db
def test_unused_image_is_only_for_its_editors(people):
    image = make_image("Unused")
    for who in READERS:
        assert fetch(people[who], image.file.url).status_code == 404, who
    assert fetch(file_editor(), image.file.url).status_code == 200


# MEDIA PATHS ----


def forum_image_attachment(board, author):
    from forums.models import Attachment
    from tests.factories import forums_thread

    thread = forums_thread(board=board, author=author)
    data = png_bytes((200, 10, 10))
    return Attachment.objects.create(
        post=thread.posts.get(number=1),
        kind="image",
        file=ContentFile(data, name="map.png"),
        original_name="map.png",
        content_type="image/png",
        size=len(data),
        alt_text="Map",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        (
            "hidden",
            {"anonymous": 404, "outsider": 404, "former member": 404, "member": 200, "moderator": 200},
        ),
        (
            "public",
            {"anonymous": 200, "outsider": 200, "former member": 200, "member": 200, "moderator": 200},
        ),
    ],
)
def test_forum_attachment_is_served_as_its_post(people, visibility, expected):
    from tests.factories import forums_community_board

    board = forums_community_board(visibility=visibility)
    join(people, board.community)
    attachment = forum_image_attachment(board, people["member"])
    for who, status in expected.items():
        response = fetch(people[who], attachment.get_absolute_url())
        assert response.status_code == status, who
        if status == 200:
            assert body(response) == attachment.file.open("rb").read()


@pytest.fixture
def debug_urls(settings):
    """The URLs as `make run` builds them (DEBUG on, where Django's static() media route used to be)."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_media_path_of_a_private_attachment_is_not_found_in_dev(debug_urls, people):
    from tests.factories import forums_community_board, forums_member

    board = forums_community_board(visibility="hidden")
    forums_member(people["member"], board)
    attachment = forum_image_attachment(board, people["member"])
    media_path = f"/media/{attachment.file.name}"
    assert attachment.file.name.startswith("forums/attachments/")

    for who in ("anonymous", "outsider", "member"):
        assert fetch(people[who], media_path).status_code == 404, who
    # The attachment view is the one way to it, for those who may read the post.
    assert fetch(people["member"], attachment.get_absolute_url()).status_code == 200
    assert fetch(people["outsider"], attachment.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_no_media_file_is_served_by_its_path_alone(people):
    document = make_document()
    admin = UserFactory(is_staff=True, is_superuser=True)
    for path in (
        f"/media/{document.file.name}",  # documents only through /documents/<id>/<name>
        "/media/forums/attachments/0123456789abcdef.png",
        "/media/images/not-a-rendition.png",
        "/media/../config/settings/base.py",
        "/media/%2e%2e/config/settings/base.py",
        "/media/images/a%00b.png",
    ):
        assert fetch(None, path).status_code == 404, path
        assert fetch(admin, path).status_code == 404, path
