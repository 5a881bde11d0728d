"""The site shell's fixed parts (navigation, language menu, account links, footer) rendered once per
process, language and variant: they change only with the code or the translations, which a deploy
brings with new processes. Per-request values (CSRF token, the viewer's name, the page's address) stay
in the templates around them."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from home.context_processors import request_navigation

register = template.Library()

_RENDERED: dict[tuple, SafeString] = {}


@register.simple_tag(takes_context=True)
def shell_fragment(context, template_name: str, variant="") -> SafeString:
    """Renders `template_name` (which must not read the request) with `variant` and the navigation;
    memoised except under DEBUG, so that template edits show at once in `make run`."""
    request = context.get("request")
    navigation = request_navigation(request) if request is not None else ()
    key = (template_name, translation.get_language(), str(variant), navigation)
    html = _RENDERED.get(key)
    if html is None:
        items = [
            {"key": k, "label": label, "url": url, "current": k == variant} for k, label, url in navigation
        ]
        html = mark_safe(render_to_string(template_name, {"variant": variant, "navigation": items}))  # noqa: S308
        if not settings.DEBUG:
            _RENDERED[key] = html
    return html
