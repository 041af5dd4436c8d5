"""Who sees what: the only place that turns a user's roles into centre ids.

Every queryset a view shows comes from `Model.objects.visible_to(user)`, which asks this module. The
results are cached on the user object, so a page pays for the roles once however many lists it shows.
"""

from __future__ import annotations

from django.http import Http404

from .roles import capabilities_of


def active_roles(user):
    """The user's active roles, with their scope, cached for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_csc_roles", None)
    if cached is None:
        from .models import StaffRole

        cached = list(
            StaffRole.objects.filter(user=user, is_active=True).select_related(
                "centre__territory", "territory", "federation"
            )
        )
        user._csc_roles = cached
    return cached


def _centres_by_role(user) -> dict[str, set[int]]:
    """Role -> ids of the centres it covers. A territory or federation role covers all their centres."""
    cached = getattr(user, "_csc_centres_by_role", None)
    if cached is not None:
        return cached
    from .models import Centre

    result: dict[str, set[int]] = {}
    for staff_role in active_roles(user):
        if staff_role.centre_id:
            ids = {staff_role.centre_id}
        elif staff_role.territory_id:
            ids = set(
                Centre.objects.filter(territory_id=staff_role.territory_id).values_list("id", flat=True)
            )
        else:
            ids = set(
                Centre.objects.filter(territory__federation_id=staff_role.federation_id).values_list(
                    "id", flat=True
                )
            )
        result.setdefault(staff_role.role, set()).update(ids)
    user._csc_centres_by_role = result
    return result


def visible_centre_ids(user) -> set[int]:
    ids: set[int] = set()
    for centre_ids in _centres_by_role(user).values():
        ids |= centre_ids
    return ids


def centres_with(user, capability: str) -> set[int]:
    """Ids of the centres where the user holds a role granting `capability`."""
    ids: set[int] = set()
    for role, centre_ids in _centres_by_role(user).items():
        if capability in capabilities_of(role):
            ids |= centre_ids
    return ids


def has_capability(user, capability: str, centre=None) -> bool:
    ids = centres_with(user, capability)
    if centre is None:
        return bool(ids)
    centre_id = centre if isinstance(centre, int) else centre.pk
    return centre_id in ids


def requires_second_factor(user) -> bool:
    from django.conf import settings

    required = set(settings.CSC_OTP_REQUIRED_ROLES)
    remembered = getattr(user, "_csc_centres_by_role", None)
    roles = remembered.keys() if remembered is not None else (r.role for r in active_roles(user))
    return any(role in required for role in roles)


def has_confirmed_device(user) -> bool:
    cached = getattr(user, "_csc_has_device", None)
    if cached is None:
        # The authenticator app only: recovery codes exist only beside it (csc/core/recovery.py), and
        # one query instead of one per kind of device.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        cached = user._csc_has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return cached


def second_factor_missing(request) -> str | None:
    """Why this logged-in session may not reach staff data yet: "verify" (a code is due), "setup"
    (the role requires TOTP and none is set up), or None when it may."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if has_confirmed_device(user):
        return "verify"
    if requires_second_factor(user):
        return "setup"
    return None


# --- What a session remembers between requests -----------------------------------------------------
#
# Every staff request needs the centres of the user's roles and whether they have a second factor: two
# queries, a third of the cost of a tap on the attendance sheet. The session keeps both, stamped with
# the account's `security_stamp`, which any change of a role or a device moves on (csc/core/signals.py);
# the user row is read on every request anyway, so a stale memory is noticed at no cost. Territory and
# federation roles are never remembered: their centres change when a centre joins the network.

SESSION_KEY = "csc_security"


def recall_security_state(request) -> None:
    """Give the request's user what the session remembers, if it is still true."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not hasattr(request, "session"):
        return
    remembered = request.session.get(SESSION_KEY)
    if not remembered or remembered.get("stamp") != user.security_stamp:
        return
    user._csc_centres_by_role = {role: set(ids) for role, ids in remembered["centres_by_role"].items()}
    user._csc_has_device = remembered["has_device"]
    request._csc_security_recalled = True


def remember_security_state(request, user=None) -> None:
    """Keep the user's roles and device flag in the session: at login (the session is written then
    anyway), and after a request that had to look them up again because the stamp moved."""
    user = user or getattr(request, "user", None)
    if getattr(request, "_csc_security_recalled", False) or not getattr(user, "is_authenticated", False):
        return
    if not hasattr(request, "session"):
        return
    roles = active_roles(user)
    if any(role.centre_id is None for role in roles):
        return
    by_role = _centres_by_role(user)
    has_device = has_confirmed_device(user)
    request.session[SESSION_KEY] = {
        "stamp": user.security_stamp,
        "centres_by_role": {role: sorted(ids) for role, ids in by_role.items()},
        "has_device": has_device,
    }


def current_centre(request):
    """The centre the staff member is working in, chosen with the switcher and kept in the session.

    Falls back to the first centre they can see. Returns None for a user without any centre.
    """
    from .models import Centre

    ids = visible_centre_ids(request.user)
    if not ids:
        return None
    chosen = request.session.get("csc_centre_id")
    if chosen not in ids:
        chosen = min(ids)
    cached = getattr(request, "_csc_current_centre", None)
    if cached is not None and cached.pk == chosen:
        return cached
    # Most staff work in the centre of one of their roles, already loaded with them: no query.
    from_roles = next((r.centre for r in active_roles(request.user) if r.centre_id == chosen), None)
    request._csc_current_centre = from_roles or Centre.objects.select_related("territory").get(pk=chosen)
    return request._csc_current_centre


def require_capability(request, capability: str, centre=None):
    """For views: the centre to act on, or a 404 when the user lacks the capability there.

    A 404 rather than a 403 so that a user of another centre cannot even learn that an object exists.
    """
    centre = centre or current_centre(request)
    if centre is None or not has_capability(request.user, capability, centre):
        raise Http404
    return centre
