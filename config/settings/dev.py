"""The embedded default used by `make run`: SQLite, in-memory channel layer, eager Celery, console e-mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# `make run` serves through daphne, on Twisted, whose HTTP channel drops a request whose request line and
# headers pass 16 KB (a bare 400 and a closed connection) before Django sees it. Let such a request reach
# Django, whose QueryStringLimitMiddleware answers 414 with the site's page in the visitor's language, as
# nginx and gunicorn do in production up to their own documented limits (deploy/README.md). 1 MiB keeps
# a bound on what one request may make the development server hold.
try:
    from twisted.web.http import HTTPChannel
except ImportError:  # pragma: no cover - daphne (and so Twisted) is a dependency of the project
    pass
else:
    HTTPChannel.totalHeadersSize = HTTPChannel.MAX_LENGTH = 1024 * 1024
