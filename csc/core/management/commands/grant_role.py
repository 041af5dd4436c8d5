from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from csc.core import audit
from csc.core.models import Centre, Federation, StaffRole, Territory, User
from csc.core.roles import CENTRE_ROLES, Role


class Command(BaseCommand):
    help = (
        "Donne un rôle à un compte (créé sans mot de passe s'il n'existe pas : il choisira le sien avec "
        "« Mot de passe oublié »). Sert à nommer la première direction d'un centre."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--centre", help="slug du centre")
        scope.add_argument("--territory", help="slug du territoire")
        scope.add_argument("--federation", help="slug de la fédération")

    @transaction.atomic
    def handle(self, *args, email, role, centre=None, territory=None, federation=None, **options):
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
        user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(email=email)
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
