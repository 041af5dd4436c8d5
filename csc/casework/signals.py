"""The household's history for the case file: every arrival, departure or change of relation in a
household is written down when the membership changes, from whichever screen (a household's page, a
merge of duplicates, the API)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from csc.people.models import Household, HouseholdMember, Person

from .models import HouseholdChange

Change = HouseholdChange.Change


@receiver(pre_save, sender=HouseholdMember, dispatch_uid="casework-household-before")
def remember_previous_membership(sender, instance, raw=False, **kwargs):
    # The journal refreshes the loaded values after the save: read them before it.
    loaded = getattr(instance, "_loaded_values", None) or {}
    instance._casework_before = (
        (loaded.get("household_id"), loaded.get("person_id"), loaded.get("relation")) if loaded else None
    )


@receiver(post_save, sender=HouseholdMember, dispatch_uid="casework-household-saved")
def note_membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_casework_before", None)
    now = (instance.household_id, instance.person_id, instance.relation)
    changes = []
    if created or before is None:
        changes.append((instance.household_id, instance.person_id, Change.JOINED, instance.relation))
    elif before[:2] != now[:2]:
        # Moved by a merge: a departure from the old household (or of the old person), an arrival here.
        changes.append((before[0], before[1], Change.LEFT, before[2]))
        changes.append((instance.household_id, instance.person_id, Change.JOINED, instance.relation))
    elif before[2] != instance.relation:
        changes.append((instance.household_id, instance.person_id, Change.RELATION, instance.relation))
    HouseholdChange.objects.bulk_create(
        [
            HouseholdChange(household_id=household, person_id=person, change=change, relation=relation)
            for household, person, change, relation in changes
        ]
    )


@receiver(post_delete, sender=HouseholdMember, dispatch_uid="casework-household-deleted")
def note_membership_deleted(sender, instance, **kwargs):
    # Written once the transaction is over: when the household or the person itself is being deleted,
    # the membership goes first and the history must not be written (it goes with them).
    household_id, person_id, relation = instance.household_id, instance.person_id, instance.relation

    def write():
        if (
            Household.objects.filter(pk=household_id).exists()
            and Person.objects.filter(pk=person_id).exists()
        ):
            HouseholdChange.objects.create(
                household_id=household_id, person_id=person_id, change=Change.LEFT, relation=relation
            )

    transaction.on_commit(write)
