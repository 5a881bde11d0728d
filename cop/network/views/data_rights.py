"""Data rights: "Download my data", "Delete my account", and the organisers' CSV export of the
directory (each part as its visibility allows them, safe against formula injection)."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cop.mail import absolute_url
from cop.personal_data import personal_data

from .. import permissions, selectors
from ..exceptions import NotModerator
from ..forms import AccountDeleteForm
from ..services.data_rights import account_delete, account_delete_attempt
from . import crumbs

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _me_crumbs(title):
    return crumbs((_("Your data"), reverse("cop_network:my_data")), (title, ""))


@login_required
def my_data(request):
    """What the platform holds about you: download it, or delete your account."""
    if request.method == "POST":
        account_delete_attempt(user=request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user, password=form.cleaned_data["password"])
        logout(request)
        messages.success(
            request, _("Your account was deleted. Your posts stay, shown as by a former member.")
        )
        return redirect("/")
    return render(
        request,
        "cop_network/my_data.html",
        {"form": form, "breadcrumbs": crumbs((_("Your data"), ""))},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def my_data_download(request):
    """Everything the platform holds about you, as one JSON file (every app adds its part)."""
    document = {
        "exported_at": timezone.now().isoformat(),
        "site": absolute_url("/"),
        **personal_data(request.user),
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="km4b-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs: one that starts like a formula gets a quote."""
    text = str(value if value is not None else "")
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def _export_row(card) -> list[str]:
    join = "; ".join
    return [
        card.name,
        absolute_url(reverse("cop_network:profile", args=[card.pk])),
        card.headline,
        card.organisation,
        card.organisation_record.name if card.organisation_record else "",
        str(card.country.name) if card.country else "",
        card.region,
        join(str(group) for group in card.stakeholder_groups),
        join(str(target.number) for target in card.targets),
        join(str(component) for component in card.km_components),
        join(str(topic) for topic in card.topics),
        join(str(language) for language in card.languages),
        card.orcid,
        join(card.links),
        join(card.open_to),
    ]


@login_required
@require_safe
def directory_export(request):
    """Organisers: the directory as CSV, each part as its owner lets signed-in members see it (never a
    part kept to its owner, never an address)."""
    if not permissions.can_export_directory(request.user):
        raise NotModerator()
    header = [
        _("Name"),
        _("Profile"),
        _("Headline"),
        _("Organisation"),
        _("Organisation in the network"),
        _("Country"),
        _("Region"),
        _("Stakeholder groups"),
        _("GBF targets"),
        _("Knowledge-management components"),
        _("Topics"),
        _("Languages"),
        _("ORCID iD"),
        _("Links"),
        _("Open to"),
    ]
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines():
        # Streamed after the view returns: the request's language is set again for the names.
        with translation.override(language):
            yield writer.writerow(header)
            for card in selectors.directory_export_rows(request.user):
                yield writer.writerow([safe_cell(cell) for cell in _export_row(card)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="km4b-practitioners.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
