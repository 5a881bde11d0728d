"""The site shell's fixed parts (navigation, language menu, account links, footer) rendered once per
process, language and variant: they change only with the code or the translations, which a deploy
brings with new processes. Per-request values (CSRF token, the viewer's name, the page's address) stay
in the templates around them."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_resolver, get_script_prefix, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from home.context_processors import request_navigation

register = template.Library()

_RENDERED: dict[tuple, SafeString] = {}
_URLS: dict[tuple, str] = {}
_ASSETS: dict[str, str] = {}


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


@register.simple_tag(takes_context=True)
def shell_url(context, url_name: str) -> str:
    """The address of a route without arguments (log in, log out, the language form...), reversed once per
    process, language, URL configuration and script prefix rather than on every request (reversing cost
    about 50 microseconds: bench/RESULTS.md "Thread page, session 4 continued"); routes are fixed once the
    process has loaded them."""
    request = context.get("request")
    urlconf = getattr(request, "urlconf", None) or get_resolver().urlconf_name
    key = (url_name, translation.get_language(), urlconf, get_script_prefix())
    url = _URLS.get(key)
    if url is None:
        url = reverse(url_name, urlconf=urlconf)
        if not settings.DEBUG:
            _URLS[key] = url
    return url


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}` found once per process (the storage's names, hashed by the manifest in
    production, change only with a deploy); not memoised under DEBUG, where files change under `make run`."""
    url = _ASSETS.get(path)
    if url is None:
        url = static(path)
        if not settings.DEBUG:
            _ASSETS[path] = url
    return url
