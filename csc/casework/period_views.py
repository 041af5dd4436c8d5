"""A period's social actions and documents: thin views over services.py, each read journaled, each
period reached through queries.periods_visible_to (a 404, journaled, otherwise)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csc.core.forms import posted
from csc.core.spreadsheets import download
from csc.core.tenancy import require_capability
from csc.core.uploads import CONTENT_TYPES, EXTENSIONS

from . import queries, services
from .access import FOLLOW, period_or_404, visible_or_404
from .crypto import UnreadableValue
from .forms import ActionForm, EndActionForm, EvaluationForm, GenerateForm, UploadForm
from .models import Document, LetterTemplate, SocialAction, SocialIssue

logger = logging.getLogger(__name__)
EXTENSION_OF = {content_type: EXTENSIONS[kind] for kind, content_type in CONTENT_TYPES.items()}


def _readable(model, request):
    """Actions or documents of the periods the user may read."""
    return model.objects.filter(period__in=queries.periods_visible_to(request.user))


# --- Social actions ---------------------------------------------------------------------------------


def _issues(period):
    return SocialIssue.objects.filter(centre_id=period.centre_id, is_active=True)


def _actions_page(request, period, *, form=None, refusal="", status=200):
    actions = period.actions.select_related("issue").prefetch_related("evaluations")
    context = {
        "period": period,
        "actions": actions,
        "form": form or ActionForm(issues=_issues(period)),
        "refusal": refusal,
    }
    return render(request, "casework/actions.html", context, status=status)


@login_required
def actions(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    if request.method != "POST":
        services.journal_read(request.user, period, centre_id=period.centre_id, what="actions")
        return _actions_page(request, period)
    form = ActionForm(request.POST, issues=_issues(period))
    if not form.is_valid():
        return _actions_page(request, period, form=form, status=400)
    try:
        action = services.start_action(period, by=request.user, **form.cleaned_data)
    except services.CaseworkRefused as refused:
        return _actions_page(request, period, form=form, refusal=str(refused), status=400)
    messages.success(request, "Action ajoutée.")
    return redirect("casework:action", action_id=action.pk)


@login_required
def action_detail(request, action_id):
    """An action, its evaluations, and the two forms that move it on: evaluate, or end with a result."""
    require_capability(request, FOLLOW)
    action = visible_or_404(
        request, _readable(SocialAction, request).select_related("period__centre", "issue"), action_id
    )
    evaluation_form = EvaluationForm(request.POST if request.POST.get("quoi") == "evaluer" else None)
    end_form = EndActionForm(request.POST if request.POST.get("quoi") == "terminer" else None)
    refusal = ""
    if request.method == "POST":
        form = evaluation_form if request.POST.get("quoi") == "evaluer" else end_form
        if form.is_bound and form.is_valid():
            try:
                if form is evaluation_form:
                    services.evaluate_action(action, by=request.user, **form.cleaned_data)
                    done = "Évaluation notée."
                else:
                    services.end_action(action, **form.cleaned_data)
                    done = "Action terminée."
            except services.CaseworkRefused as refused:
                refusal = str(refused)
            else:
                messages.success(request, done)
                return redirect("casework:action", action_id=action.pk)
    else:
        services.journal_read(request.user, action, centre_id=action.period.centre_id, what="action")
    context = {
        "action": action,
        "period": action.period,
        "evaluations": action.evaluations.select_related("author"),
        "evaluation_form": evaluation_form,
        "end_form": end_form,
        "refusal": refusal,
    }
    return render(request, "casework/action.html", context, status=400 if request.method == "POST" else 200)


# --- Documents --------------------------------------------------------------------------------------


def _templates(period):
    return LetterTemplate.objects.filter(centre_id=period.centre_id, is_active=True)


def _documents_page(request, period, *, upload_form=None, generate_form=None, refusal="", status=200):
    persons = period.persons.order_by("last_name", "first_name", "id")
    context = {
        "period": period,
        "documents": period.documents.select_related("created_by"),
        "upload_form": upload_form or UploadForm(),
        "generate_form": generate_form
        or GenerateForm(templates=_templates(period), persons=persons, initial={"person": persons.first()}),
        "refusal": refusal,
    }
    return render(request, "casework/documents.html", context, status=status)


@login_required
def documents(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    services.journal_read(request.user, period, centre_id=period.centre_id, what="documents")
    return _documents_page(request, period)


@login_required
@require_POST
def document_upload(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _documents_page(request, period, upload_form=form, status=400)
    data = form.cleaned_data
    try:
        services.add_document(
            period, by=request.user, upload=data["file"], title=data["title"], category=data["category"]
        )
    except services.CaseworkRefused as refused:
        return _documents_page(request, period, upload_form=form, refusal=str(refused), status=400)
    messages.success(request, "Document déposé.")
    return redirect("casework:documents", case_period_id=period.pk)


@login_required
@require_POST
def document_generate(request, case_period_id):
    require_capability(request, FOLLOW)
    period = period_or_404(request, case_period_id)
    form = GenerateForm(posted(request), templates=_templates(period), persons=period.persons.all())
    if not form.is_valid():
        return _documents_page(request, period, generate_form=form, status=400)
    try:
        document = services.generate_document(period, by=request.user, **form.cleaned_data)
    except services.CaseworkRefused as refused:
        return _documents_page(request, period, generate_form=form, refusal=str(refused), status=400)
    messages.success(request, f"« {document.title} » est prêt : téléchargez-le ci-dessous.")
    return redirect("casework:documents", case_period_id=period.pk)


@login_required
def document_download(request, document_id):
    """The document in clear, as an attachment (never shown inline: a PDF's scripts stay out of the
    page), with the read journaled."""
    require_capability(request, FOLLOW)
    document = visible_or_404(request, _readable(Document, request).select_related("period"), document_id)
    try:
        data = services.read_document(document, by=request.user)
    except UnreadableValue:
        # The installation's keys do not read this file (a restore with other keys, a key dropped too
        # early): a French page that says so, not a 500; the administrator learns it from the log.
        logger.error(
            "Accompagnement social : le document %s ne se déchiffre avec aucune clé de CSC_CASEWORK_KEYS.",
            document.pk,
        )
        context = {"document": document, "period": document.period, "missing": False}
        return render(request, "casework/document_unreadable.html", context, status=503)
    except FileNotFoundError:
        # The row is there, its file is not (the uploaded files were not restored with the database).
        logger.error("Accompagnement social : le fichier du document %s est introuvable.", document.pk)
        context = {"document": document, "period": document.period, "missing": True}
        return render(request, "casework/document_unreadable.html", context, status=503)
    extension = EXTENSION_OF.get(document.content_type, "bin")
    response = download(
        data, f"{slugify(document.title)[:80] or 'document'}.{extension}", document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_delete(request, document_id):
    require_capability(request, FOLLOW)
    document = visible_or_404(request, _readable(Document, request).select_related("period"), document_id)
    period = document.period
    try:
        services.delete_document(document)
    except services.CaseworkRefused as refused:
        return _documents_page(request, period, refusal=str(refused), status=400)
    messages.success(request, "Document retiré.")
    return redirect("casework:documents", case_period_id=period.pk)
