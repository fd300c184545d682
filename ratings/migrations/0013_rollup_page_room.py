"""Room in the rollups' pages for their rows' next versions (`customs_feedback.counters.page_room_operation`)."""

from django.db import migrations

from customs_feedback.counters import page_room_operation


class Migration(migrations.Migration):
    dependencies = [("ratings", "0012_redundant_indexes")]

    operations = [page_room_operation("ratings_dailyrollup", "ratings_monthlyrollup", fillfactor=90)]
