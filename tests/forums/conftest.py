import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import BoardFactory, UserFactory, forums_community_board, forums_member


@pytest.fixture(autouse=True)
def _forum_settings(settings):
    # Accounts made by the factories are brand new: only the rate-limit tests turn the limit on.
    settings.FORUMS_NEW_ACCOUNT_DAYS = 0
    cache.clear()
    translation.activate("en")  # reverse() follows the active language, which a request may leave behind
    yield
    cache.clear()
    translation.activate("en")


@pytest.fixture
def site_board(db):
    return BoardFactory(name="Help desk", slug="help-desk")


@pytest.fixture
def board(db):
    """The board of a public, open community."""
    return forums_community_board(title="National clearing-house mechanisms")


@pytest.fixture
def private_board(db):
    return forums_community_board(visibility="members", join_policy="approval", title="Traditional knowledge")


@pytest.fixture
def people(board):
    """One person per role in `board`'s community, plus outsiders."""
    people = {
        "member": UserFactory(display_name="Mara Member"),
        "other_member": UserFactory(display_name="Otto Other"),
        "moderator": UserFactory(display_name="Moe Moderator"),
        "facilitator": UserFactory(display_name="Fay Facilitator"),
        "outsider": UserFactory(display_name="Oona Outsider"),
        "staff": UserFactory(display_name="Sam Staff", is_staff=True, is_superuser=True),
    }
    forums_member(people["member"], board)
    forums_member(people["other_member"], board)
    forums_member(people["moderator"], board, role="moderator")
    forums_member(people["facilitator"], board, role="facilitator")
    return people
