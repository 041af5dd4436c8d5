"""Every entry gets its owner, the only centre that changes or withdraws it, and other centres propose
corrections (issue « Hardening », item 3: a centre changed another centre's kiosk hours and phone).

The owners already recorded are kept: `kept_by` is the centre that added the entry. Then:
- a centre's own entry (`centre` set) is owned by that centre, whoever added it: it feeds its kiosk;
- an entry without a recorded owner takes the centre the journal names on its creation, when that centre
  still exists in the entry's federation (entries whose `kept_by` was emptied when a centre left);
- the others stay owned by no centre: the federation's staff keep them (capability directory.network),
  and any centre may propose a correction to them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def assign_owners(apps, schema_editor):
    structure_model = apps.get_model("directory", "Structure")
    centre_model = apps.get_model("core", "Centre")
    event_model = apps.get_model("core", "AuditEvent")
    for structure in structure_model.objects.exclude(centre__isnull=True).exclude(
        kept_by_id=models.F("centre_id")
    ):
        structure.kept_by_id = structure.centre_id
        structure.save(update_fields=["kept_by"])
    for structure in structure_model.objects.filter(centre__isnull=True, kept_by__isnull=True):
        created = (
            event_model.objects.filter(
                action="create", object_type="directory.structure", object_id=str(structure.pk)
            )
            .exclude(centre_id=None)
            .order_by("at")
            .values_list("centre_id", flat=True)
            .first()
        )
        if created and centre_model.objects.filter(
            pk=created, territory__federation_id=structure.federation_id
        ).exists():
            structure.kept_by_id = created
            structure.save(update_fields=["kept_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_outbound_message"),
        ("directory", "0002_service_categories"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Correction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("changes", models.JSONField(default=dict)),
                ("comment", models.TextField(blank=True, max_length=1000)),
                (
                    "status",
                    models.CharField(
                        choices=[("en_attente", "En attente"), ("acceptee", "Acceptée"), ("refusee", "Refusée")],
                        default="en_attente",
                        max_length=12,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.CharField(blank=True, max_length=500)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="directory_corrections",
                        to="core.centre",
                    ),
                ),
                (
                    "structure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="directory.structure",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["structure", "status"], name="correction_of_structure")],
            },
        ),
        migrations.RunPython(assign_owners, migrations.RunPython.noop),
    ]
