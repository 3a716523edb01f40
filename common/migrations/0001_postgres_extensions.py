"""Accent-insensitive and fuzzy search need `unaccent` and `pg_trgm` on PostgreSQL.

`f_unaccent` wraps `unaccent` as IMMUTABLE so that trigram indexes can be built on it.
On SQLite (the embedded default) there is nothing to enable: search uses folded columns.
"""

from django.db import migrations

from common.migration_ops import PostgresOnlySQL


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS unaccent;", migrations.RunSQL.noop),
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop),
        PostgresOnlySQL(
            "CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT public.unaccent('public.unaccent', $1) $$;",
            "DROP FUNCTION IF EXISTS f_unaccent(text);",
        ),
    ]
