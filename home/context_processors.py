from functools import cache

from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The main navigation, in order. An entry whose URL name is not (yet) routed is left out.
NAVIGATION = [
    ("communities", _("Communities"), "cop:community_index"),
    ("forums", _("Forums"), "forums:index"),
    ("events", _("Events"), "events:calendar"),
    ("network", _("Network"), "cop_network:directory"),
    ("case_studies", _("Case studies"), "cop_library:index"),
    ("search", _("Search"), "search"),
]


@cache
def _routed_entries(urlconf: str | None) -> tuple:
    """The entries whose URL name is routed: the routes are fixed once the process has loaded them,
    so an unrouted entry costs one NoReverseMatch per process, not one per request."""
    routed = []
    for key, label, url_name in NAVIGATION:
        try:
            reverse(url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        routed.append((key, label, url_name))
    return tuple(routed)


@cache
def navigation_entries(language: str, urlconf: str | None = None) -> tuple:
    """(key, label, url) of each routed entry in `language`, reversed once per process and language."""
    with translation.override(language):
        return tuple(
            (key, str(label), reverse(url_name, urlconf=urlconf))
            for key, label, url_name in _routed_entries(urlconf)
        )


def current_section(path: str, entries) -> str:
    """The key of the navigation entry the path is in ("" when none): search only on its own page."""
    for key, _label, url in entries:
        if path == url if key == "search" else path.startswith(url):
            return key
    return ""


def request_navigation(request) -> tuple:
    """The navigation for the request's URL configuration and language, looked up once per request and
    language (the context processor and each of the shell's fragments ask for it)."""
    language = translation.get_language() or "en"
    found = getattr(request, "_shell_navigation", None)
    if found is not None and found[0] == language:
        return found[1]
    urlconf = getattr(request, "urlconf", None) or get_resolver().urlconf_name
    entries = navigation_entries(language, urlconf)
    request._shell_navigation = (language, entries)
    return entries


def site_shell(request):
    """What the shell needs per request: which navigation entry is current (the rest is fixed per
    language and rendered once per process: home.templatetags.shell)."""
    return {"nav_current": current_section(request.path, request_navigation(request))}
