"""Media storage in S3 that hands out no bucket address: every file's URL is MEDIA_URL + its name, on
this site, so that every request for it goes through the views that check who may see it (home.media
for images, Wagtail's document view, forums' attachment view). The bucket stays private: no public ACL
and no signed URL (which anyone holding it could use until it expires) ever reaches a browser."""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SiteServedS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"
