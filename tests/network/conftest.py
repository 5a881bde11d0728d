import pytest
from django.contrib.auth.models import Group

from cop.models import GBFTarget, KMComponent, Language
from cop.network.models import ExchangeStatus, Need, Offer
from cop.network.permissions import MODERATORS_GROUP
from tests.factories import UserFactory


@pytest.fixture
def moderator(db):
    user = UserFactory(display_name="Network Moderator")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


def make_exchange(
    kind,
    author,
    *,
    title,
    support_kind="training",
    language="es",
    targets=(),
    components=(),
    country="",
    status=ExchangeStatus.PUBLISHED,
    expires_on=None,
    organisation=None,
):
    model = Need if kind == "need" else Offer
    item = model.objects.create(
        title=title,
        description=f"{title}: details of the support.",
        support_kind=support_kind,
        language=Language.objects.get(code=language),
        country=country,
        author=author,
        status=status,
        expires_on=expires_on,
        organisation=organisation,
    )
    item.gbf_targets.set(GBFTarget.objects.filter(number__in=targets))
    item.km_components.set(KMComponent.objects.filter(slug__in=components))
    return item
