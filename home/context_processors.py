from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation, in order. An entry whose URL name is not (yet) routed is left out.
NAVIGATION = [
    ("communities", _("Communities"), "cop:community_index"),
    ("forums", _("Forums"), "forums:index"),
    ("events", _("Events"), "events:calendar"),
    ("network", _("Network"), "cop:network"),
    ("case_studies", _("Case studies"), "cop:case_studies"),
    ("search", _("Search"), "search"),
]


def _navigation(request):
    items = []
    for key, label, url_name in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path.startswith(url) if key != "search" else request.path == url
        items.append({"key": key, "label": label, "url": url, "current": current})
    return items


def site_shell(request):
    return {"main_navigation": _navigation(request)}
