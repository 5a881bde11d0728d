import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from .health import run_checks

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """JSON state of each service: 200 when all are up, 503 naming what is down."""
    results = run_checks()
    down = sorted(name for name, state in results.items() if state != "ok")
    status = 503 if down else 200
    if down:
        logger.warning("healthz: down", extra={"down": ",".join(down)})
    return JsonResponse({"status": "down" if down else "ok", "down": down, "checks": results}, status=status)


def search(request):
    """Site search over the pages this visitor may find (home.search), then the network's people,
    organisations, needs and offers, each part only as this visitor may see it."""
    from cop.network.search import site_search_rows as network_rows
    from cop.text import printable_text, search_words

    from .search import page_results

    # Shown back as typed, less control characters; searched as words only (an unbalanced quote or a
    # NUL is not a syntax error of the full-text engine).
    query = printable_text(request.GET.get("q", "")[:200]).strip()
    words = search_words(query)
    results = []
    network_results, network_count = "", 0
    if words:
        results = page_results(request, " ".join(words))
        network_count, network_results = network_rows(viewer=request.user, words=words)
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "results": results,
            "network_results": network_results,
            "total": len(results) + network_count,
        },
    )


def _error(request, template, status, message):
    return render(request, template, {"error_message": message}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, "400.html", 400, _("The request could not be understood."))


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, "403.html", 403, str(exception) if exception and str(exception) else "")


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, "404.html", 404, "")


def uri_too_long(request):
    """414, from home.middleware.QueryStringLimitMiddleware: the address is longer than the site reads."""
    return _error(
        request,
        "414.html",
        414,
        _("The address of this page is too long. Go back, or start again from the home page or the search."),
    )


@requires_csrf_token
def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return _error(
        request,
        "403_csrf.html",
        403,
        _("Your form expired or came from another site. Go back, reload the page and try again."),
    )
