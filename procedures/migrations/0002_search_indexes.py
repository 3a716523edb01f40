"""Trigram (GIN) indexes on the folded search columns, so search never scans every row's text.

PostgreSQL only (the extensions come from common/0001); SQLite, the embedded default, searches
the same folded columns with LIKE.
"""

from django.db import migrations

from common.migration_ops import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_postgres_extensions"),
        ("procedures", "0001_catalogue"),
    ]
    operations = [
        PostgresOnlySQL(
            "CREATE INDEX procedures_name_folded_trgm ON procedures_procedure "
            "USING gin (name_folded gin_trgm_ops);",
            "DROP INDEX IF EXISTS procedures_name_folded_trgm;",
        ),
        PostgresOnlySQL(
            "CREATE INDEX procedures_search_text_trgm ON procedures_procedure "
            "USING gin (search_text gin_trgm_ops);",
            "DROP INDEX IF EXISTS procedures_search_text_trgm;",
        ),
    ]
