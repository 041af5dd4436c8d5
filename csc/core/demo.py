"""Demo data of the core: the real network and one staff account per role in two centres."""

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
