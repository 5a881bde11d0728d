"""factory_boy factories, one section per app. Apps add their own below their banner."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

# COP ----


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"practitioner{n}@km4b.test")
    username = factory.SelfAttribute("email")
    display_name = factory.Faker("name")
    preferred_language = "en"
    time_zone = "UTC"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": extracted is not False, "primary": True}
            )


def community_index():
    """The communities index page under the site home (created on first use)."""
    from cop.models import CommunityIndexPage
    from home.demo import seed_home

    index = CommunityIndexPage.objects.first()
    if index is None:
        index = seed_home().add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
    return index


COMMUNITY_M2M_FIELDS = ("gbf_targets", "regions", "working_languages", "stakeholder_focus", "km_components")


class CommunityPageFactory(factory.django.DjangoModelFactory):
    """A live community page under the communities index: `CommunityPageFactory(visibility="members",
    join_policy="approval", gbf_targets=[...])`."""

    class Meta:
        model = "cop.CommunityPage"

    title = factory.Sequence(lambda n: f"Community of practice {n}")
    slug = factory.Sequence(lambda n: f"community-of-practice-{n}")
    summary = "Practitioners sharing what works in biodiversity knowledge management."
    visibility = "public"
    join_policy = "open"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        many = {name: kwargs.pop(name) for name in list(kwargs) if name in COMMUNITY_M2M_FIELDS}
        tags = kwargs.pop("tag_names", [])
        community = model_class(*args, **kwargs)
        for name, values in many.items():
            setattr(community, name, values)
        community_index().add_child(instance=community)
        if tags:
            community.tags.add(*tags)
            community.save()
        return community


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member by default; pass role= and status= for the others."""

    class Meta:
        model = "cop.Membership"

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityPageFactory)
    role = "member"
    status = "active"
    joined_at = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop.Announcement"

    community = factory.SubFactory(CommunityPageFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "The next webinar is on knowledge fairs."
    pinned = True


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop.Invitation"

    community = factory.SubFactory(CommunityPageFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@km4b.test")
    role = "member"
