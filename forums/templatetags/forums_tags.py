from django import template

from forums import selectors

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
        cached = selectors.unread_notification_count(user)
        setattr(request, _UNREAD_ATTR, cached)
    return cached
