from django.db import migrations


def prices_into_columns(apps, schema_editor):
    """Every grid gets its base column; a grid with « hors commune » prices gets an outside column whose
    cells are those prices (the base price where the centre left one empty, as the old rule said)."""
    TariffGrid = apps.get_model("activities", "TariffGrid")
    TariffColumn = apps.get_model("activities", "TariffColumn")
    TariffPrice = apps.get_model("activities", "TariffPrice")
    for grid in TariffGrid.objects.all():
        base = TariffColumn.objects.create(grid=grid, kind="base", position=0)
        prices = TariffPrice.objects.filter(bracket__grid=grid)
        prices.update(column=base)
        if prices.filter(outside_price__isnull=False).exists():
            outside = TariffColumn.objects.create(grid=grid, kind="hors_commune", position=1)
            TariffPrice.objects.bulk_create(
                TariffPrice(
                    bracket_id=p.bracket_id,
                    unit_id=p.unit_id,
                    column=outside,
                    rank=1,
                    price=p.outside_price if p.outside_price is not None else p.price,
                )
                for p in prices
            )






class Migration(migrations.Migration):
    dependencies = [("activities", "0006_tariff_rules")]

    operations = [
        migrations.RunPython(prices_into_columns, migrations.RunPython.noop),
    ]
