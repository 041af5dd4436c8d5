"""The page of a request Django refuses to read (400): in French, saying what was too large and what to do;
and the page of a form refused by the CSRF check (403), which a person meets after leaving a form open
for hours or with cookies blocked — Django's own is English and written for developers.

Django answers 400 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig), more fields than
DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent), more files than DATA_UPLOAD_MAX_NUMBER_FILES
(TooManyFilesSent), a multipart body it cannot parse (MultiPartParserError — among them a part whose
headers pass 1 Ko, which is what a file name of thousands of characters gives), and every other
SuspiciousOperation or BadRequest. Each reaches `handler400` (csc/urls.py) with its exception; without
one, Django answers a bare English « Bad Request (400) ».

What was sent is gone by then: Django refuses to read the body at all (for the three limits it marks the
request's POST as unreadable), so the form cannot be shown again filled in. The page says so, offers the
way back to the form, and reminds that the browser's Back button usually keeps what was typed.

File names are not a reason to lose a form: a name up to Django's header limit is accepted and shortened
(UploadedFile keeps 255 characters, with the extension; each service cuts it to its own field), and no
file system names a file beyond that limit (255 bytes on Linux, 255 characters elsewhere: at most
~1,000 bytes of UTF-8), so only a forged request meets this page for its file name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .uploads import megabytes

logger = logging.getLogger(__name__)

# Django's message when a part's headers are longer than its limit (django.http.multipartparser).
HEADER_TOO_LONG = "header size exceeded"


@dataclass(frozen=True)
class Refusal:
    """What the person reads: a title, what was wrong, what to do."""

    title: str
    what: str
    todo: str


def refusal_for(exception: BaseException | None) -> Refusal:
    """Why the request was refused, in French, from the exception Django raised."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return Refusal(
            _("Formulaire trop volumineux"),
            _(
                "Ce que vous avez envoyé dépasse %(size)s Mo, la taille maximale d'un formulaire (les "
                "fichiers joints ne comptent pas dans cette taille)."
            )
            % {"size": megabytes(limit)},
            _(
                "Raccourcissez les textes les plus longs (un texte copié depuis un autre document, par "
                "exemple), puis envoyez le formulaire à nouveau."
            ),
        )
    if isinstance(exception, TooManyFieldsSent):
        return Refusal(
            _("Formulaire trop long"),
            _("Le formulaire envoyé contient plus de %(count)s champs, le maximum accepté.")
            % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
            _(
                "Envoyez-le en plusieurs fois : enregistrez une partie des lignes, puis revenez au "
                "formulaire pour le reste."
            ),
        )
    if isinstance(exception, TooManyFilesSent):
        return Refusal(
            _("Trop de fichiers"),
            _("Plus de %(count)s fichiers ont été envoyés en une fois, le maximum accepté.")
            % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
            _("Joignez les fichiers en plusieurs fois."),
        )
    if isinstance(exception, MultiPartParserError) and HEADER_TOO_LONG in str(exception):
        return Refusal(
            _("Nom de fichier trop long"),
            _("Le nom d'un fichier joint est trop long pour que le formulaire soit reçu."),
            _(
                "Renommez le fichier avec un nom plus court (quelques mots suffisent), puis joignez-le "
                "à nouveau au formulaire."
            ),
        )
    if isinstance(exception, MultiPartParserError):
        return Refusal(
            _("Envoi incomplet"),
            _(
                "Le formulaire est arrivé incomplet ou illisible : la connexion a peut-être été coupée "
                "pendant l'envoi."
            ),
            _("Revenez au formulaire et envoyez-le à nouveau."),
        )
    return Refusal(
        _("Demande incomprise"),
        _("Votre demande n'a pas pu être comprise : elle est incomplète ou mal formée."),
        _(
            "Revenez à la page précédente et réessayez. Si le problème revient, prévenez l'équipe "
            "technique de votre centre."
        ),
    )


def _form_path(request) -> str:
    """The page the refused form was posted to (a form view shows itself again on GET), or nothing:
    only a local path, never « //elsewhere »."""
    path = request.path
    if request.method != "POST" or not path.startswith("/") or path.startswith(("//", "/\\")):
        return ""
    return path


def error_400(request, exception=None):
    refusal = refusal_for(exception)
    if request.path.startswith("/api/"):
        # The API answers JSON, as django-ninja does for its own errors.
        return JsonResponse({"detail": f"{refusal.what} {refusal.todo}"}, status=400)
    context = {"refusal": refusal, "form_path": _form_path(request)}
    try:
        return render(request, "400.html", context, status=400)
    except Exception:  # noqa: BLE001 — the request itself is what failed: the page without its context
        # A host outside ALLOWED_HOSTS, say, fails again in whatever reads it; never turn a 400 into a 500.
        logger.warning("400 page rendered without the request's context", exc_info=True)
        return HttpResponse(loader.get_template("400.html").render(context), status=400)


def _expired_form() -> Refusal:
    return Refusal(
        _("Formulaire expiré"),
        _(
            "Ce formulaire n'a pas pu être reçu : la page était sans doute ouverte depuis longtemps, vous "
            "vous êtes déconnecté entre-temps, ou votre navigateur refuse les cookies de ce site."
        ),
        _(
            "Rechargez la page du formulaire, remplissez-le à nouveau et envoyez-le. Si cela recommence, "
            "autorisez les cookies pour ce site dans les réglages de votre navigateur."
        ),
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the same page as a 400, with status 403. Django's reason (no cookie, a token
    that does not match, another site's origin) is for the logs: the person's way out is the same."""
    logger.info("CSRF refusal on %s: %s", request.path, reason)
    context = {"refusal": _expired_form(), "form_path": _form_path(request)}
    return render(request, "400.html", context, status=403)
