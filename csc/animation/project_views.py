"""The pedagogical project pages: read by the whole animation team, written by the director or the
coordinator. Rules live in `project.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csc.activities.models import Activity
from csc.core.forms import posted
from csc.core.tenancy import current_centre, has_capability, require_capability

from . import project as services
from .capabilities import ANIMATION_SHEETS, PEDAGOGICAL_PROJECT
from .models import Objective, PedagogicalProject
from .project_forms import IntroductionForm, ObjectiveForm

READ = ANIMATION_SHEETS
WRITE = PEDAGOGICAL_PROJECT


def _project_url(project: PedagogicalProject) -> str:
    if project.activity_id:
        return reverse("animation:project_activity", args=[project.activity_id])
    return reverse("animation:project")


def _readable_centre(request):
    """Readers hold the sheets capability; writers the project one (directors hold both)."""
    centre = current_centre(request)
    if centre is None or not (
        has_capability(request.user, READ, centre) or has_capability(request.user, WRITE, centre)
    ):
        raise Http404
    return centre


@login_required
def project_page(request, activity_id=None):
    """The centre's project, or a leisure centre's: intentions, then objectives general → operational."""
    centre = _readable_centre(request)
    activity = None
    if activity_id is not None:
        activity = get_object_or_404(
            Activity.objects.filter(centre=centre, kind=Activity.Kind.LEISURE_CENTRE), pk=activity_id
        )
    can_write = has_capability(request.user, WRITE, centre)
    project = PedagogicalProject.objects.filter(centre=centre, activity=activity).first()
    intro_form = objective_form = None
    if can_write:
        data = posted(request)
        action = request.POST.get("action") if data is not None else None
        intro_form = IntroductionForm(
            data if action == "intentions" else None,
            initial={"introduction": project.introduction if project else ""},
        )
        project_for_form = project or PedagogicalProject(centre=centre, activity=activity)
        objective_form = ObjectiveForm(data if action == "objectif" else None, project=project_for_form)
        if action == "intentions" and intro_form.is_valid():
            project = services.get_or_create_project(centre, activity)
            services.update_introduction(project, intro_form.cleaned_data["introduction"], user=request.user)
            messages.success(request, "Intentions enregistrées.")
            return redirect(_project_url(project))
        if action == "objectif" and objective_form.is_valid():
            project = services.get_or_create_project(centre, activity)
            try:
                services.add_objective(
                    project,
                    text=objective_form.cleaned_data["text"],
                    level=objective_form.cleaned_data["level"],
                    parent=objective_form.cleaned_data.get("parent"),
                    user=request.user,
                )
            except services.ProjectRefused as refusal:
                objective_form.add_error(None, str(refusal))
            else:
                messages.success(request, "Objectif ajouté.")
                return redirect(_project_url(project))
    elif request.method == "POST":
        return redirect(request.path)
    other_projects = [] if activity else list(services.project_activities(centre))
    return render(
        request,
        "animation/project/project.html",
        {
            "centre": centre,
            "activity": activity,
            "project": project,
            "tree": services.objective_tree(project),
            "can_write": can_write,
            "intro_form": intro_form,
            "objective_form": objective_form,
            "leisure_centres": other_projects,
        },
    )


def _objective(request, objective_id) -> Objective:
    centre = require_capability(request, WRITE)
    return get_object_or_404(
        Objective.objects.filter(centre=centre).select_related("project"), pk=objective_id
    )


@login_required
def objective_edit(request, objective_id):
    objective = _objective(request, objective_id)
    form = ObjectiveForm(
        posted(request),
        project=objective.project,
        fixed_level=objective.level,
        initial={"text": objective.text, "parent": objective.parent_id},
    )
    if form.is_valid():
        try:
            services.update_objective(
                objective,
                text=form.cleaned_data["text"],
                parent=form.cleaned_data.get("parent"),
                user=request.user,
            )
        except services.ProjectRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Objectif modifié : les fiches et plannings qui le servent suivent.")
            return redirect(_project_url(objective.project))
    return render(
        request,
        "animation/project/objective_form.html",
        {"objective": objective, "form": form, "back": _project_url(objective.project)},
    )


@login_required
def objective_delete(request, objective_id):
    objective = _objective(request, objective_id)
    if request.method == "POST":
        use = services.delete_objective(objective, user=request.user)
        messages.success(
            request,
            f"Objectif retiré. {use.sheets} fiche(s) et {use.entries} activité(s) de planning "
            "ne le citent plus.",
        )
        return redirect(_project_url(objective.project))
    return render(
        request,
        "animation/project/objective_delete.html",
        {
            "objective": objective,
            "use": services.objective_use(objective),
            "back": _project_url(objective.project),
        },
    )


@login_required
@require_POST
def objective_move(request, objective_id):
    objective = _objective(request, objective_id)
    services.move_objective(objective, up=request.POST.get("sens") != "bas", user=request.user)
    return redirect(_project_url(objective.project) + f"#objectif-{objective.pk}")
