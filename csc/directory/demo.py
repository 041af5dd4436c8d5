"""Demo directory: every centre of the network as an entry (the kiosk reads its reception hours there),
and a few public places of Lille and Roubaix that help with online procedures. Their hours are examples:
the description says so, and a centre checks them before pointing a resident there."""

from datetime import time
from decimal import Decimal

from csc.core.demo import demo_email
from csc.core.models import Centre, User

from .corrections import propose
from .models import ServiceCategory, Structure
from .services import check_week, entry_of_centre, intervals_on

EXAMPLE = "Exemple de démonstration : vérifiez les horaires avant d'y envoyer quelqu'un."
WEEKDAYS_9_TO_18 = [[(time(9), time(12)), (time(14), time(18))]] * 5 + [[], []]

PLACES = [
    {
        "name": "Médiathèque Jean Lévy",
        "kind": Structure.Kind.LIBRARY,
        "address": "32-34 rue Édouard Delesalle",
        "postcode": "59000",
        "city": "Lille",
        "latitude": Decimal("50.63370"),
        "longitude": Decimal("3.06280"),
        "website": "https://www.bm-lille.fr",
        "categories": ["ordinateur-libre", "ateliers-numeriques"],
        "week": [[], [(time(10), time(19))], [(time(10), time(19))], [(time(10), time(19))]]
        + [[(time(10), time(19))], [(time(10), time(18))], []],
    },
    {
        "name": "Mairie de Lille — accueil des habitants",
        "kind": Structure.Kind.TOWN_HALL,
        "address": "Place Augustin Laurent",
        "postcode": "59000",
        "city": "Lille",
        "latitude": Decimal("50.63110"),
        "longitude": Decimal("3.07010"),
        "website": "https://www.lille.fr",
        "categories": ["demarches-en-ligne", "acces-aux-droits"],
        "week": [[(time(8, 30), time(17))]] * 5 + [[], []],
    },
    {
        "name": "Médiathèque La Grand-Plage",
        "kind": Structure.Kind.LIBRARY,
        "address": "2 rue Pierre Motte",
        "postcode": "59100",
        "city": "Roubaix",
        "latitude": Decimal("50.69090"),
        "longitude": Decimal("3.17860"),
        "website": "https://www.mediathequederoubaix.fr",
        "categories": ["ordinateur-libre", "ateliers-numeriques"],
        "week": [[], [(time(13), time(18))], [(time(10), time(18))], [(time(13), time(18))]]
        + [[(time(13), time(18))], [(time(10), time(18))], []],
    },
]


def load(faker, stdout):
    if Structure.objects.exists():
        stdout.write("Annuaire des structures déjà présent.")
        return
    categories = {c.slug: c for c in ServiceCategory.objects.all()}
    centres = list(Centre.objects.select_related("territory").order_by("slug"))
    for centre in centres:
        structure = entry_of_centre(centre)
        structure.description = (
            "Accueil, aide aux démarches en ligne avec la borne du hall, ateliers numériques. " + EXAMPLE
        )
        structure.hours = check_week(WEEKDAYS_9_TO_18)
        structure.save()
        structure.categories.set(
            [
                categories[s]
                for s in ("demarches-en-ligne", "ateliers-numeriques", "familles")
                if s in categories
            ]
        )
    federation_id = centres[0].territory.federation_id if centres else None
    if federation_id is None:
        return
    for place in PLACES:
        place = dict(place)
        slugs, week = place.pop("categories"), place.pop("week")
        structure = Structure.objects.create(
            federation_id=federation_id, description=EXAMPLE, hours=check_week(week), **place
        )
        structure.categories.set([categories[s] for s in slugs if s in categories])
    proposed = _demo_correction()
    stdout.write(
        f"Annuaire : {len(centres)} centres et {len(PLACES)} autres lieux"
        + (", une correction proposée à l'Arbrisseau." if proposed else ".")
    )


def _demo_correction() -> bool:
    """Belencontre's reception proposes a correction to the Arbrisseau's entry: what
    accueil.arbrisseau finds waiting on the staff home (« 1 correction de l'annuaire à examiner »)."""
    owner = Structure.objects.filter(centre__slug="arbrisseau").select_related("centre").first()
    proposer = Centre.objects.filter(slug="belencontre").first()
    author = User.objects.filter(email=demo_email("accueil", "belencontre")).first()
    if owner is None or proposer is None or author is None:
        return False
    corrected = Structure.objects.get(pk=owner.pk)
    corrected.hours_note = "Fermé le samedi pendant les vacances scolaires"
    propose(
        owner,
        corrected,
        categories=list(owner.categories.all()),
        week=[intervals_on(owner, day) for day in range(7)],
        comment="Affiche vue à votre accueil : elle dit que vous fermez le samedi pendant les vacances.",
        centre=proposer,
        user=author,
    )
    return True
