from django.utils.functional import SimpleLazyObject

from .tenancy import current_centre, visible_centre_ids


def shell(request):
    """What the base template needs: the current centre and whether to show the switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def centres():
        from .models import Centre

        ids = visible_centre_ids(user)
        if len(ids) < 2:
            return []  # nothing to switch to: no query
        return list(Centre.objects.filter(pk__in=ids).only("id", "name"))

    # Lazy: a partial page (an htmx row) never shows the centre, and must not pay for finding it.
    centre = SimpleLazyObject(lambda: current_centre(request))

    def nav_groups():
        from .modules import groups_for

        return groups_for(user, current_centre(request))

    return {"current_centre": centre, "switchable_centres": centres, "nav_groups": nav_groups}
