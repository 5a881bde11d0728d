"""cop 0007: a practitioner's one stakeholder group becomes the first of their groups, and going back
keeps one group each (the first in the vocabulary's order). Run on the test database itself: migrated
back to 0006, given people with the old field, and forward again (a flushed database: its seeded data
comes back afterwards, tests/conftest.py)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cop", "0006_sent_mail")]
AFTER = [("cop", "0007_user_stakeholder_groups")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _user(User, name: str, **fields):
    return User.objects.create(username=name, email=f"{name}@km4b.test", **fields)


def test_each_person_keeps_their_group_and_going_back_keeps_the_first():
    try:
        apps = _migrate(BEFORE)
        User = apps.get_model("cop", "User")
        Group = apps.get_model("cop", "StakeholderGroup")
        iplc, youth = Group.objects.get(slug="iplc"), Group.objects.get(slug="youth")
        lucia = _user(User, "lucia", stakeholder_group=youth)
        tupac = _user(User, "tupac", stakeholder_group=iplc)
        none = _user(User, "none")

        apps = _migrate(AFTER)
        User = apps.get_model("cop", "User")
        groups = {
            user.username: sorted(user.stakeholder_groups.values_list("slug", flat=True))
            for user in User.objects.filter(pk__in=[lucia.pk, tupac.pk, none.pk])
        }
        assert groups == {"lucia": ["youth"], "tupac": ["iplc"], "none": []}
        User.objects.get(pk=lucia.pk).stakeholder_groups.add(iplc.pk)  # IPLC comes first in the vocabulary

        apps = _migrate(BEFORE)
        User = apps.get_model("cop", "User")
        back = dict(
            User.objects.filter(pk__in=[lucia.pk, tupac.pk, none.pk]).values_list(
                "username", "stakeholder_group__slug"
            )
        )
        assert back == {"lucia": "iplc", "tupac": "iplc", "none": None}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
