"""The attendance import, run by the task worker (csc.core.jobs): the file was read and stored (default
storage) when it was sent, its preview checked by the person; the job imports its valid rows in one
transaction (`services.run_import`), so that a job killed halfway leaves nothing written and is simply
run again. The stored file is deleted once the import commits; after a failure it stays for « Relancer »
(and goes with the other unimported files after PREVIEW_KEPT_DAYS).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from csc.core.jobs import JobError, Result
from csc.core.tenancy import has_capability

from ..capabilities import ATTENDANCE_IMPORT
from ..models import AttendanceImport
from . import services as imports

IMPORT_JOB = "activities.import"


def run_import_job(parameters: dict, progress, user) -> Result:
    """Import the file `parameters["import_id"]` with the mapping the person confirmed."""
    batch = AttendanceImport.objects.filter(pk=parameters["import_id"]).first()
    if batch is None or not has_capability(user, ATTENDANCE_IMPORT, batch.centre_id):
        raise JobError("Cet import n'existe plus, ou vous ne pouvez plus importer dans ce centre.")
    try:
        done = imports.run_import(
            batch,
            imports.Mapping.from_json(parameters["mapping"]),
            create_people=parameters["create_people"],
            actor=user,
            progress=progress,
        )
    except imports.ImportRefused as refusal:
        raise JobError(str(refusal)) from None
    lines = [
        ngettext("%(count)d présence ajoutée.", "%(count)d présences ajoutées.", done.imported)
        % {"count": done.imported}
    ]
    if done.people_created:
        lines.append(
            ngettext("%(count)d personne créée.", "%(count)d personnes créées.", done.people_created)
            % {"count": done.people_created}
        )
    if done.errors + done.unknown_people_skipped:
        count = done.errors + done.unknown_people_skipped
        lines.append(
            ngettext(
                "%(count)d ligne refusée : voyez le rapport d'erreurs.",
                "%(count)d lignes refusées : voyez le rapport d'erreurs.",
                count,
            )
            % {"count": count}
        )
    link = ("Voir le résultat de l'import", reverse("activities:import_preview", args=[batch.pk]))
    return Result(summary={"lines": lines, "links": [link]})
