from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .middleware import client_ip


@receiver(user_logged_in, dispatch_uid="audit-login")
def journal_login(sender, request, user, **kwargs):
    audit.record("login", actor=user, ip=client_ip(request) if request else None)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def journal_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", actor=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def journal_failed_login(sender, credentials, request=None, **kwargs):
    """The attempted e-mail is not kept (it may be a mistyped password); the account, if it exists, is."""
    from .models import User

    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    audit.record(
        "login_failed",
        actor=user,
        ip=client_ip(request) if request else None,
        detail="" if user else "compte inconnu",
    )
