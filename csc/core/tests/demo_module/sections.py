from csc.core.registry import Section
from csc.core.tenancy import has_capability

from .module import DEMO_VIEW


def household(request, household):
    if not has_capability(request.user, DEMO_VIEW, household.centre_id):
        return None
    return Section("Démonstration", "demo_module/section.html", {"what": f"foyer n° {household.pk}"})


def person(request, person):
    return Section("Démonstration", "demo_module/section.html", {"what": f"personne n° {person.pk}"})
