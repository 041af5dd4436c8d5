"""The categories of service every module filters on. The kiosk's « Besoin d'aide ? » shows the places
helping with online procedures first; the parenting compass and the referrals will use the others."""

from django.db import migrations

CATEGORIES = [
    ("demarches-en-ligne", "Aide aux démarches en ligne"),
    ("ordinateur-libre", "Ordinateur et internet en accès libre"),
    ("ateliers-numeriques", "Ateliers pour apprendre le numérique"),
    ("acces-aux-droits", "Accès aux droits (CAF, santé, retraite)"),
    ("emploi", "Emploi et insertion"),
    ("logement", "Logement et énergie"),
    ("sante", "Santé"),
    ("familles", "Familles et parentalité"),
    ("aide-alimentaire", "Aide alimentaire"),
    ("juridique", "Conseil juridique, accès au droit"),
    ("francais", "Apprendre le français"),
]


def add_categories(apps, schema_editor):
    category = apps.get_model("directory", "ServiceCategory")
    for position, (slug, label) in enumerate(CATEGORIES):
        category.objects.update_or_create(slug=slug, defaults={"label": label, "position": position})


def remove_categories(apps, schema_editor):
    apps.get_model("directory", "ServiceCategory").objects.filter(slug__in=[s for s, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
