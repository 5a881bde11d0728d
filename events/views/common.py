"""What the events views share: breadcrumbs and the safe `next` address."""

from django.urls import reverse
from django.utils.translation import gettext as _


def crumbs(*items) -> list[dict]:
    """Events > … for the pages below the calendar."""
    return [{"title": _("Events"), "url": reverse("events:calendar")}] + [
        {"title": title, "url": url} for title, url in items
    ]


def next_url(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and not candidate.startswith("//"):
        return candidate
    return fallback
