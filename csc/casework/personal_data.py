"""The « Accompagnement social » part of a person's data export (csc.people.services.personal_data).

It exists only for an actor who follows people in the person's centre (casework.follow): for anybody
else, the export says nothing of social follow-up, not even that the person has a file. What it holds is
what that actor may read on screen: the periods of `periods_visible_to(actor)` (not another scope's, not
a confidential one they are not named in), their exchanges with the notes — private notes only for
their author —, actions and evaluations, tasks, the list of documents (not their content), and the
person's situation, budget, contacts and household history. Building it journals a read of the file.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from csc.core.tenancy import has_capability
from csc.people.models import Person

from .capabilities import CASEWORK_FOLLOW
from .models import Evaluation, Exchange, HouseholdChange, Period, SocialAction
from .queries import note_readable, periods_visible_to
from .services import journal_read

PRIVATE_NOTE = "(notes privées, lisibles seulement par leur auteur)"
JOURNAL_DETAIL = "export des données personnelles"


def may_export(person: Person, actor) -> bool:
    return has_capability(actor, CASEWORK_FOLLOW, person.centre_id)


def casework_event_filter() -> Q:
    """Journal lines that reveal a case file (reads of it, changes to its records): left out of the
    export of an actor who may not read social follow-up."""
    return Q(action__startswith="casework.") | Q(object_type__startswith="casework.")


def _day(value):
    return value.isoformat() if value else None


def _name(user):
    return str(user) if user else ""


def _period(period: Period, actor) -> dict:
    return {
        "Parcours n°": period.pk,
        "Cercle": period.scope.name,
        "Statut": period.get_status_display(),
        "Ouvert le": _day(period.opened_on),
        "Origine de la demande": period.get_origin_display(),
        "Demandeur": period.requester,
        "Problématiques": [issue.name for issue in period.issues.all()],
        "Référent(e)": _name(period.referent),
        "Autres intervenants": [_name(worker) for worker in period.workers.all()],
        "Lieu": period.get_place_display(),
        "Confidentiel": period.is_confidential,
        "Clôturé le": _day(period.closed_on),
        "Motif de clôture": period.get_closing_reason_display() if period.closing_reason else "",
        # All the period's exchanges: a household's period is about all its members. The names of the
        # others present are left out.
        "Échanges": [
            {
                "Date": _day(exchange.happened_on),
                "Type": exchange.get_kind_display(),
                "Durée (minutes)": exchange.duration_minutes,
                "Lieu, organisme ou interlocuteur": exchange.counterpart,
                "Notes": exchange.notes if note_readable(exchange, actor) else PRIVATE_NOTE,
                "Par": _name(exchange.author),
            }
            for exchange in period.exchanges.all()
        ],
        "Actions": [
            {
                "Action": action.title,
                "Problématique": action.issue.name if action.issue else "",
                "Début": _day(action.started_on),
                "Fin": _day(action.ended_on),
                "Résultat": action.get_result_display(),
                "Objectifs": action.goals,
                "Commentaire sur le résultat": action.result_notes,
                "Évaluations": [
                    {
                        "Date": _day(evaluation.evaluated_on),
                        "Évolution": evaluation.get_progress_display(),
                        "Observations": evaluation.notes,
                        "Par": _name(evaluation.author),
                    }
                    for evaluation in action.evaluations.all()
                ],
            }
            for action in period.actions.all()
        ],
        "Tâches": [
            {
                "Tâche": task.title,
                "Précisions": task.details,
                "Confiée à": _name(task.assignee),
                "À faire pour le": _day(task.due_on),
                "Faite le": task.done_at.isoformat() if task.done_at else None,
            }
            for task in period.tasks.all()
        ],
        "Documents": [
            {
                "Titre": document.title,
                "Catégorie": document.get_category_display(),
                "Origine": document.get_origin_display(),
                "Type": document.content_type,
                "Taille (octets)": document.size,
                "Ajouté le": document.created_at.isoformat(),
            }
            for document in period.documents.all()
        ],
    }


def section(person: Person, actor) -> dict | None:
    """The section for this actor, or None when they may not read social follow-up in the person's
    centre (the export then has no such key at all)."""
    if not may_export(person, actor):
        return None
    periods = (
        periods_visible_to(actor)
        .filter(persons=person)
        .select_related("scope", "referent")
        .prefetch_related(
            "issues",
            "workers",
            Prefetch(
                "exchanges", queryset=Exchange.objects.select_related("author").order_by("happened_on", "id")
            ),
            Prefetch(
                "actions",
                queryset=SocialAction.objects.select_related("issue")
                .prefetch_related(
                    Prefetch(
                        "evaluations",
                        queryset=Evaluation.objects.select_related("author").order_by("evaluated_on", "id"),
                    )
                )
                .order_by("started_on", "id"),
            ),
            "tasks__assignee",
            "documents",
        )
        .order_by("opened_on", "id")
    )
    data = {
        "Parcours": [_period(period, actor) for period in periods],
        "Situation": [
            {"Rubrique": value.field.label, "Réponse": value.value}
            for value in person.casework_situation.select_related("field").order_by(
                "field__position", "field_id"
            )
        ],
        "Ressources et charges": [
            {
                "Sens": line.get_direction_display(),
                "Nature": line.get_category_display(),
                "Précision": line.label,
                "Montant mensuel (€)": str(line.monthly_amount),
                "Depuis le": _day(line.started_on),
                "Jusqu'au": _day(line.ended_on),
            }
            for line in person.casework_budget.order_by("direction", "started_on", "id")
        ],
        "Contacts": [
            {
                "Nom": contact.third_party.name,
                "Structure": contact.third_party.organisation,
                "Type": contact.third_party.get_kind_display(),
                "Rôle auprès de la personne": contact.role,
            }
            for contact in person.casework_contacts.select_related("third_party").order_by(
                "third_party__name"
            )
        ],
        "Historique du foyer": [
            {
                "Date": change.at.isoformat(),
                "Changement": change.get_change_display(),
                "Lien": change.get_relation_display(),
            }
            for change in HouseholdChange.objects.filter(person=person).order_by("at", "id")
        ],
    }
    journal_read(actor, person, centre_id=person.centre_id, person_id=person.pk, what=JOURNAL_DETAIL)
    return data
