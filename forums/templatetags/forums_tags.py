from django import template

from forums import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The header bell's count: one COUNT query on an indexed column, once per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_forums_unread_count", None)
    if cached is None:
        cached = selectors.unread_notification_count(user)
        request._forums_unread_count = cached
    return cached
