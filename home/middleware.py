from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Wagtail's admin editor sets inline styles and a few inline scripts; the public site allows neither.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_POLICY_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
ADMIN_POLICY_REPLACE = {"frame-ancestors": ["'self'"]}


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp with a looser policy confined to the Wagtail and Django admin."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_POLICY_UPDATE}
            parts.replace = {**(parts.replace or {}), **ADMIN_POLICY_REPLACE}
        return parts


class QueryStringLimitMiddleware:
    """Answers 414 with the site's page, in the visitor's language, to a query string longer than
    settings.QUERY_STRING_MAX_LENGTH, before any view parses it. Longer request lines never reach
    Django: gunicorn and nginx answer 414 themselves (deploy/README.md, "Request limits")."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.QUERY_STRING_MAX_LENGTH

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > self.limit:
            from home.views import uri_too_long

            return uri_too_long(request)
        return self.get_response(request)
