"""Libraries, case studies and consent records for the library's tests, and the cast of visitors the
access protocol is tried against."""

import datetime

import pytest
from django.utils import timezone

from cop.library.models import (
    AccessRequest,
    Audience,
    CaseStudyPage,
    ConsentProcess,
    ConsentRecord,
    LibraryPage,
)
from cop.permissions import forget_memberships
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

VISITORS = [
    "anonymous",
    "outsider",
    "other_member",
    "holder_member",
    "custodian",
    "granted",
    "revoked",
    "editor",
]


def make_library(parent, title="Case studies", slug="case-studies") -> LibraryPage:
    existing = parent.get_children().type(LibraryPage).first()
    if existing is not None:
        return existing.specific
    return parent.add_child(instance=LibraryPage(title=title, slug=slug, intro="What worked, and why."))


def make_case_study(
    library, *, title="Community seed banks in the Andes", live=True, **fields
) -> CaseStudyPage:
    many = {
        name: fields.pop(name)
        for name in list(fields)
        if name in ("gbf_targets", "ecosystems", "languages", "stakeholder_groups", "km_components", "labels")
    }
    fields.setdefault("summary", "Farmers keep and exchange native potato varieties.")
    fields.setdefault("slug", None)
    if fields.get("holds_traditional_knowledge"):
        # Within the consents these tests give (no commercial use, no adaptation): see publication_check.
        fields.setdefault("licence", "all-rights-reserved")
    page = CaseStudyPage(title=title, **{k: v for k, v in fields.items() if v is not None})
    for name, values in many.items():
        setattr(page, name, values)
    library.add_child(instance=page)
    if not live:
        page.live = False
        page.save(update_fields=["live"])
    return page


def make_consent(
    item, *, holder=None, custodians=(), audience=Audience.COMMUNITIES, communities=(), people=(), **fields
):
    field = "case_study" if isinstance(item, CaseStudyPage) else "building_block"
    fields.setdefault("notice_title", "Medicinal plant knowledge of the holder community")
    fields.setdefault("notice_summary", "Shared with the community's members under its protocol.")
    consent = ConsentRecord.objects.create(
        **{field: item},
        holder_community=holder,
        consented_by="Council of elders",
        consented_on=datetime.date(2026, 3, 1),
        process=ConsentProcess.ASSEMBLY,
        audience=audience,
        **fields,
    )
    consent.custodians.set(custodians)
    consent.audience_communities.set(communities)
    consent.audience_people.set(people)
    return consent


@pytest.fixture
def site_library(site_home):
    return make_library(site_home)


class Cast:
    """A holder community with a library, another community, and one user per kind of visitor."""

    def __init__(self, site_home):
        self.site_library = make_library(site_home)
        self.holder = CommunityPageFactory(title="Guardians of the Forest", slug="guardians")
        self.other = CommunityPageFactory(title="Coastal wetlands network", slug="coastal")
        self.library = make_library(self.holder, title="Our case studies", slug="library")
        self.users = {
            "outsider": UserFactory(display_name="Outsider"),
            "other_member": MembershipFactory(community=self.other).user,
            "holder_member": MembershipFactory(community=self.holder).user,
            "custodian": MembershipFactory(community=self.holder).user,
            "granted": UserFactory(display_name="Granted requester"),
            "revoked": UserFactory(display_name="Revoked requester"),
            "editor": UserFactory(display_name="Editor", is_superuser=True, is_staff=True),
        }

    def tk_case_study(
        self, *, library=None, secret_sacred=False, audience=Audience.COMMUNITIES, **consent_fields
    ):
        page = make_case_study(
            library or self.library,
            title="Healing plants of the upper river",
            summary="RESTRICTED-SUMMARY the elders' remedies",
            solution="RESTRICTED-SOLUTION the preparation",
            holds_traditional_knowledge=True,
        )
        consent = make_consent(
            page,
            holder=self.holder,
            custodians=[self.users["custodian"]],
            audience=audience,
            communities=[self.holder],
            secret_sacred=secret_sacred,
            **consent_fields,
        )
        self.grant(page, self.users["granted"], "granted")
        self.grant(page, self.users["revoked"], "revoked")
        return page, consent

    def grant(self, page, user, status):
        AccessRequest.objects.create(
            case_study=page, requester=user, status=status, decided_at=timezone.now(), message="Please"
        )

    def user(self, kind):
        if kind == "anonymous":
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        user = self.users[kind]
        forget_memberships(user)
        return user

    def client(self, client, kind):
        client.logout()
        if kind != "anonymous":
            client.force_login(self.users[kind])
        return client


@pytest.fixture
def cast(site_home):
    return Cast(site_home)
