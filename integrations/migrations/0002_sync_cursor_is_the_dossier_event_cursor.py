"""The National Portal sync's own cursor becomes the dossiers app's event cursor for the
"integrations" listener (ADR 0180): the cursor keeps the lower of the two positions, so no event
the old sweep had not walked yet is skipped."""

from django.db import migrations


def carry_over(apps, schema_editor):
    SyncCursor = apps.get_model("integrations", "SyncCursor")
    DossierEventCursor = apps.get_model("dossiers", "DossierEventCursor")
    old = SyncCursor.objects.filter(provider="dvcqg").first()
    if old is None:
        return
    cursor, _created = DossierEventCursor.objects.get_or_create(
        listener="integrations", defaults={"last_event_id": old.last_event_id}
    )
    if old.last_event_id < cursor.last_event_id:
        cursor.last_event_id = old.last_event_id
        cursor.save(update_fields=["last_event_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_integrations_initial"),
        ("dossiers", "0008_event_cursors"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="SyncCursor"),
    ]
