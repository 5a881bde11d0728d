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


# EVENTS ----


def events_community(*, visibility="public", title=None, **fields):
    """A community page for event tests (under the communities index, created if missing)."""
    from cop.models import CommunityIndexPage, CommunityPage
    from home.demo import seed_home

    home = seed_home()
    index = CommunityIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
    number = CommunityPage.objects.count() + 1
    title = title or f"Community {number}"
    return index.add_child(
        instance=CommunityPage(
            title=title,
            slug=f"community-{number}",
            summary="A community of practice.",
            visibility=visibility,
            **fields,
        )
    )


def events_membership(user, community, role="member", status="active"):
    from cop.models import Membership

    membership, _created = Membership.objects.update_or_create(
        user=user, community=community, defaults={"role": role, "status": status}
    )
    from cop.permissions import forget_memberships

    forget_memberships(user)
    return membership


class EventPageFactory(factory.Factory):
    """Builds an event page and publishes it through events.services (occurrences follow)."""

    class Meta:
        model = "events.EventPage"

    title = factory.Sequence(lambda n: f"KM4B webinar {n}")
    slug = factory.Sequence(lambda n: f"km4b-webinar-{n}")
    summary = "How national clearing-house mechanisms share knowledge."
    event_type = "webinar"
    event_format = "online"
    time_zone = "Europe/Paris"
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=10))
    start_time = datetime.time(14, 0)
    end_date = factory.SelfAttribute("start_date")
    end_time = datetime.time(15, 30)
    online_url = "https://meet.example.org/km4b-webinar"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from events.models import EventPage
        from events.services import event_create

        m2m = {
            name: kwargs.pop(name) for name in ("working_languages", "gbf_targets", "tags") if name in kwargs
        }
        page = EventPage(**kwargs)
        for name, values in m2m.items():
            getattr(page, name).set(values) if name != "tags" else page.tags.add(*values)
        return event_create(page=page)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        from events.models import EventPage

        return EventPage(**kwargs)


# FORUMS ----


class BoardFactory(factory.django.DjangoModelFactory):
    """A site forum (no community); for a community's board use `forums_community_board`."""

    class Meta:
        model = "forums.Board"

    name = factory.Sequence(lambda n: f"Site forum {n}")
    slug = factory.Sequence(lambda n: f"site-forum-{n}")
    description = "Questions and answers for everyone."


def forums_community_board(*, visibility="public", join_policy="open", title=None):
    """A community (through the shared community helper) and its board."""
    from forums.services import board_ensure_for_community

    community = events_community(visibility=visibility, join_policy=join_policy, title=title)
    return board_ensure_for_community(community=community)


def forums_member(user, board, role="member", status="active"):
    return events_membership(user, board.community, role=role, status=status)


def forums_thread(
    *, board, author=None, title="How do you keep a national CHM up to date?", body=None, **kwargs
):
    from forums.services import thread_create

    return thread_create(
        board=board,
        author=author or UserFactory(),
        title=title,
        body=body or "We update ours **twice a year**. What works for you?",
        **kwargs,
    )


def forums_bulk_replies(thread, count, author=None, body="Thanks, this *helps*.") -> None:
    """Adds `count` published replies fast (bulk_create, HTML rendered once), as a long thread has."""
    from django.utils import timezone

    from forums.models import Post, Thread
    from forums.rendering import render_markdown

    author = author or thread.author
    html = render_markdown(body)
    start = thread.post_count + 1
    posts = [
        Post(
            thread=thread, number=start + i, author=author, body=body, html=html, reaction_counts={"like": 2}
        )
        for i in range(count)
    ]
    Post.objects.bulk_create(posts, batch_size=1000)
    last = Post.objects.filter(thread=thread).order_by("-number").first()
    Thread.objects.filter(pk=thread.pk).update(
        post_count=start + count - 1,
        reply_count=start + count - 2,
        last_post=last,
        last_poster=author,
        last_activity_at=timezone.now(),
    )
    thread.refresh_from_db()
