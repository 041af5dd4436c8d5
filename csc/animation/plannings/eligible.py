"""Who and what may be put on a planning: the centre's team, the projects' objectives, the sheets the
centre may read. The operations check against these and the pages offer them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from csc.core.roles import Role

from ..models import ActivitySheet, Objective, Planning

# Who may be named on an entry: the roles that lead activities with children.
ANIMATOR_ROLES = (Role.ANIMATOR, Role.DIGITAL_MEDIATOR, Role.COORDINATOR, Role.DIRECTOR)


def eligible_animators(centre_id: int):
    """The staff of the centre who lead activities: animators, digital mediators, coordinators and
    directors with an active role there."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__centre_id=centre_id,
            staff_roles__role__in=ANIMATOR_ROLES,
            staff_roles__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def project_objectives(planning: Planning):
    """The objectives the planning is meant to serve: those of the centre's project and of the
    activity's project."""
    return (
        Objective.objects.filter(centre_id=planning.centre_id, project__centre_id=planning.centre_id)
        .filter(Q(project__activity__isnull=True) | Q(project__activity_id=planning.activity_id))
        .select_related("project")
        .order_by(F("project__activity_id").asc(nulls_first=True), "position", "id")
    )


def sheet_is_readable(sheet: ActivitySheet, centre_id: int) -> bool:
    """The rule of `ActivitySheetQuerySet.readable_in`, for a sheet already loaded."""
    return sheet.centre_id == centre_id or (
        sheet.visibility == ActivitySheet.Visibility.NETWORK
        and sheet.status == ActivitySheet.Status.PUBLISHED
    )
