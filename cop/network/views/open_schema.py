"""The open schema: public profiles, organisations, needs and offers as Murmurations JSON, as an
anonymous visitor sees them (pages link to them with <link rel="alternate" type="application/json">)."""

from django.contrib.auth import get_user_model
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .. import permissions, selectors
from ..open_schema import anonymous, exchange_document, organisation_document, person_document


def _json(document: dict) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public documents, meant to be harvested
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def profile_json(request, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    viewer = anonymous()
    if not permissions.can_see_profile(viewer, person):
        raise Http404
    return _json(person_document(selectors.profile_page(viewer, person)))


@require_safe
def organisation_json(request, organisation_id: int):
    organisation = selectors.organisation_detail(organisation_id)
    if organisation is None:
        raise Http404
    return _json(organisation_document(organisation))


@require_safe
def exchange_json(request, kind: str, item_id: int):
    item = selectors.exchange_detail(kind, item_id)
    if item is None or not permissions.can_see_exchange(anonymous(), item):
        raise Http404
    return _json(exchange_document(item))
