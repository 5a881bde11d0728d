import pytest

from cop.permissions import forget_memberships
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

# Everyone a community page must be tried as, from the outside in.
ACTORS = ["anonymous", "outsider", "pending", "banned", "member", "moderator", "facilitator"]
READERS = {"member", "moderator", "facilitator"}


class Cast:
    """A community with one user in each position, and a logged-in client for any of them."""

    def __init__(self, community):
        self.community = community
        self.users = {"outsider": UserFactory(display_name="Outsider")}
        for kind, role, status in [
            ("pending", "member", "pending"),
            ("banned", "member", "banned"),
            ("member", "member", "active"),
            ("moderator", "moderator", "active"),
            ("facilitator", "facilitator", "active"),
        ]:
            membership = MembershipFactory(
                community=community, role=role, status=status, user__display_name=kind.title()
            )
            self.users[kind] = membership.user
        self.memberships = {
            kind: user.memberships.get(community=community)
            for kind, user in self.users.items()
            if kind != "outsider"
        }

    def client(self, client, kind):
        client.logout()
        if kind != "anonymous":
            user = self.users[kind]
            forget_memberships(user)
            client.force_login(user)
        return client


@pytest.fixture
def make_cast(db, site_home):
    def make(**community_fields):
        return Cast(CommunityPageFactory(**community_fields))

    return make


@pytest.fixture
def capture_commits(django_capture_on_commit_callbacks):
    """Runs on_commit callbacks (e-mail tasks) as the real commit would."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
