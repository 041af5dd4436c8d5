"""Any change to what the tariffs read drops the activity's cached table (tariffs.cached_tariff_table).

Only the rows every change goes through are watched: a grid is always saved whole with its TariffGrid
row (tariff_setup.save_grid), an aid with its TariffAid row; watching the thousands of cells of a grid
would make each save load them all for the delete signals.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from .models import Activity, CommuneList, Group, TariffAid, TariffFee, TariffGrid, Unit
from .tariffs import forget_tariff_table


@receiver([post_save, post_delete], sender=TariffGrid)
@receiver([post_save, post_delete], sender=TariffAid)
@receiver([post_save, post_delete], sender=TariffFee)
@receiver([post_save, post_delete], sender=Unit)
@receiver([post_save, post_delete], sender=Group)
def _activity_part_changed(sender, instance, **kwargs):
    forget_tariff_table(instance.activity_id)


@receiver([post_save, post_delete], sender=Activity)
def _activity_changed(sender, instance, **kwargs):
    forget_tariff_table(instance.pk)


@receiver([post_save, pre_delete], sender=CommuneList)
def _commune_list_changed(sender, instance, **kwargs):
    for activity_id in instance.activities.values_list("pk", flat=True):
        forget_tariff_table(activity_id)


@receiver(m2m_changed, sender=Unit.groups.through)
def _unit_groups_changed(sender, instance, **kwargs):
    # `instance` is the unit, or the group when the change was made from the group's side.
    forget_tariff_table(instance.activity_id)


@receiver(m2m_changed, sender=Activity.resident_commune_lists.through)
def _activity_lists_changed(sender, instance, reverse, pk_set, **kwargs):
    if isinstance(instance, Activity):
        forget_tariff_table(instance.pk)
    else:
        for activity_id in instance.activities.values_list("pk", flat=True):
            forget_tariff_table(activity_id)
