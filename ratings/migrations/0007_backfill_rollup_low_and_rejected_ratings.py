"""Count the existing low ratings and rejected ratings (by reason) into the daily rollup's new columns."""

from django.db import migrations

REASONS = ("invalid", "abusive", "mistargeted")  # RejectionReason when this migration was written


def backfill(apps, schema_editor):
    """One upsert, frozen here: per key, the counted ratings with a score of 2 or less and the rejected ones by
    reason; a key with rejected ratings only gets its rollup row now."""
    columns = ["low", *(f"rejected_{reason}" for reason in REASONS)]
    sums = ", ".join(["SUM(CASE WHEN status <> 'rejected' AND (official_score <= 2 OR team_score <= 2 "
                      "OR branch_score <= 2) THEN 1 ELSE 0 END)",
                      *(f"SUM(CASE WHEN status = 'rejected' AND rejection_reason = '{reason}' THEN 1 ELSE 0 END)"
                        for reason in REASONS)])  # fmt: skip
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ratings_dailyrollup (day, branch_id, team_id, official_id, declarations, ratings, "  # noqa: S608
            f"{', '.join(f'{target}_{score}' for target in ('official', 'team', 'branch') for score in range(1, 6))}, "
            f"{', '.join(columns)}) "
            f"SELECT submitted_on, branch_id, team_id, official_id, 0, 0, {', '.join(['0'] * 15)}, {sums} "
            f"FROM ratings_rating WHERE true GROUP BY submitted_on, branch_id, team_id, official_id "
            f"ON CONFLICT (branch_id, day, team_id, official_id) DO UPDATE SET {updates}"
        )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0006_rollup_low_and_rejected_ratings")]

    # Going back drops the columns (0006 reversed); a row added for rejected ratings only keeps zero counters.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
