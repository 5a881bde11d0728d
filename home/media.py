"""MEDIA_URL, served by the site in every setting (runserver and daphne in development, gunicorn behind
nginx in production, media on disk or in S3): no web server or bucket ever hands out a media file by
its path. Only Wagtail images (originals and renditions) and Wagtail admin avatars are served here,
after asking cop.files who may see them; Wagtail documents go through Wagtail's document view (whose
before_serve_document hook asks the same), forum attachments through forums' attachment view. Any
other path under MEDIA_URL, forum attachments and documents included, is "not found".
"""

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from cop.files import FileAccess, file_access

ORIGINAL_IMAGES = "original_images/"
RENDITIONS = "images/"
AVATARS = "avatar_images/"
# Browsers keep a file an hour; a private one in the browser only, never in a shared cache.
MAX_AGE = 3600


def _image_and_file(path: str):
    """The Wagtail image stored under `path` (an original or one of its renditions) and that file."""
    image_model = get_image_model()
    if path.startswith(ORIGINAL_IMAGES):
        image = image_model.objects.filter(file=path).first()
        return (image, image.file) if image is not None else (None, None)
    if path.startswith(RENDITIONS):
        rendition = (
            image_model.get_rendition_model().objects.filter(file=path).select_related("image").first()
        )
        return (rendition.image, rendition.file) if rendition is not None else (None, None)
    return None, None


def _avatar_file(request, path: str):
    """A Wagtail admin user's avatar, for those who use the admin (where avatars are shown)."""
    if not path.startswith(AVATARS) or not request.user.has_perm("wagtailadmin.access_admin"):
        return None
    profile = UserProfile.objects.filter(avatar=path).first()
    return profile.avatar if profile is not None else None


@require_safe
def serve(request, path):
    if "\x00" in path:  # no stored name holds one, and PostgreSQL refuses it in a query
        raise Http404
    image, field_file = _image_and_file(path)
    if image is not None:
        access = file_access(request, image)
        if not access.allowed:
            raise Http404
        scope = "public" if access is FileAccess.PUBLIC else "private"
    else:
        field_file = _avatar_file(request, path)
        if field_file is None:
            raise Http404
        scope = "private"
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except OSError as exc:  # listed in the database but missing from the storage
        raise Http404 from exc
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"{scope}, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if scope == "private":
        response["Vary"] = "Cookie"
    return response
