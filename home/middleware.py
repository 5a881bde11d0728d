from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings

# Wagtail's admin editor sets inline styles and a few inline scripts; the public site allows neither.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_POLICY_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
ADMIN_POLICY_REPLACE = {"frame-ancestors": ["'self'"]}


# What a view can set on a response to change its policy (csp.decorators); a response with none of them
# and no nonce used gets the policy of its kind of path.
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp with a looser policy confined to the Wagtail and Django admin.

    The policy of a response that sets none of its own and used no nonce (every public page) depends only
    on whether its path is the admin's: it is built once per process and kind of path, not twice per
    response (django-csp copies and joins the directives each time: about 2% of a page's CPU). Any other
    response goes through django-csp unchanged."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._policies: dict[tuple[bool, bool], str] = {}

    def process_response(self, request, response):
        fixed = getattr(request, "_csp_nonce", None) is None and not any(
            hasattr(response, name) for name in _PER_RESPONSE
        )
        if not fixed or settings.DEBUG or _excluded(request):
            return super().process_response(request, response)
        admin = request.path_info.startswith(ADMIN_PREFIXES)
        for header, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
            policy = self._policies.get((admin, report_only))
            if policy is None:
                parts = self.get_policy_parts(request, response, report_only)
                policy = self._policies[admin, report_only] = build_policy(
                    **asdict(parts), report_only=report_only
                )
            if policy and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header was written raises instead of being lost.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_POLICY_UPDATE}
            parts.replace = {**(parts.replace or {}), **ADMIN_POLICY_REPLACE}
        return parts


def _excluded(request) -> bool:
    """Whether a path is excluded from either policy (django-csp's EXCLUDE_URL_PREFIXES), which the
    built-once policies do not look at: such a request goes through django-csp itself."""
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        if prefixes and request.path_info.startswith(tuple(prefixes)):
            return True
    return False


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
