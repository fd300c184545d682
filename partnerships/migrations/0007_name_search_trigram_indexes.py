"""Trigram indexes for the admin header search of enterprise and agreement names (PostgreSQL only).

The search matches names without accents (`Folded`: LOWER(TRANSLATE(name, accented, plain))) anywhere in
the name, which no B-tree can answer: at 40,000 enterprises and 20,000 agreements the two scans took
0.65 s and 0.9 s of every search. A GIN index of the very same expression with `gin_trgm_ops` answers
`LIKE '%…%'` for queries of three letters or more. The expression is built from the same constants as
`Folded`; tests/core/test_search_indexes.py fails if the query stops using the index. SQLite (development)
has no such index and needs none.
"""

from django.db import migrations

from customs_feedback.core.search import ACCENTED, PLAIN

INDEXES = [
    ("enterprise_name_vi_trgm", "partnerships_enterprise", "LOWER(TRANSLATE(name_vi, {accented}, {plain}))"),
    ("enterprise_name_en_trgm", "partnerships_enterprise", "UPPER(name_en::text)"),
    ("agreement_company_name_trgm", "partnerships_agreement", "LOWER(TRANSLATE(company_name, {accented}, {plain}))"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    accented, plain = schema_editor.quote_value(ACCENTED), schema_editor.quote_value(PLAIN)
    for name, table, expression in INDEXES:
        expression = expression.format(accented=accented, plain=plain)
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0006_enterprise_users_invitations_sign_in")]

    operations = [migrations.RunPython(create, drop)]
