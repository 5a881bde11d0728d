"""A match: its private conversation (the two sides and organisers), the brokered workflow, the
public list of completed cooperations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.markup import render_markdown

from .. import matching, permissions
from ..exceptions import NotModerator
from ..forms import MatchMessageForm, TransitionForm
from ..services.matches import TRANSITIONS, match_agree_public, match_message_post, match_transition
from . import crumbs


def _match_or_404(request, match_id: int):
    match = matching.match_detail(match_id)
    if match is None or not permissions.can_see_match(request.user, match):
        raise Http404
    return match


@login_required
def match_detail(request, match_id: int):
    match = _match_or_404(request, match_id)
    form = MatchMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        match_message_post(match=match, author=request.user, body=form.cleaned_data["body"])
        return redirect(reverse("cop_network:match", args=[match.pk]) + "#messages")
    sides = permissions.match_sides(request.user, match)
    can_run = permissions.can_run_match(request.user)
    next_steps = sorted(TRANSITIONS[match.status], key=list(TRANSITIONS).index)
    transition_form = None
    if can_run and next_steps:
        transition_form = TransitionForm(
            initial={"seen_status": match.status, "outcome": match.outcome, "report": match.report}
        )
        transition_form.fields["to"].choices = [(step.value, step.label) for step in next_steps]
    return render(
        request,
        "cop_network/match.html",
        {
            "match": match,
            "conversation": [
                # Sanitised by cop.markup (nh3), so safe to insert.
                (message, mark_safe(render_markdown(message.body)))  # noqa: S308
                for message in match.messages.all()
            ],
            "form": form,
            "sides": sides,
            "transition_form": transition_form,
            "breadcrumbs": crumbs(
                (_("My needs, offers and matches"), reverse("cop_network:mine")), (str(match), "")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def match_transition_view(request, match_id: int):
    match = _match_or_404(request, match_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the next step."))
        return redirect("cop_network:match", match.pk)
    match_transition(match=match, by=request.user, **form.cleaned_data)
    messages.success(request, _("The match is now: %(status)s.") % {"status": match.get_status_display()})
    return redirect("cop_network:match", match.pk)


@login_required
@require_POST
def match_agree(request, match_id: int):
    match = _match_or_404(request, match_id)
    agree = request.POST.get("agree") == "yes"
    match_agree_public(match=match, user=request.user, agree=agree)
    messages.success(
        request,
        _("Once completed, this cooperation may be listed publicly if the other side agrees too.")
        if agree
        else _("This cooperation will not be listed publicly."),
    )
    return redirect("cop_network:match", match.pk)


@login_required
def match_board(request):
    if not permissions.can_run_match(request.user):
        raise NotModerator()
    return render(request, "cop_network/match_board.html", {"matches": matching.match_board()})


def cooperations(request):
    return render(request, "cop_network/cooperations.html", {"matches": matching.completed_cooperations()})
