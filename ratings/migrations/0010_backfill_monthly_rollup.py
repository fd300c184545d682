"""Sum the existing daily rollup rows into the monthly rollup (0009), one INSERT … SELECT."""

from django.db import migrations

COUNTERS = [
    "declarations",
    "ratings",
    *(f"{target}_{score}" for target in ("official", "team", "branch") for score in range(1, 6)),
    "low",
    *(f"rejected_{reason}" for reason in ("invalid", "abusive", "mistargeted")),  # RejectionReason when written
]


def backfill(apps, schema_editor):
    """Frozen here (ratings.rollups.months_recount does the same for a range of months)."""
    connection = schema_editor.connection
    month = "date_trunc('month', day)::date" if connection.vendor == "postgresql" else "date(day, 'start of month')"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ratings_monthlyrollup")
        cursor.execute(
            f"INSERT INTO ratings_monthlyrollup (month, branch_id, team_id, official_id, {', '.join(COUNTERS)}) "  # noqa: S608
            f"SELECT {month}, branch_id, team_id, official_id, {', '.join(f'SUM({c})' for c in COUNTERS)} "
            f"FROM ratings_dailyrollup GROUP BY {month}, branch_id, team_id, official_id"
        )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0009_monthly_rollup")]

    # Going back empties nothing to undo here: 0009 reversed drops the table.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
