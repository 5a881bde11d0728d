"""The edge where a refused action (a cop.errors.DomainError raised by a service or a view) becomes what
the user sees: one place per surface.

- Pages: RefusalMiddleware turns the error into the "refused" page (refused.html), in the user's
  language, with the error's message and HTTP status. Views do not catch DomainError to do this; they
  catch it only to show the message on a form they render again.
- Websockets: refusal_frame turns it into an error frame with the error's code.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from cop.errors import DomainError


def back_url(request: HttpRequest) -> str:
    """Where "Go back" leads: the form's `next`, else the page the request came from, on this site
    only; empty when there is neither (the page then offers the home page)."""
    candidate = request.POST.get("next") or request.GET.get("next") or request.headers.get("referer", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def with_retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """A refusal that may succeed later (a rate limit) says when to try again; also for a form shown
    again with the refusal's message."""
    if error is not None and error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The refused page: the error's message, with its status."""
    response = render(
        request,
        "refused.html",
        {"error_message": error.message, "back_url": back_url(request)},
        status=error.status,
    )
    return with_retry_after(response, error)


def refusal_frame(error: DomainError, **context) -> dict:
    """The websocket error frame of a refusal: {"type": "error", "code", "message", ...}; `code` names
    the refusal for clients (the error's own `code`, else "refused"), with its details (e.g. retry_after)
    and `context` (the frame's stream and ref)."""
    details = dict(getattr(error, "details", {}))
    if error.retry_after is not None:
        details.setdefault("retry_after", error.retry_after)
    return {
        "type": "error",
        "code": getattr(error, "code", "refused"),
        "message": str(error.message),
        **context,
        **details,
    }


class RefusalMiddleware:
    """Answers a view's DomainError with the refused page (any other exception goes on to Django)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return refusal_response(request, exception)
        return None
