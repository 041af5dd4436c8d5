"""Operations on the network, staff accounts, roles and tokens. One transaction each, journaled."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit, notify
from .identifiers import normalise_email
from .models import ApiToken, Centre, StaffRole, User
from .roles import CENTRE_ROLES, Role


class StaffError(Exception):
    """A staff operation refused for a reason the director must read."""


def invitation_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("core:invitation_accept", args=[uid, token])


@transaction.atomic
def invite_staff(
    *, centre: Centre, email: str, first_name: str, last_name: str, role: str, actor: User, base_url: str
) -> StaffRole:
    """Give a role in the centre to a person, creating their account if needed, and e-mail them.

    A new account has no password: the e-mail's link lets them choose one (valid three days).
    """
    if role not in CENTRE_ROLES:
        raise StaffError("Ce rôle ne s'attribue pas dans un centre.")
    email = normalise_email(email)
    user = User.objects.for_identifier(email)
    created = user is None
    if created:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    staff_role = StaffRole.objects.filter(user=user, centre=centre).first()
    # Someone who never used their invitation (expired link) can be invited again.
    if staff_role and staff_role.is_active and user.has_usable_password():
        raise StaffError("Cette personne fait déjà partie de l'équipe du centre.")
    if staff_role:
        staff_role.role, staff_role.is_active = role, True
        staff_role.save()
    else:
        staff_role = StaffRole.objects.create(user=user, centre=centre, role=role)
    if not user.is_active:
        # Only an account switched off because it left its last team comes back with an invitation;
        # one disabled by the network's administration while it still holds roles stays off.
        if StaffRole.objects.filter(user=user, is_active=True).exclude(pk=staff_role.pk).exists():
            raise StaffError(
                "Ce compte a été désactivé par l'administration du réseau : adressez-vous à elle."
            )
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit.record("role_granted", centre=centre, obj=staff_role, detail=f"compte {user.pk} : {role}")
    context = {
        "user": user,
        "centre": centre,
        "role": Role(role).label,
        "inviter": actor,
        "link": invitation_link(user, base_url) if created or not user.has_usable_password() else None,
        "login_url": base_url.rstrip("/") + reverse("core:login"),
    }
    # Queued, sent by the worker once the invitation commits; secret when it carries the link that sets
    # the password, so that the record of messages keeps no way into the account.
    notify.email(
        purpose="staff.invitation",
        to=user.email,
        subject=f"Invitation à rejoindre l'équipe de {centre.name} sur CSC",
        body=render_to_string("core/emails/invitation.txt", context),
        centre=centre,
        about=staff_role,
        secret=context["link"] is not None,
    )
    audit.record("invitation", centre=centre, obj=staff_role)
    return staff_role


@transaction.atomic
def change_role(*, staff_role: StaffRole, role: str, actor: User) -> StaffRole:
    if role not in CENTRE_ROLES:
        raise StaffError("Ce rôle ne s'attribue pas dans un centre.")
    if staff_role.user_id == actor.pk and role != Role.DIRECTOR:
        raise StaffError("Vous ne pouvez pas retirer votre propre rôle de direction.")
    previous = staff_role.role
    staff_role.role = role
    staff_role.save(update_fields=["role"])
    audit.record("role_changed", centre=staff_role.centre_id, obj=staff_role, detail=f"{previous} → {role}")
    return staff_role


@transaction.atomic
def deactivate_role(*, staff_role: StaffRole, actor: User) -> StaffRole:
    """Remove a staff member from the centre. The account stays for their other centres, if any."""
    if staff_role.user_id == actor.pk:
        raise StaffError("Vous ne pouvez pas vous retirer vous-même de l'équipe.")
    staff_role.is_active = False
    staff_role.save(update_fields=["is_active"])
    audit.record("role_revoked", centre=staff_role.centre_id, obj=staff_role, detail=staff_role.role)
    if not StaffRole.objects.filter(user_id=staff_role.user_id, is_active=True).exists():
        # No centre left: the account can no longer log in, and its tokens stop working.
        User.objects.filter(pk=staff_role.user_id).update(is_active=False)
    return staff_role


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(secret), hint=secret[-4:])
    audit.record("token_created", actor=user, obj=token)
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token_revoked", actor=actor, obj=token)
    return token


def authenticate_token(secret: str) -> User | None:
    """The active user holding this token, or None. Marks the token used (at most once a minute)."""
    if not secret or not secret.startswith(ApiToken.PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(secret)).first()
    if token is None or token.revoked_at or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def update_centre_settings(*, centre: Centre, retention_months: int, actor: User) -> Centre:
    centre.retention_months = retention_months
    centre.save(update_fields=["retention_months"])
    audit.record("settings", centre=centre, obj=centre, detail=f"conservation : {retention_months} mois")
    return centre
