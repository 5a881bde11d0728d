from csp.middleware import CSPMiddleware, PolicyParts

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
