"""Data migration: one auth group per staff role, named by the role's code."""

from django.db import migrations

ROLE_CODES = [
    "department_leadership",
    "branch_leader",
    "branch_officer",
    "partnership_desk",
    "inquiry_desk",
    "official",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("organization", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
