"""The centre's settings of the social follow-up, for its direction (casework.configure): scopes and
their workers, the thesaurus of issues, the lines of the situation summary, the letter templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.tenancy import require_capability

from . import letters, services
from .capabilities import CASEWORK_CONFIGURE
from .forms import IssueForm, ScopeForm, SituationFieldForm, TemplateForm
from .models import LetterTemplate, Scope, SituationField, SocialIssue

CONFIGURE = CASEWORK_CONFIGURE


def _own(model, centre, pk):
    """One of the centre's settings, or a 404 (another centre's id says nothing)."""
    if pk is None:
        return None
    instance = model.objects.filter(centre=centre, pk=pk).first()
    if instance is None:
        raise Http404
    return instance


@login_required
def overview(request, issue_form=None, refusal="", status=200):
    centre = require_capability(request, CONFIGURE)
    services.ensure_defaults(centre)
    context = {
        "centre": centre,
        "scopes": Scope.objects.filter(centre=centre).prefetch_related("workers"),
        "issues": SocialIssue.objects.filter(centre=centre),
        "fields": SituationField.objects.filter(centre=centre),
        "templates": LetterTemplate.objects.filter(centre=centre),
        "issue_form": issue_form or IssueForm(),
        "refusal": refusal,
    }
    return render(request, "casework/settings.html", context, status=status)


@login_required
@require_POST
def issue_add(request):
    centre = require_capability(request, CONFIGURE)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return overview(request, issue_form=form, status=400)
    try:
        services.add_issue(centre, name=form.cleaned_data["name"])
    except services.CaseworkRefused as refused:
        return overview(request, issue_form=form, refusal=str(refused), status=400)
    messages.success(request, "Problématique ajoutée.")
    return redirect("casework:settings")


@login_required
@require_POST
def issue_toggle(request, social_issue_id):
    centre = require_capability(request, CONFIGURE)
    issue = services.toggle_issue(_own(SocialIssue, centre, social_issue_id))
    messages.success(
        request, f"« {issue.name} » est {'de nouveau proposée' if issue.is_active else 'retirée'}."
    )
    return redirect("casework:settings")


def _edit(request, *, template_name, form, save, done, context):
    """A settings form: saved by its service (which may refuse in French), or shown again."""
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.CaseworkRefused as refused:
            refusal = str(refused)
        else:
            messages.success(request, done)
            return redirect("casework:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, template_name, {**context, "form": form, "refusal": refusal}, status=status)


@login_required
def scope_edit(request, scope_id=None):
    centre = require_capability(request, CONFIGURE)
    scope = _own(Scope, centre, scope_id)
    initial = {"name": scope.name, "workers": list(scope.workers.all())} if scope else {}
    form = ScopeForm(posted(request), workers=services.workers_of(centre), initial=initial)

    def save(data):
        services.save_scope(centre, scope=scope, name=data["name"], workers=list(data["workers"]))

    return _edit(
        request,
        template_name="casework/settings_form.html",
        form=form,
        save=save,
        done="Cercle enregistré.",
        context={"title": f"Cercle « {scope.name} »" if scope else "Nouveau cercle"},
    )


@login_required
def situation_field_edit(request, situation_field_id=None):
    centre = require_capability(request, CONFIGURE)
    field = _own(SituationField, centre, situation_field_id)
    form = SituationFieldForm(posted(request), instance=field or SituationField(centre=centre))

    def save(data):
        services.save_situation_field(centre, field=field, **data)

    return _edit(
        request,
        template_name="casework/settings_form.html",
        form=form,
        save=save,
        done="Rubrique enregistrée.",
        context={"title": f"Rubrique « {field.label} »" if field else "Nouvelle rubrique de la situation"},
    )


@login_required
def template_edit(request, letter_template_id=None):
    centre = require_capability(request, CONFIGURE)
    template = _own(LetterTemplate, centre, letter_template_id)
    form = TemplateForm(posted(request), instance=template or LetterTemplate(centre=centre))

    def save(data):
        services.save_template(centre, template=template, **data)

    return _edit(
        request,
        template_name="casework/settings_form.html",
        form=form,
        save=save,
        done="Modèle enregistré.",
        context={
            "title": f"Modèle « {template.name} »"
            if template
            else "Nouveau modèle de courrier ou d'attestation",
            "template_fields": letters.FIELDS,
        },
    )
