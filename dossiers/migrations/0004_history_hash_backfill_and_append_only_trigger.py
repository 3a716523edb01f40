"""Chain the events written before the hash chain existed, then let PostgreSQL itself refuse
UPDATE and DELETE on the dossier history (ADR 0072, ADR 0115)."""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION dossiers_dossierevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier history is append-only: % refused on dossiers_dossierevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dossiers_dossierevent_append_only
    BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_dossierevent_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS dossiers_dossierevent_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS dossiers_dossierevent_append_only();
"""


def _on_postgresql(sql):
    # The embedded default runs on SQLite, where the ORM's append-only queryset is the guard.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def backfill_hashes(apps, schema_editor):
    from dossiers.integrity import HASHED_FIELDS, _event_hash

    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    current = None
    previous = ""
    rows = (
        DossierEvent.objects.filter(hash="")
        .order_by("dossier_id", "id")
        .values("id", *HASHED_FIELDS)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        if row["dossier_id"] != current:
            current = row["dossier_id"]
            last = (
                DossierEvent.objects.filter(dossier_id=current, id__lt=row["id"])
                .exclude(hash="")
                .order_by("-id")
                .values_list("hash", flat=True)
                .first()
            )
            previous = last or ""
        digest = _event_hash(row, previous)
        DossierEvent.objects.filter(pk=row["id"]).update(prev_hash=previous, hash=digest)
        previous = digest


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_processing_assignment_consultations_alerts_hash_chain")]

    operations = [
        migrations.RunPython(backfill_hashes, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(TRIGGER_SQL), _on_postgresql(DROP_SQL)),
    ]
