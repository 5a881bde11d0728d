from functools import lru_cache

from django import template
from django.urls import get_resolver, get_script_prefix, reverse
from django.utils import translation

from forums import notifications

register = template.Library()
_UNREAD_ATTR = "_forums_unread_count"


def remember_unread_count(request, count: int) -> None:
    """The bell's count when a view read it with something else (the thread page), so the bell asks no more."""
    setattr(request, _UNREAD_ATTR, count)


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The header bell's count: one COUNT query on an indexed column, once per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, _UNREAD_ATTR, None)
    if cached is None:
        cached = notifications.unread_notification_count(user)
        setattr(request, _UNREAD_ATTR, cached)
    return cached


@lru_cache(maxsize=4096)
def _reversed(url_name: str, args: tuple, language: str, urlconf, prefix: str) -> str:
    return reverse(url_name, args=args, urlconf=urlconf)


@register.simple_tag(takes_context=True)
def forum_url(context, url_name: str, *args) -> str:
    """{% url %} for a forum address with an id or slug (a thread's follow, reply and moderation forms),
    reversed once per process, address, language, URL configuration and script prefix (the last 4,096
    kept) rather than on every request: the thread page has several."""
    request = context.get("request")
    urlconf = getattr(request, "urlconf", None) or get_resolver().urlconf_name
    return _reversed(url_name, args, translation.get_language(), urlconf, get_script_prefix())
