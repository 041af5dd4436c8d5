from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from csc.core import audit
from csc.core.identifiers import normalise_email
from csc.core.models import Centre, Federation, StaffRole, Territory, User
from csc.core.roles import CENTRE_ROLES, Role
from csc.core.services import invitation_link


class Command(BaseCommand):
    help = (
        "Donne un rôle à un compte, créé s'il n'existe pas. Un compte sans mot de passe reçoit un lien, "
        "affiché ici et valable trois jours, pour choisir le sien. Sert à nommer la première direction."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument(
            "--base-url",
            default=None,
            help="adresse publique de la plateforme, pour le lien (par exemple https://csc.exemple.fr/) ; "
            "CSC_PUBLIC_URL par défaut",
        )
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--centre", help="slug du centre")
        scope.add_argument("--territory", help="slug du territoire")
        scope.add_argument("--federation", help="slug de la fédération")

    @transaction.atomic
    def handle(self, *args, email, role, base_url, centre=None, territory=None, federation=None, **options):
        base_url = base_url or settings.CSC_PUBLIC_URL
        if not base_url:
            raise CommandError(
                "Adresse du site inconnue pour le lien : réglez CSC_PUBLIC_URL ou ajoutez --base-url "
                "https://csc.exemple.fr/."
            )
        scope = {}
        try:
            if centre:
                scope["centre"] = Centre.objects.get(slug=centre)
            elif territory:
                scope["territory"] = Territory.objects.get(slug=territory)
            else:
                scope["federation"] = Federation.objects.get(slug=federation)
        except (Centre.DoesNotExist, Territory.DoesNotExist, Federation.DoesNotExist):
            raise CommandError(
                "Aucun centre, territoire ou fédération ne porte ce nom court (slug)."
            ) from None
        expected = (
            role in CENTRE_ROLES
            if centre
            else role == (Role.TERRITORY_COORDINATOR if territory else Role.FEDERATION)
        )
        if not expected:
            raise CommandError("Ce rôle ne s'attribue pas à ce niveau (centre, territoire ou fédération).")
        email = normalise_email(email)
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n'est pas une adresse e-mail valide.") from None
        user = User.objects.for_identifier(email) or User.objects.create_user(email=email)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        staff_role, created = StaffRole.objects.update_or_create(
            user=user, **scope, defaults={"role": role, "is_active": True}
        )
        audit.record(
            "role_granted",
            centre=scope.get("centre"),
            obj=staff_role,
            detail=f"compte {user.pk} : {role} (commande)",
        )
        self.stdout.write(self.style.SUCCESS(f"{user.email} : {Role(role).label} — {staff_role.scope}."))
        if not user.has_usable_password():
            # "Mot de passe oublié" ignores accounts that never had a password: give the invitation link.
            self.stdout.write(
                f"Lien pour choisir le mot de passe (trois jours) : {invitation_link(user, base_url)}"
            )
