from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .middleware import client_ip
from .tenancy import remember_security_state


@receiver(user_logged_in, dispatch_uid="audit-login")
def journal_login(sender, request, user, **kwargs):
    audit.record("login", actor=user, ip=client_ip(request) if request else None)
    if request is not None:
        # The account object may predate its last role change (a stamp moved since it was loaded).
        user.refresh_from_db(fields=["security_stamp"])
        remember_security_state(request, user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def journal_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", actor=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def journal_failed_login(sender, credentials, request=None, **kwargs):
    """The attempted e-mail is not kept (it may be a mistyped password); the account, if it exists, is."""
    from .models import User

    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = User.objects.for_identifier(email)
    audit.record(
        "login_failed",
        actor=user,
        ip=client_ip(request) if request else None,
        detail="" if user else "compte inconnu",
    )


def move_security_stamp(sender, instance, **kwargs):
    """A role or a second-factor device changed: sessions of that account forget what they remembered."""
    from .models import User

    if instance.user_id:
        User.objects.filter(pk=instance.user_id).update(security_stamp=F("security_stamp") + 1)


for _model in ("core.StaffRole", TOTPDevice):
    post_save.connect(move_security_stamp, sender=_model, dispatch_uid=f"security-stamp-save-{_model}")
    post_delete.connect(move_security_stamp, sender=_model, dispatch_uid=f"security-stamp-delete-{_model}")


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="recovery-codes-follow-totp")
def drop_recovery_codes_without_totp(sender, instance, **kwargs):
    """Recovery codes stand in for the phone: once the account has no authenticator app left (disabled
    from the profile, or the device deleted in the technical administration after a lost phone), they
    must not remain a second factor of their own."""
    if not TOTPDevice.objects.filter(user_id=instance.user_id, confirmed=True).exists():
        StaticDevice.objects.filter(user_id=instance.user_id).delete()
