"""French full-text search of the activity sheets on PostgreSQL: a GIN index on `search_vector`.

The vector is built from the normalised text (no accents, lower case), searched with the `french`
configuration: accents are ignored without the `unaccent` extension, which needs a superuser to install.
SQLite has no full-text index: there the search is by substring on `search_text`.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS animation_sheet_search_gin ON animation_activitysheet USING gin (search_vector)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS animation_sheet_search_gin")


class Migration(migrations.Migration):
    dependencies = [("animation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
