"""Room in the inquiry rollup's pages for its rows' next versions (`customs_feedback.counters.page_room_operation`)."""

from django.db import migrations

from customs_feedback.counters import page_room_operation


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_index_open_unanswered_inquiries")]

    operations = [page_room_operation("complaints_inquiryrollup", fillfactor=90)]
