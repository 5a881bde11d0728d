"""Settings for bench/thread_page.py: the site's dev settings with DEBUG off, on a throwaway SQLite
database; the URLs (the site's plus the bare view) are in thread_page_urls.py."""

import os

from config.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "thread_page_urls"
DATABASES["default"]["NAME"] = os.environ["BENCH_DB"]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - as in production: a connection per worker, kept
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
