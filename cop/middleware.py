import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import LazyObject


class UserPreferencesMiddleware:
    """Applies a signed-in user's preferences: times in their time zone, and their language for URLs
    that carry no language prefix yet (an explicit prefix or the language switcher still wins)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if isinstance(user, LazyObject):
            # Read the user once (AuthenticationMiddleware left a lazy proxy) and put the user itself on
            # the request, as login() does: each attribute read through the proxy costs a raised and
            # caught AttributeError, and a page's templates and permission checks read dozens.
            user.is_authenticated  # noqa: B018 (reads the user)
            request.user = user = user._wrapped
        tz_name = user.time_zone if user.is_authenticated else request.COOKIES.get("tz")
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name)) if tz_name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = user.preferred_language
        return self.get_response(request)
