"""The e-mails a family receives about its request, in each centre's own words.

A centre may rewrite the text of each status (Réglages → Textes des e-mails); the defaults below apply
otherwise. Placeholders are written between braces — {prenom}, {centre}, {reference}, {demande},
{lien}, {motif}, {rang} — and replaced as plain text: a text cannot reach anything else.
"""

from __future__ import annotations

import re

from django.core import signing
from django.urls import reverse

from csc.core import notify as outbound
from csc.core.links import absolute_url
from csc.core.models import OutboundMessage

from .models import Request, StatusMessage

Status = Request.Status
FOLLOW_SALT = "csc.enrolment.follow"
# The follow link works for a year: long enough for a school year, short enough not to live forever.
FOLLOW_MAX_AGE = 365 * 24 * 3600

PLACEHOLDERS = ["prenom", "centre", "reference", "demande", "lien", "motif", "rang"]

_SIGNATURE = "\n\nÀ bientôt,\nL'équipe de {centre}"
DEFAULT_MESSAGES: dict[str, tuple[str, str]] = {
    Status.RECEIVED: (
        "Votre demande {reference} est bien reçue",
        "Bonjour {prenom},\n\nNous avons bien reçu votre {demande} (numéro {reference}). L'accueil va la "
        "regarder et vous répondra par e-mail. Le récapitulatif est joint à ce message.\n\n"
        "Pour suivre votre demande ou l'annuler : {lien}" + _SIGNATURE,
    ),
    Status.DOCUMENTS_MISSING: (
        "Il manque un document pour votre demande {reference}",
        "Bonjour {prenom},\n\nPour continuer votre {demande} (numéro {reference}), il nous manque un "
        "document :\n{motif}\n\nVous pouvez l'apporter à l'accueil du centre.\n\n"
        "Suivre votre demande : {lien}" + _SIGNATURE,
    ),
    Status.OFFERED: (
        "Une place s'est libérée pour votre demande {reference}",
        "Bonjour {prenom},\n\nBonne nouvelle : une place s'est libérée pour votre {demande} (numéro "
        "{reference}). Elle vous est réservée ; l'accueil va confirmer l'inscription. Si vous n'en avez "
        "plus besoin, annulez la demande pour laisser la place à une autre famille : {lien}" + _SIGNATURE,
    ),
    Status.WAITING_LIST: (
        "Votre demande {reference} est sur liste d'attente",
        "Bonjour {prenom},\n\nIl n'y a plus de place pour le moment. Votre {demande} (numéro {reference}) "
        "est sur la liste d'attente, au rang {rang}. Si une place se libère, elle vous sera proposée et "
        "vous recevrez un e-mail.\n\nSuivre votre demande : {lien}" + _SIGNATURE,
    ),
    Status.VALIDATED: (
        "Votre demande {reference} est validée",
        "Bonjour {prenom},\n\nVotre {demande} (numéro {reference}) est validée. {motif}\n\n"
        "Retrouvez le détail : {lien}" + _SIGNATURE,
    ),
    Status.REFUSED: (
        "Votre demande {reference} n'a pas pu être acceptée",
        "Bonjour {prenom},\n\nNous ne pouvons pas accepter votre {demande} (numéro {reference}).\n"
        "Motif : {motif}\n\nL'accueil du centre reste à votre disposition pour en parler.\n\n"
        "Suivre votre demande : {lien}" + _SIGNATURE,
    ),
    Status.CANCELLED: (
        "Votre demande {reference} est annulée",
        "Bonjour {prenom},\n\nVotre {demande} (numéro {reference}) est annulée.\n{motif}\n\nSi c'est "
        "une erreur, contactez l'accueil du centre.\n\n{lien}" + _SIGNATURE,
    ),
    Status.EXPIRED: (
        "La place proposée pour votre demande {reference} n'est plus réservée",
        "Bonjour {prenom},\n\nLa place qui vous avait été proposée pour votre {demande} (numéro "
        "{reference}) n'a pas été confirmée dans le délai : elle est maintenant proposée à une autre "
        "famille. Si vous en avez encore besoin, contactez l'accueil du centre.\n\n{lien}" + _SIGNATURE,
    ),
}


def follow_token(request: Request) -> str:
    return signing.dumps(request.reference, salt=FOLLOW_SALT, compress=True)


def request_from_token(token: str) -> Request | None:
    """The request a follow link names, or None when the link is forged or expired."""
    try:
        reference = signing.loads(token, salt=FOLLOW_SALT, max_age=FOLLOW_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Request.objects.select_related("centre", "period__activity", "season")
        .filter(reference=reference)
        .first()
    )


def follow_url(request: Request) -> str:
    return absolute_url(reverse("enrolment:follow", args=[follow_token(request)]))


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders by plain values; anything else between braces stays as typed."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def message_for(request: Request) -> tuple[str, str]:
    custom = StatusMessage.objects.filter(centre_id=request.centre_id, status=request.status).first()
    if custom:
        return custom.subject, custom.body
    return DEFAULT_MESSAGES[request.status]


def values_for(request: Request) -> dict[str, str]:
    first = request.people.order_by("role", "position").first()
    return {
        "prenom": first.first_name if first else "",
        "centre": request.centre.name,
        "reference": request.reference,
        "demande": "pré-adhésion" if request.kind == Request.Kind.MEMBERSHIP else "pré-inscription",
        "lien": follow_url(request),
        "motif": request.status_note,
        "rang": str(request.waiting_rank or ""),
    }


# The attachment builder registered by EnrolmentConfig.ready(): the summary PDF is built when the e-mail
# leaves, in the worker, not inside the family's request.
SUMMARY_ATTACHMENT = "enrolment.summary"
PURPOSE = "enrolment.status"


def notify(request: Request, *, attach_summary: bool = False) -> OutboundMessage:
    """Queue the e-mail for the request's current status (through csc.core.notify, which records it
    about the request); the worker sends it once the change commits. Replies go to the centre."""
    subject, body = message_for(request)
    values = values_for(request)
    return outbound.email(
        purpose=PURPOSE,
        to=request.email,
        subject=fill(subject, values),
        body=fill(body, values),
        reply_to=request.centre.email or "",
        centre=request.centre_id,
        about=request,
        attachments=[(SUMMARY_ATTACHMENT, {"request_id": request.pk})] if attach_summary else [],
    )


def messages_of(request: Request):
    """The e-mails recorded about a request, newest first."""
    return outbound.messages_about(request)
