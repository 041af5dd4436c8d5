"""Letters and certificates written once by the centre and generated as PDF for a person of a period.

A template's text is Markdown with a few fields in braces. It is never run as a Django template: a
director writes it, and braces can only ever be replaced by the values listed in FIELDS — an unknown
field stays as typed, so that a typo shows in the letter instead of vanishing.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import formats, timezone

from csc.core.pdf import render_pdf
from csc.core.text import render_markdown

# The fields a template may use, with what they become; shown on the settings page.
FIELDS = {
    "prenom": "le prénom de la personne",
    "nom": "le nom de la personne",
    "date_naissance": "sa date de naissance",
    "adresse": "son adresse (rue, code postal, commune)",
    "date": "la date du jour, en toutes lettres",
    "date_ouverture": "la date d'ouverture du parcours",
    "centre": "le nom du centre",
    "adresse_centre": "l'adresse du centre",
    "commune_centre": "la commune du centre",
    "signataire": "le nom de la personne qui génère le document",
}
FIELD = re.compile(r"\{([a-z_]+)\}")

DEFAULT_TEMPLATES = [
    (
        "certificate",
        "Attestation de suivi",
        "# Attestation\n\n"
        "Je soussigné(e), {signataire}, intervenant(e) social(e) au {centre}, atteste que "
        "**{prenom} {nom}**, né(e) le {date_naissance}, est accompagné(e) par notre centre depuis le "
        "{date_ouverture}.\n\n"
        "Cette attestation est délivrée à la demande de l'intéressé(e) pour servir et valoir ce que de "
        "droit.\n\n"
        "Fait à {commune_centre}, le {date}.\n\n"
        "{signataire}",
    ),
    (
        "letter",
        "Courrier à un organisme",
        "{prenom} {nom}  \n{adresse}\n\n"
        "{commune_centre}, le {date}\n\n"
        "Madame, Monsieur,\n\n"
        "J'accompagne {prenom} {nom} dans ses démarches au {centre}. [Écrivez ici l'objet du "
        "courrier.]\n\n"
        "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.\n\n"
        "{signataire}  \n{centre}, {adresse_centre}",
    ),
]


def _day(value: date | None) -> str:
    return formats.date_format(value, "j F Y") if value else "—"


def values_for(*, period, person, author) -> dict[str, str]:
    centre = period.centre
    address = ", ".join(part for part in (person.address, f"{person.postcode} {person.city}".strip()) if part)
    centre_address = ", ".join(
        part for part in (centre.address, f"{centre.postcode} {centre.city}".strip()) if part
    )
    return {
        "prenom": person.first_name,
        "nom": person.last_name,
        "date_naissance": _day(person.birth_date),
        "adresse": address or "—",
        "date": _day(timezone.localdate()),
        "date_ouverture": _day(period.opened_on),
        "centre": centre.name,
        "adresse_centre": centre_address or "—",
        "commune_centre": centre.city or centre.name,
        "signataire": author.get_full_name() or author.email,
    }


def fill(body: str, values: dict[str, str]) -> str:
    """The template's text with its fields replaced; Markdown characters in a value (a « * » in an
    address) are escaped so that a value never changes the layout."""

    def replace(match):
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return re.sub(r"([\\`*_\[\]#<>!|])", r"\\\1", values[name])

    return FIELD.sub(replace, body)


def unknown_fields(body: str) -> list[str]:
    """The fields in braces a template uses that CSC does not know, to warn the one who writes it."""
    return sorted({name for name in FIELD.findall(body) if name not in FIELDS})


def letter_pdf(template, *, period, person, author) -> bytes:
    body = render_markdown(fill(template.body, values_for(period=period, person=person, author=author)))
    return render_pdf(
        "casework/pdf/letter.html", {"template": template, "centre": period.centre, "body": body}
    )
