"""Demo data of the core: the real network and one staff account per role in two centres."""

import re
import unicodedata

from django.conf import settings

from .models import Centre, Federation, Partner, StaffRole, Territory, User
from .network import load_network
from .roles import CENTRE_ROLES, Role

DEMO_PASSWORD = "demo-csc-2026"
DEMO_CENTRES = ["arbrisseau", "belencontre"]

# The logins the README documents. Changing them means changing the README.
ROLE_LOGIN_NAMES = {
    Role.DIRECTOR: "direction",
    Role.COORDINATOR: "coordination",
    Role.RECEPTION: "accueil",
    Role.ANIMATOR: "animation",
    Role.SOCIAL_WORKER: "social",
    Role.DIGITAL_MEDIATOR: "mediation",
    Role.KIOSK_REFERENT: "borne",
    Role.VOLUNTEER: "benevole",
}


def demo_email(role_name: str, centre_slug: str) -> str:
    return f"{role_name}.{centre_slug}@demo.csc.localhost"


# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def ascii_name(name: str) -> str:
    """An invented name as the local part of an address: ASCII lower case, words joined by hyphens
    ('Lefèvre', « Le Bœuf », « D'Aubigné » -> 'lefevre', 'le-boeuf', 'd-aubigne'). Addresses with accents
    are refused by the platform's own validation (the API's, the forms'), so the demo writes none."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_LIGATURES))
    plain = decomposed.encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def person_email(*names: str, number: int | None = None, domain: str = "example.org") -> str:
    """An invented person's address: 'Élodie', 'Lefèvre', 12 -> 'elodie.lefevre12@example.org'."""
    local = ".".join(part for part in (ascii_name(name) for name in names) if part) or "contact"
    return f"{local}{number if number is not None else ''}@{domain}"


def _demo_user(email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load(faker, stdout):
    counts = load_network(settings.CSC_NETWORK_FILE)
    stdout.write(f"Réseau : {counts['territories']} territoires, {counts['centres']} centres.")
    federation = Federation.objects.get(slug="fcs-npdc")
    for name, kind in [
        ("CAF du Nord", Partner.Kind.CAF),
        ("CCAS de Lille", Partner.Kind.CCAS),
        ("France Travail Roubaix", Partner.Kind.EMPLOYMENT),
        ("Emmaüs Connect Lille", Partner.Kind.ASSOCIATION),
    ]:
        Partner.objects.get_or_create(federation=federation, name=name, defaults={"kind": kind})

    for slug in DEMO_CENTRES:
        centre = Centre.objects.get(slug=slug)
        for role in CENTRE_ROLES:
            login = ROLE_LOGIN_NAMES[role]
            user = _demo_user(demo_email(login, slug), login.capitalize(), centre.name.split()[-1])
            StaffRole.objects.get_or_create(user=user, centre=centre, defaults={"role": role})
    territory = Territory.objects.get(slug="croissant-sud")
    user = _demo_user("territoire.croissant-sud@demo.csc.localhost", "Coordination", "Croissant Sud")
    StaffRole.objects.get_or_create(
        user=user, territory=territory, defaults={"role": Role.TERRITORY_COORDINATOR}
    )
    user = _demo_user("federation@demo.csc.localhost", "Fédération", "Nord Pas-de-Calais")
    StaffRole.objects.get_or_create(user=user, federation=federation, defaults={"role": Role.FEDERATION})
    stdout.write(f"Comptes de démonstration : mot de passe « {DEMO_PASSWORD} ».")
