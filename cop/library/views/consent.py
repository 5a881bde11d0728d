"""The custodians' pages of an item's consent (the record, narrowing, withdrawal, restoration,
custodians, access requests, the audit log, who viewed it), "My custodianship", and the access request
sent from an item's notice. Thin: the services decide and refuse (cop.edge shows their refusals)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.models import Membership, MembershipStatus, Role

from .. import permissions
from ..consent_forms import (
    AccessRequestForm,
    ConsentForm,
    CustodianForm,
    DecisionForm,
    NarrowForm,
    RestoreForm,
    WithdrawForm,
)
from ..exceptions import ItemNotFound, LibraryError, NotCustodian
from ..models import (
    AccessRequest,
    BuildingBlock,
    CaseStudyPage,
    ConsentLogEntry,
    ConsentRecord,
    RestrictedView,
)
from ..models.pages import getattr_consent
from ..services import access as access_services
from ..services import consent as consent_services
from ..services import custodians as custodian_services

KINDS = {"case-study": CaseStudyPage, "block": BuildingBlock}
LOG_ROWS = 100
VIEW_ROWS = 100


def kind_of(item) -> str:
    return "case-study" if isinstance(item, CaseStudyPage) else "block"


def item_url(item) -> str:
    return item.url if isinstance(item, CaseStudyPage) else item.get_absolute_url()


def neutral_url(item) -> str:
    """An item's address that does not reveal its title (a page's own address is made from it)."""
    if isinstance(item, CaseStudyPage):
        return reverse("cop_library:item", args=[item.pk])
    return item.get_absolute_url()


def manage_url(item) -> str:
    return reverse("cop_library:consent_manage", args=[kind_of(item), item.pk])


def _item_or_404(kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise ItemNotFound()
    item = model.objects.filter(pk=pk).first()
    if item is None:
        raise ItemNotFound()
    return item


def _refused(user, item) -> LibraryError:
    """Someone who may not manage: a 404 when they may not even know the item exists."""
    if permissions.access(user, item) == permissions.Access.HIDDEN:
        return ItemNotFound()
    return NotCustodian()


def _managed(request, kind: str, pk: int):
    """The item and its consent, for someone who may manage the consent (else refused)."""
    item = _item_or_404(kind, pk)
    consent = getattr_consent(item)
    if consent is None or not permissions.may_manage_consent(request.user, consent):
        raise _refused(request.user, item)
    return item, consent


def _may_write_first_record(user, item) -> bool:
    return user.is_superuser or consent_services.item_submitter_id(item) == user.pk


def _page(request, template: str, item, context: dict, status: int = 200):
    return render(
        request,
        template,
        {
            "item": item,
            "kind": kind_of(item),
            "item_url": item_url(item),
            "manage_url": manage_url(item),
            **context,
        },
        status=status,
    )


@login_required
def consent_manage(request, kind: str, pk: int):
    """The consent record of an item, its access requests, the audit log and who viewed it."""
    item = _item_or_404(kind, pk)
    consent = getattr_consent(item)
    if consent is None:
        if _may_write_first_record(request.user, item):
            return redirect("cop_library:consent_edit", kind, pk)
        raise _refused(request.user, item)
    if not permissions.may_manage_consent(request.user, consent):
        raise _refused(request.user, item)
    item_field = "case_study" if isinstance(item, CaseStudyPage) else "building_block"
    requests = AccessRequest.objects.filter(**{item_field: item}).select_related("requester", "decided_by")
    views = (
        RestrictedView.objects.filter(**{item_field: item})
        .select_related("viewer")
        .order_by("-day", "-count")
    )
    log = ConsentLogEntry.objects.filter(consent=consent).select_related("actor")
    return _page(
        request,
        "cop_library/consent/manage.html",
        item,
        {
            "consent": consent,
            "effective": consent_services.consent_is_effective(consent),
            "custodians": consent.custodians.order_by("display_name", "pk"),
            "audience_communities": consent.audience_communities.all(),
            "audience_people": consent.audience_people.order_by("display_name", "pk"),
            "pending": [row for row in requests if row.status == "pending"],
            "decided": [row for row in requests if row.status != "pending"][:LOG_ROWS],
            "log": log[:LOG_ROWS],
            "views": views[:VIEW_ROWS],
            "custodian_form": CustodianForm(),
            "decision_form": DecisionForm(),
        },
    )


@login_required
def consent_edit(request, kind: str, pk: int):
    """Writes the consent record (the first one: the item's submitter; later: its custodians)."""
    item = _item_or_404(kind, pk)
    consent = getattr_consent(item)
    if consent is None:
        if not _may_write_first_record(request.user, item):
            raise _refused(request.user, item)
    elif not permissions.may_manage_consent(request.user, consent):
        raise _refused(request.user, item)
    form = ConsentForm(request.POST or None, request.FILES or None, initial=ConsentForm.initial_for(consent))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_services.consent_record(
                user=request.user,
                item=item,
                values=form.values(),
                audience_communities=data["audience_communities"],
                audience_people=data["audience_people"],
                custodians=data["custodians"],
                evidence_upload=data.get("evidence_file"),
            )
        except LibraryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consent record is saved."))
            return redirect(manage_url(item))
    return _page(
        request,
        "cop_library/consent/form.html",
        item,
        {"form": form, "consent": consent, "title": _("Consent record")},
        status=400 if form.errors else 200,
    )


def _consent_action(request, kind, pk, *, form_class, template, title, act, done, form_kwargs=None):
    """GET shows the form; a valid POST calls `act(consent, cleaned_data)` and goes back to the record."""
    item, consent = _managed(request, kind, pk)
    form = form_class(request.POST or None, **(form_kwargs(consent) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            act(consent, form.cleaned_data)
        except LibraryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect(manage_url(item))
    return _page(
        request,
        template,
        item,
        {"form": form, "consent": consent, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def consent_narrow(request, kind: str, pk: int):
    def act(consent, data):
        consent_services.consent_narrow(
            user=request.user,
            consent=consent,
            audience=data["audience"],
            audience_communities=data["audience_communities"] if data["audience"] == "communities" else None,
            audience_people=data["audience_people"] if data["audience"] == "people" else None,
            remove_uses=data["remove_uses"],
            secret_sacred=True if data["secret_sacred"] else None,
        )

    return _consent_action(
        request,
        kind,
        pk,
        form_class=NarrowForm,
        form_kwargs=lambda consent: {
            "consent": consent,
            "initial": {
                "audience": consent.audience,
                "audience_communities": list(consent.audience_communities.all()),
                "audience_people": "\n".join(consent.audience_people.values_list("email", flat=True)),
            },
        },
        template="cop_library/consent/form.html",
        title=_("Narrow the consent"),
        act=act,
        done=_("The consent is narrowed: it applies everywhere at once."),
    )


@login_required
def consent_withdraw(request, kind: str, pk: int):
    return _consent_action(
        request,
        kind,
        pk,
        form_class=WithdrawForm,
        template="cop_library/consent/form.html",
        title=_("Withdraw consent"),
        act=lambda consent, data: consent_services.consent_withdraw(
            user=request.user, consent=consent, reason=data["reason"]
        ),
        done=_("Consent is withdrawn: the item is now hidden from everyone but its custodians."),
    )


@login_required
def consent_restore(request, kind: str, pk: int):
    return _consent_action(
        request,
        kind,
        pk,
        form_class=RestoreForm,
        template="cop_library/consent/form.html",
        title=_("Restore consent"),
        act=lambda consent, data: consent_services.consent_restore(
            user=request.user,
            consent=consent,
            consented_on=data["consented_on"],
            consented_by=data["consented_by"],
            expires_on=data["expires_on"],
        ),
        done=_("Consent is restored."),
    )


@login_required
@require_POST
def custodian_add(request, kind: str, pk: int):
    item, consent = _managed(request, kind, pk)
    form = CustodianForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["email"]))
        return redirect(manage_url(item))
    custodian_services.custodian_add(user=request.user, consent=consent, person=form.cleaned_data["email"])
    messages.success(request, _("The custodian is added."))
    return redirect(manage_url(item))


@login_required
@require_POST
def custodian_remove(request, kind: str, pk: int, person_id: int):
    item, consent = _managed(request, kind, pk)
    person = get_object_or_404(consent.custodians, pk=person_id)
    custodian_services.custodian_remove(user=request.user, consent=consent, person=person)
    messages.success(request, _("The custodian is removed."))
    if not permissions.may_manage_consent(request.user, ConsentRecord.objects.get(pk=consent.pk)):
        return redirect("cop_library:my_custodianship")
    return redirect(manage_url(item))


@login_required
@require_POST
def access_request(request, kind: str, pk: int):
    """Sent from an item's notice (cop_library/consent/_request_access.html)."""
    item = _item_or_404(kind, pk)
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(neutral_url(item))
    access_services.access_request(user=request.user, item=item, message=form.cleaned_data["message"])
    messages.success(request, _("Your request is sent. The custodians will answer you by e-mail."))
    return redirect(neutral_url(item))


@login_required
@require_POST
def access_decide(request, request_id: int):
    """Grant, decline or revoke one request (custodians)."""
    row = AccessRequest.objects.select_related("case_study", "building_block").filter(pk=request_id).first()
    if row is None:
        raise ItemNotFound()
    item = access_services.request_item(row)
    consent = getattr_consent(item)
    if consent is None or not permissions.may_manage_consent(request.user, consent):
        raise _refused(request.user, item)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision, and a date from today onwards if you give one."))
        return redirect(manage_url(item))
    data = form.cleaned_data
    if data["decision"] == "grant":
        access_services.access_grant(
            user=request.user, access_request=row, granted_until=data["granted_until"], note=data["note"]
        )
        messages.success(request, _("Access is granted. The requester is told by e-mail."))
    elif data["decision"] == "decline":
        access_services.access_decline(user=request.user, access_request=row, note=data["note"])
        messages.success(request, _("The request is declined. The requester is told by e-mail."))
    else:
        access_services.access_revoke(user=request.user, access_request=row, note=data["note"])
        messages.success(request, _("Access is revoked at once. The requester is told by e-mail."))
    return redirect(manage_url(item))


@login_required
def my_custodianship(request):
    """The consents the user looks after (as a custodian, or as a facilitator of a holder community
    whose consent has no custodian left), with their pending requests, in a fixed number of queries."""
    facilitated = Membership.objects.filter(
        user=request.user, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
    ).values("community_id")
    orphaned = Q(holder_community_id__in=facilitated) & ~Q(
        pk__in=ConsentRecord.custodians.through.objects.values("consentrecord_id")
    )
    consents = (
        ConsentRecord.objects.filter(Q(pk__in=request.user.custodianships.values("pk")) | orphaned)
        .select_related("case_study", "building_block", "holder_community")
        .annotate(
            pending_case_study=Count(
                "case_study__access_requests",
                filter=Q(case_study__access_requests__status="pending"),
                distinct=True,
            ),
            pending_block=Count(
                "building_block__access_requests",
                filter=Q(building_block__access_requests__status="pending"),
                distinct=True,
            ),
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(consents, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "consent": consent,
            "item": consent.item,
            "manage_url": manage_url(consent.item),
            "pending": consent.pending_case_study + consent.pending_block,
            "effective": consent_services.consent_is_effective(consent),
        }
        for consent in page
    ]
    return render(request, "cop_library/consent/my_custodianship.html", {"rows": rows, "page_obj": page})
