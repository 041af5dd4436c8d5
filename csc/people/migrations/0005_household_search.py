"""The household search (name, address, postcode, commune, phone): a normalised column, filled here for
the households already there, and on PostgreSQL trigram indexes on it and on the members' phone numbers
as the search normalises them, so that a substring search needs no scan."""

from django.db import migrations, models

from csc.core.text import normalize

BATCH = 2000


def fill(apps, schema_editor):
    Household = apps.get_model("people", "Household")
    rows = Household.objects.only("id", "name", "address", "postcode", "city").order_by("id")
    batch = []
    for household in rows.iterator(chunk_size=BATCH):
        # As Household.save() does (household_search_text): the historical model has no save() of its own.
        household.search_text = normalize(
            f"{household.name} {household.address} {household.postcode} {household.city}"
        )
        batch.append(household)
        if len(batch) >= BATCH:
            Household.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Household.objects.bulk_update(batch, ["search_text"])


# The expression csc.people.queries.normalized_phone writes, character for character: PostgreSQL uses the
# index only for that very expression (csc/people/tests/test_household_search.py checks the plan).
NORMALIZED_PHONE = (
    "replace(replace(replace(replace(replace(replace(replace(replace(replace("
    "phone, '(0)', ''), ' ', ''), '.', ''), '-', ''), '/', ''), '(', ''), ')', ''), '+33', '0'), '0033', '0')"
)


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_household_search_trgm "
        "ON people_household USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_phone_trgm "
        f"ON people_person USING gin (({NORMALIZED_PHONE}) gin_trgm_ops)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_household_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS people_person_phone_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_tariff_rules")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="search_text",
            field=models.CharField(blank=True, default="", editable=False, max_length=520),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
