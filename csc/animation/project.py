"""The pedagogical project: the centre's educational intentions, and those of each leisure centre, as
general objectives made concrete by operational ones. Sheets and planning entries say which objectives
they serve; the planning shows which ones it covers.

Every function is one transaction and the only place these rules live.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max

from csc.activities.models import Activity
from csc.core.models import Centre

from .models import Objective, PedagogicalProject
from .search import refresh_search_columns

MAX_OBJECTIVES = 60  # a project with more is a list of tasks, not of objectives


class ProjectRefused(Exception):
    """A change the rules refuse; the message is French and says what to do instead."""


def project_activities(centre: Centre):
    """The activities that may have a project of their own: the centre's leisure centres."""
    return Activity.objects.filter(centre=centre, kind=Activity.Kind.LEISURE_CENTRE).order_by("name", "id")


@transaction.atomic
def get_or_create_project(centre: Centre, activity: Activity | None = None) -> PedagogicalProject:
    """The project of the centre (no activity) or of one of its leisure centres, created empty."""
    if activity is not None and (
        activity.centre_id != centre.pk or activity.kind != Activity.Kind.LEISURE_CENTRE
    ):
        raise ProjectRefused(
            "Un projet pédagogique se rédige pour le centre ou pour un de ses accueils de loisirs."
        )
    project, _ = PedagogicalProject.objects.get_or_create(centre=centre, activity=activity)
    return project


@transaction.atomic
def update_introduction(project: PedagogicalProject, text: str, *, user) -> PedagogicalProject:
    """Change the few sentences that open the project."""
    project.introduction = text.strip()
    project.updated_by = user
    project.save()
    return project


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ProjectRefused("Écrivez l'objectif.")
    if len(text) > 300:
        raise ProjectRefused("Un objectif tient en une phrase de 300 caractères au plus.")
    return text


def _check_parent(project: PedagogicalProject, level: str, parent: Objective | None) -> None:
    if level == Objective.Level.OPERATIONAL:
        if parent is None:
            raise ProjectRefused("Un objectif opérationnel précise un objectif général : choisissez lequel.")
        if parent.project_id != project.pk or parent.level != Objective.Level.GENERAL:
            raise ProjectRefused("Choisissez un objectif général de ce projet.")
    elif parent is not None:
        raise ProjectRefused("Un objectif général ne dépend pas d'un autre objectif.")


@transaction.atomic
def add_objective(
    project: PedagogicalProject, *, text: str, level: str, parent: Objective | None = None, user
) -> Objective:
    """Add a general objective, or an operational one under a general objective, at the end."""
    project = PedagogicalProject.objects.select_for_update().get(pk=project.pk)
    text = _clean_text(text)
    if level not in Objective.Level.values:
        raise ProjectRefused("Choisissez : objectif général ou opérationnel.")
    _check_parent(project, level, parent)
    if project.objectives.count() >= MAX_OBJECTIVES:
        raise ProjectRefused(f"Un projet compte au plus {MAX_OBJECTIVES} objectifs.")
    last = project.objectives.aggregate(last=Max("position"))["last"]
    objective = Objective.objects.create(
        project=project,
        centre_id=project.centre_id,
        level=level,
        parent=parent,
        text=text,
        position=(last or 0) + 1,
    )
    _touch(project, user)
    return objective


@transaction.atomic
def update_objective(objective: Objective, *, text: str, parent: Objective | None = None, user) -> Objective:
    """Reword an objective (or attach an operational objective to another general one). Sheets and
    plannings that serve it keep serving it: the link is to the objective, not to its words."""
    objective.text = _clean_text(text)
    _check_parent(objective.project, objective.level, parent)
    objective.parent = parent
    objective.save()
    _touch(objective.project, user)
    _refresh_sheets_of([objective.pk])
    return objective


@dataclass(frozen=True)
class ObjectiveUse:
    sheets: int
    entries: int
    operational: int


def objective_use(objective: Objective) -> ObjectiveUse:
    """What removing an objective would unlink: said before it is removed."""
    ids = [objective.pk, *objective.operational_objectives.values_list("pk", flat=True)]
    counts = Objective.objects.filter(pk__in=ids).aggregate(
        sheets=Count("sheets", distinct=True), entries=Count("planning_entries", distinct=True)
    )
    return ObjectiveUse(sheets=counts["sheets"], entries=counts["entries"], operational=len(ids) - 1)


@transaction.atomic
def delete_objective(objective: Objective, *, user) -> ObjectiveUse:
    """Remove an objective and its operational objectives; sheets and plannings simply stop citing
    them (their content stays)."""
    use = objective_use(objective)
    ids = [objective.pk, *objective.operational_objectives.values_list("pk", flat=True)]
    sheet_ids = list(
        Objective.sheets.through.objects.filter(objective_id__in=ids).values_list(
            "activitysheet_id", flat=True
        )
    )
    project = objective.project
    objective.delete()
    _touch(project, user)
    _refresh_search(sheet_ids)
    return use


@transaction.atomic
def move_objective(objective: Objective, *, up: bool, user) -> None:
    """Swap an objective with its neighbour of the same level and parent."""
    siblings = list(
        Objective.objects.select_for_update()
        .filter(project_id=objective.project_id, level=objective.level, parent_id=objective.parent_id)
        .order_by("position", "id")
    )
    index = next(i for i, o in enumerate(siblings) if o.pk == objective.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    Objective.objects.bulk_update(siblings, ["position"])
    _touch(objective.project, user)


def _touch(project: PedagogicalProject, user) -> None:
    project.updated_by = user
    project.save(update_fields=["updated_by", "updated_at"])


def _refresh_sheets_of(objective_ids: list[int]) -> None:
    # The words of the objectives a sheet serves are part of what the search finds it by.
    sheet_ids = Objective.sheets.through.objects.filter(objective_id__in=objective_ids).values_list(
        "activitysheet_id", flat=True
    )
    _refresh_search(list(sheet_ids))


def _refresh_search(sheet_ids: list[int]) -> None:
    refresh_search_columns(sheet_ids)


@dataclass
class GeneralObjective:
    objective: Objective
    operational: list[Objective]


def objective_tree(project: PedagogicalProject | None) -> list[GeneralObjective]:
    """The general objectives of a project, each with its operational ones, in order (one query)."""
    if project is None:
        return []
    objectives = list(project.objectives.order_by("position", "id"))
    tree = [GeneralObjective(o, []) for o in objectives if o.level == Objective.Level.GENERAL]
    by_id = {g.objective.pk: g for g in tree}
    for objective in objectives:
        if objective.level == Objective.Level.OPERATIONAL and objective.parent_id in by_id:
            by_id[objective.parent_id].operational.append(objective)
    return tree
