"""Needs and offers: lists, pages with their explained suggestions, writing, moderation, closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import matching, permissions, selectors
from ..exceptions import NotModerator, NotYours, WrongStatus
from ..filters import ExchangeFilter
from ..forms import InterestForm, ModerationForm, NeedForm, OfferForm
from ..models import ExchangeStatus, Need, Offer
from ..services.exchange import exchange_close, exchange_moderate, exchange_save
from ..services.matches import match_express_interest, match_feedback_hide
from . import crumbs

PER_PAGE = 30
FORMS = {"need": NeedForm, "offer": OfferForm}
MODELS = {"need": Need, "offer": Offer}


def _labels(kind: str) -> dict:
    if kind == "need":
        return {"plural": _("Needs for support"), "new": _("Post a need")}
    return {"plural": _("Offers of support"), "new": _("Post an offer")}


def _list_crumb(kind: str):
    return (_labels(kind)["plural"], reverse(f"cop_network:{kind}s"))


def _item_or_404(request, kind: str, item_id: int):
    item = selectors.exchange_detail(kind, item_id)
    if item is None or not permissions.can_see_exchange(request.user, item):
        raise Http404
    return item


def exchange_list(request, kind: str):
    filterset = ExchangeFilter(request.GET or None)
    page = Paginator(selectors.exchange_list(kind=kind, filters=request.GET), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cop_network/exchange_list.html",
        {
            "kind": kind,
            "labels": _labels(kind),
            "form": filterset.form,
            "page_obj": page,
            "is_filtered": filterset.is_active(),
            "querystring": query.urlencode(),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


def exchange_detail(request, kind: str, item_id: int):
    item = _item_or_404(request, kind, item_id)
    other = "offer" if kind == "need" else "need"
    suggestions = []
    if item.status == ExchangeStatus.PUBLISHED and permissions.can_see_suggestions(request.user, item):
        suggestions = matching.match_suggestions(item, viewer=request.user)
    return render(
        request,
        "cop_network/exchange_detail.html",
        {
            "kind": kind,
            "other": other,
            "item": item,
            "suggestions": suggestions,
            "is_side": permissions.is_side(request.user, item),
            "can_edit": permissions.can_edit_exchange(request.user, item),
            "can_moderate": permissions.can_moderate(request.user)
            and item.status == ExchangeStatus.SUBMITTED,
            "moderation_form": ModerationForm(),
            "interest_form": _interest_form(request, item, other),
            "edit_url_name": f"cop_network:{kind}_edit",
            "close_url_name": f"cop_network:{kind}_close",
            "moderate_url_name": f"cop_network:{kind}_moderate",
            "interest_url_name": f"cop_network:{kind}_interest",
            "hide_url_name": f"cop_network:{kind}_hide",
            "other_url_name": f"cop_network:{other}",
            "other_interest_url_name": f"cop_network:{other}_interest",
            "breadcrumbs": crumbs(_list_crumb(kind), (item.title, "")),
        },
    )


def _interest_form(request, item, other: str):
    """Interest in someone else's published item, from one of the viewer's own published items."""
    if not request.user.is_authenticated or item.status != ExchangeStatus.PUBLISHED:
        return None
    if permissions.is_side(request.user, item):
        return None
    mine = selectors.my_published(request.user, other)
    form = InterestForm(mine=mine, prefix="interest")
    form.has_choices = mine.exists()  # asked here, not by the template
    return form


@login_required
def exchange_edit(request, kind: str, item_id: int | None = None):
    item = None
    if item_id is not None:
        item = _item_or_404(request, kind, item_id)
        if not permissions.can_edit_exchange(request.user, item):
            raise WrongStatus() if permissions.is_side(request.user, item) else NotYours()
    form = FORMS[kind](
        request.POST or None, instance=item, organisations=selectors.focal_organisations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = exchange_save(
            kind=kind,
            author=request.user,
            values=form.cleaned_data,
            item=item,
            submit="submit" in request.POST,
        )
        if saved.status == ExchangeStatus.SUBMITTED:
            messages.success(request, _("Sent to the moderators: it becomes public once they approve it."))
        else:
            messages.success(request, _("Saved as a draft: only you can see it."))
        return redirect(f"cop_network:{kind}", saved.pk)
    return render(
        request,
        "cop_network/exchange_edit.html",
        {
            "kind": kind,
            "labels": _labels(kind),
            "form": form,
            "item": item,
            "breadcrumbs": crumbs(_list_crumb(kind), (item.title if item else _labels(kind)["new"], "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def exchange_moderate_view(request, kind: str, item_id: int):
    item = _item_or_404(request, kind, item_id)
    form = ModerationForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    exchange_moderate(item=item, by=request.user, approve=approve, note=note)
    messages.success(request, _("Published.") if approve else _("Not accepted; the author sees your note."))
    return redirect("cop_network:moderation")


@login_required
@require_POST
def exchange_close_view(request, kind: str, item_id: int):
    item = _item_or_404(request, kind, item_id)
    exchange_close(item=item, by=request.user)
    messages.success(request, _("Closed: it no longer appears in lists and suggestions."))
    return redirect(f"cop_network:{kind}", item.pk)


@login_required
def moderation(request):
    if not permissions.can_moderate(request.user):
        raise NotModerator()
    return render(
        request,
        "cop_network/moderation.html",
        {"queue": selectors.moderation_queue(), "moderation_form": ModerationForm()},
    )


@login_required
@require_POST
def suggestion_hide(request, kind: str, item_id: int, other_id: int):
    """Feedback "not relevant": the suggestion disappears for the viewer."""
    item = _item_or_404(request, kind, item_id)
    if not permissions.can_see_suggestions(request.user, item):
        raise NotYours()
    other_kind = "offer" if kind == "need" else "need"
    other = MODELS[other_kind].objects.filter(pk=other_id).first()
    if other is None:
        raise Http404
    pair = {kind: item, other_kind: other}
    match_feedback_hide(user=request.user, **pair)
    messages.success(request, _("That suggestion is hidden."))
    return redirect(f"cop_network:{kind}", item.pk)


@login_required
@require_POST
def express_interest(request, kind: str, item_id: int):
    """Interest in someone else's need or offer opens a private conversation with them."""
    item = _item_or_404(request, kind, item_id)
    other = "offer" if kind == "need" else "need"
    mine = selectors.my_published(request.user, other)
    form = InterestForm(request.POST, mine=mine, prefix="interest")
    if not form.is_valid():
        messages.error(request, _("Choose one of your published items and write a first message."))
        return redirect(f"cop_network:{kind}", item.pk)
    pair = {kind: item, other: form.cleaned_data["mine"]}
    match = match_express_interest(user=request.user, message=form.cleaned_data["message"], **pair)
    return redirect("cop_network:match", match.pk)


@login_required
def my_exchanges(request):
    return render(
        request,
        "cop_network/mine.html",
        {**selectors.my_exchanges(request.user), "matches": matching.my_matches(request.user)},
    )
