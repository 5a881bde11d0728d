"""A practitioner belongs to any number of stakeholder groups (issue #13): the single group becomes the
first of their groups. The new field is added under a temporary reverse name (the old one still holds
"practitioners"), filled from the old one, which then goes, and takes the final name."""

from django.db import migrations, models


def copy_group_to_groups(apps, schema_editor):
    User = apps.get_model("cop", "User")
    Through = User.stakeholder_groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=user_id, stakeholdergroup_id=group_id)
            for user_id, group_id in User.objects.filter(stakeholder_group__isnull=False)
            .values_list("pk", "stakeholder_group_id")
            .iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def copy_first_group_back(apps, schema_editor):
    """Going back keeps one group each: the first in the vocabulary's order."""
    User = apps.get_model("cop", "User")
    Through = User.stakeholder_groups.through
    first = {}
    for user_id, group_id in Through.objects.order_by(
        "user_id", "stakeholdergroup__sort_order", "stakeholdergroup__name", "stakeholdergroup_id"
    ).values_list("user_id", "stakeholdergroup_id"):
        first.setdefault(user_id, group_id)
    for user_id, group_id in first.items():
        User.objects.filter(pk=user_id).update(stakeholder_group_id=group_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cop", "0006_sent_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="stakeholder_groups",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to="cop.stakeholdergroup",
                verbose_name="stakeholder groups",
            ),
        ),
        migrations.RunPython(copy_group_to_groups, copy_first_group_back),
        migrations.RemoveField(
            model_name="user",
            name="stakeholder_group",
        ),
        migrations.AlterField(
            model_name="user",
            name="stakeholder_groups",
            field=models.ManyToManyField(
                blank=True,
                related_name="practitioners",
                to="cop.stakeholdergroup",
                verbose_name="stakeholder groups",
            ),
        ),
    ]
