# The old « hors commune » prices now live in the outside column (0007): the cell is (bracket, unit, column, rank).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("activities", "0007_tariff_columns_data")]

    operations = [
    migrations.RemoveConstraint(model_name="tariffprice", name="tariff_price_unique"),
    migrations.RemoveField(model_name="tariffprice", name="outside_price"),
    migrations.AlterField(
        model_name="tariffprice",
        name="column",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="prices", to="activities.tariffcolumn"
        ),
    ),
    migrations.AddConstraint(
        model_name="tariffprice",
        constraint=models.UniqueConstraint(
            fields=("bracket", "unit", "column", "rank"), name="tariff_price_unique_cell"
        ),
    ),
    ]
