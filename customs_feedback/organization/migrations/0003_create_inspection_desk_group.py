"""Data migration: the auth group of the inspection desk (Thanh tra – Kiểm tra), a staff role of the trust loop."""

from django.db import migrations

ROLE_CODE = "inspection_desk"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE_CODE)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("organization", "0002_create_staff_role_groups")]

    operations = [migrations.RunPython(create_group, delete_group)]
