"""Settings shared by every environment. Every variable read here is listed in README.md."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# CORE ----
SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    "daphne",
    # Our apps first, so their templates override those of Wagtail and allauth.
    "home",
    "cop",
    "cop.network",
    "cop.library",
    "forums",
    "forums.live",
    "events",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The request's Wagtail site, found once per process and host (home.sites), not once per page.
    "home.sites.WagtailSiteMiddleware",
    "home.middleware.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before LocaleMiddleware: a signed-in user's preferred language picks the prefix of unprefixed URLs.
    "cop.middleware.UserPreferencesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Early, but after the language is chosen: a too long query string gets the 414 page in it.
    "home.middleware.QueryStringLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A refused action (cop.errors.DomainError) raised in a view becomes the refused page.
    "cop.edge.RefusalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_shell",
            ],
        },
    },
]

# DATABASE ----
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (`make run`) has several writers at once: requests on daphne's threads, eager
    # Celery tasks, websocket consumers. WAL lets readers go on while one writes; a writer waits up to
    # 20 s for the lock instead of failing at once ("database is locked"); IMMEDIATE takes the write lock
    # when a transaction begins, so two transactions never both read and then fail to upgrade to writing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS: cache, channel layer and Celery broker ----
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "km4b",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "config.cache.LocalMemoryCache", "LOCATION": "km4b"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# CELERY ----
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Each app adds its periodic tasks to this schedule in its own section below.
CELERY_BEAT_SCHEDULE: dict = {}

# AUTH AND ACCOUNTS ----
AUTH_USER_MODEL = "cop.User"
AUTHENTICATION_BACKENDS = [
    "cop.auth_backends.ModelBackend",
    "cop.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "cop.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {"signup": "cop.forms.SignupProfileForm"}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KM4B] "
# Tell people by e-mail when their password, e-mail address or two-factor settings change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KM4B Communities"

# INTERNATIONALISATION ----
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# STATIC AND MEDIA ----
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _media_storage = {
        # Addressed through the site (config.storage): private files are checked on every request.
        "BACKEND": "config.storage.SiteServedS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# EMAIL ----
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KM4B Communities <noreply@km4b.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# cop.mail records every e-mail it sends (SentMail) so that a retry never sends one twice; records
# older than this are deleted daily (retries end within hours).
MAIL_RECORD_DAYS = 90
CELERY_BEAT_SCHEDULE["cop-prune-sent-mail"] = {"task": "cop.tasks.prune_sent_mail", "schedule": 24 * 3600}

# SECURITY ----
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions are read on every signed-in request: from the cache, with the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SAMESITE = "Lax"
# A longer query string is answered 414 by home.middleware.QueryStringLimitMiddleware (no filter or
# search form comes near it). It stays under gunicorn's limit_request_line (8190, deploy/Procfile), so
# Django answers with the site's page; beyond that gunicorn, and beyond 16 KB nginx, answer 414 alone.
QUERY_STRING_MAX_LENGTH = 4096
CSRF_FAILURE_VIEW = "home.views.csrf_failure"
# No inline script anywhere on the public site. The Wagtail admin gets its own, looser policy
# (see home.middleware.SiteCSPMiddleware) because its editor relies on inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# WAGTAIL ----
WAGTAIL_SITE_NAME = "KM4B Communities"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are always streamed by Wagtail's view (never a redirect to the storage's address), after
# the before_serve_document hook (cop.wagtail_hooks) has checked that the reader may see a page using it.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Every document and image upload is refused when it is a program or an SVG with script (cop.library.uploads).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cop.library.uploads.CheckedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cop.library.uploads.CheckedImageForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False

# FORUMS ----
# New accounts (younger than FORUMS_NEW_ACCOUNT_DAYS) may post this often: {window: (seconds, posts)}.
FORUMS_NEW_ACCOUNT_DAYS = 7
FORUMS_NEW_ACCOUNT_RATE_LIMITS = {"minute": (60, 3), "hour": (3600, 20)}
# In approval-required communities, a plain member's first posts wait for a moderator.
FORUMS_APPROVAL_FIRST_POSTS = 2
FORUMS_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
CELERY_BEAT_SCHEDULE["forums-daily-digest"] = {
    "task": "forums.tasks.send_daily_digests",
    "schedule": 24 * 3600,
}
CELERY_BEAT_SCHEDULE["live-prune-logs"] = {
    "task": "forums.live.tasks.prune_live_logs",
    "schedule": 24 * 3600,
}

# EVENTS ----
# Importing partners' calendars: hosts exempt from the private-address check (none in production),
# the largest feed accepted and the most current events imported per feed.
EVENTS_IMPORT_ALLOWED_HOSTS: list[str] = []
EVENTS_IMPORT_MAX_BYTES = 5 * 1024 * 1024
EVENTS_IMPORT_MAX_EVENTS = 500
CELERY_BEAT_SCHEDULE["events-send-reminders"] = {"task": "events.tasks.send_due_reminders", "schedule": 300}
CELERY_BEAT_SCHEDULE["events-expire-offers"] = {"task": "events.tasks.expire_seat_offers", "schedule": 300}
CELERY_BEAT_SCHEDULE["events-import-feeds"] = {"task": "events.tasks.import_all_feeds", "schedule": 3600}
CELERY_BEAT_SCHEDULE["events-extend-series"] = {"task": "events.tasks.extend_series", "schedule": 86400}

# PRACTITIONER NETWORK ----
# Messages a member may send through the contact relay: {window: (seconds, messages)}.
NETWORK_CONTACT_RATE_LIMITS = {"hour": (3600, 5), "day": (86400, 20)}
CELERY_BEAT_SCHEDULE["network-expire-needs-offers"] = {
    "task": "cop.network.tasks.expire_exchanges",
    "schedule": 24 * 3600,
}

# LIBRARY ----
# New access requests a person may send: {window: (seconds, requests)}.
LIBRARY_ACCESS_REQUEST_RATE_LIMITS = {"hour": (3600, 5), "day": (86400, 20)}
CELERY_BEAT_SCHEDULE["library-expire-consents"] = {
    "task": "cop.library.tasks.expire_consents",
    "schedule": 24 * 3600,
}

# LOGGING ----
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
