"""Social follow-up's objects in the foreign centre of the tenancy walker (csc.testing.tenancy),
declared in csc/casework/module.py. Imported by tests only."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from csc.testing import factories
from csc.testing.tenancy import SECRET_LAST_NAME, ForeignWorld

from . import services as casework
from .models import Document, Exchange, Task


def plant_foreign(world: ForeignWorld) -> dict[str, models.Model]:
    """Centre B's social follow-up: a period of the secret person with an exchange whose notes name
    them, a task, an action, a document, a budget line and a contact."""
    centre_b, person = world.centre, world.person
    worker = factories.StaffRoleFactory(centre=centre_b, role="social_worker").user
    casework.ensure_defaults(centre_b)
    scope = centre_b.casework_scopes.first()
    scope.workers.add(worker)
    period = casework.open_period(
        centre_b,
        by=worker,
        persons=[person],
        scope=scope,
        referent=worker,
        origin="spontaneous",
        issues=list(centre_b.casework_issues.all()[:1]),
    )
    casework.log_exchange(
        period,
        author=worker,
        kind="interview",
        happened_on=timezone.localdate(),
        notes=f"Entretien avec Mme {SECRET_LAST_NAME}",
    )
    task = casework.assign_task(
        period, by=worker, assignee=worker, title=f"Rappeler {SECRET_LAST_NAME}", due_on=timezone.localdate()
    )
    action = casework.start_action(
        period, by=worker, title="Dossier DALO", goals=f"Reloger {SECRET_LAST_NAME}"
    )
    document = casework.add_document(
        period,
        by=worker,
        upload=SimpleUploadedFile("bail.pdf", f"%PDF-1.4\n{SECRET_LAST_NAME}\n%%EOF\n".encode()),
        title="Bail",
        category="housing",
    )
    line = casework.add_budget_line(
        person, by=worker, direction="charge", category="rent", monthly_amount=Decimal("612.40")
    )
    casework.save_situation_field(centre_b, label="Titre de séjour", kind="text")
    landlord = casework.save_third_party(centre_b, kind="landlord", name=f"Bailleur de {SECRET_LAST_NAME}")
    contact = casework.link_contact(person, third_party=landlord, role="bailleur")
    return {
        "case_period_id": period,
        "task_id": task,
        "action_id": action,
        "document_id": document,
        "budget_line_id": line,
        "person_contact_id": contact,
    }


def snapshot(world: ForeignWorld) -> dict:
    centre = world.centre
    return {
        "case_exchanges": list(
            Exchange.objects.filter(period__centre=centre)
            .values_list("pk", "notes", "is_private")
            .order_by("pk")
        ),
        "case_tasks": list(
            Task.objects.filter(period__centre=centre).values_list("pk", "title", "done_at").order_by("pk")
        ),
        "case_documents": list(
            Document.objects.filter(period__centre=centre).values_list("pk", "file").order_by("pk")
        ),
    }
