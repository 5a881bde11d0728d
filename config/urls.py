from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from events import urls as events_urls
from home import media as home_media
from home import sites as home_sites
from home import views as home_views

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    # Wagtail's reports without the traditional-knowledge items the editor may not read in full
    # (cop.library.admin_reports): before the admin's own URLs, at the same addresses.
    path("admin/reports/", include("cop.library.admin_reports")),
    path("admin/", include(wagtailadmin_urls)),
    # Files follow their pages: Wagtail documents through Wagtail's view (cop.wagtail_hooks checks who
    # may see them), images and everything else under MEDIA_URL through home.media, in every setting.
    # Nothing serves the media folder by path (no static() route, no nginx alias).
    path("documents/", include(wagtaildocs_urls)),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", home_media.serve, name="media"),
]

urlpatterns += i18n_patterns(
    # The home page, the most visited, before the ~180 patterns it would otherwise be tried against on its
    # way to the page tree's catch-all (wagtail_serve below, which still names it). Named, so that the
    # language switcher (django.urls.translate_url) finds its address in the chosen language.
    path("", home_sites.serve, {"path": ""}, name="home"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    # Addresses under a prefix of their own first, then the apps whose addresses share the root (search,
    # communities, me, network, people): a path is tried against every pattern before the one it
    # matches, and the root's apps hold about 70 (no address of theirs starts with these prefixes).
    path("forums/live/", include("forums.live.urls")),
    path("forums/", include("forums.urls")),
    # The calendar's address is its page's, served from the page tree like every page (home.sites.serve:
    # the route table) and named here in the events namespace beside the events app's own addresses.
    path(
        "events/",
        include(
            (
                [
                    path("", home_sites.serve, {"path": events_urls.CALENDAR_PATH}, name="calendar"),
                    *events_urls.urlpatterns,
                ],
                events_urls.app_name,
            )
        ),
    ),
    path("library/", include("cop.library.urls")),
    path("", include("home.urls")),
    path("", include("cop.urls")),
    path("", include("cop.network.urls")),
    # Wagtail serves the page tree: keep it last. Its page view is given the page from the route table
    # (home.sites.serve: one query instead of one or two per level of the path).
    path("", include([url for url in wagtail_urls.urlpatterns if url.name != "wagtail_serve"])),
    re_path(serve_pattern, home_sites.serve, name="wagtail_serve"),
    prefix_default_language=True,
)

handler400 = "home.views.bad_request"
handler403 = "home.views.permission_denied"
handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
