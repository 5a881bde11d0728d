"""The rules a consent record keeps whatever form or service writes it (cop.library.services.consent
checks them before saving): who may see the item, from the widest audience to the narrowest, and what a
record must say."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import ConsentInvalid

# Audiences from the widest to the narrowest; "communities" and "people" are both narrower than
# "signed_in" (a change between them is not a narrowing: it lets other people in).
AUDIENCE_WIDTH = {"public": 3, "signed_in": 2, "communities": 1, "people": 1}


def consent_validate(values: dict, *, many: dict, creating: bool) -> None:
    """The rules a consent record keeps whatever form or service wrote it; one message per problem."""
    problems = []
    if not values.get("holder_community") and not (values.get("holder_name") or "").strip():
        problems.append(_("Name the holder community: choose one on the platform or write its name."))
    if not (values.get("consented_by") or "").strip():
        problems.append(_("Say who gave consent."))
    consented_on = values.get("consented_on")
    if consented_on is None:
        problems.append(_("Give the date consent was given."))
    elif consented_on > timezone.localdate():
        problems.append(_("The consent date cannot be in the future."))
    expires_on = values.get("expires_on")
    if expires_on is not None:
        if consented_on is not None and expires_on <= consented_on:
            problems.append(_("The expiry date must come after the consent date."))
        elif expires_on < timezone.localdate():
            problems.append(_("The expiry date has already passed."))
    audience = values.get("audience")
    if audience not in AUDIENCE_WIDTH:
        problems.append(_("Choose who may see the item."))
    elif audience == "communities" and not many.get("audience_communities"):
        problems.append(_("Choose at least one community whose members may see the item."))
    elif audience == "people" and not many.get("audience_people"):
        problems.append(_("Choose at least one person who may see the item."))
    if (
        audience != "public"
        and not values.get("secret_sacred")
        and not (values.get("notice_title") or "").strip()
    ):
        problems.append(_("Write the notice title that people outside the audience will see."))
    if not many.get("custodians"):
        problems.append(_("Name at least one custodian who may change or withdraw this consent."))
    if problems:
        raise ConsentInvalid(" ".join(str(problem) for problem in problems))
