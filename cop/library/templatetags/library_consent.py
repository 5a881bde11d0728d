"""The way from an item's page to its consent pages, for those who look after the consent."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cop.library import permissions
from cop.library.models import CaseStudyPage
from cop.library.models.pages import getattr_consent

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_link(context, item) -> str:
    """A link to the item's consent record for its custodians (or the holder community's facilitators
    when no custodian is left), or, to the submitter of a traditional-knowledge item without a consent
    record, the way to write one. Empty for everyone else, and for items without traditional knowledge
    (no query then)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(item, "holds_traditional_knowledge", False):
        return ""
    kind = "case-study" if isinstance(item, CaseStudyPage) else "block"
    consent = getattr_consent(item)
    if consent is None:
        owner_id = item.submitted_by_id if kind == "case-study" else item.author_id
        if owner_id != user.pk:
            return ""
        url, label = (
            reverse("cop_library:consent_edit", args=[kind, item.pk]),
            _("Record the holder community's consent"),
        )
    elif permissions.may_manage_consent(user, consent):
        url, label = (
            reverse("cop_library:consent_manage", args=[kind, item.pk]),
            _("Consent, access requests and audit log"),
        )
    else:
        return ""
    return format_html('<p class="consent-link"><a href="{}">{}</a></p>', url, label)
