"""Count the existing inquiries' times to first answer into the rollup's new histogram columns."""

from django.db import migrations


def backfill(apps, schema_editor):
    """Recount the whole rollup (one aggregate query, one bulk insert), the new columns included."""
    from complaints.rollup import inquiry_rollup_rebuild

    inquiry_rollup_rebuild(apps.get_model("complaints", "Inquiry"), apps.get_model("complaints", "InquiryRollup"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_inquiry_rollup_answer_times")]

    # Going back drops the columns (0005 reversed); the other counters stay as they were.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
