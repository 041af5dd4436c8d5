"""The public form's table kept between requests (tariffs.cached_tariff_table) follows every change the
director makes: a parent never sees a fee from a replaced grid."""

from datetime import date
from decimal import Decimal

import pytest

from csc.activities import services
from csc.activities.demo import build_leisure_centre
from csc.activities.models import TariffAid, TariffAidAmount, TariffFee
from csc.activities.tariffs import ChildChoice, Family, cached_tariff_table, estimate_fee

D = Decimal


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=date(2026, 11, 21), holiday_start=date(2026, 12, 21))


def fee(leisure) -> Decimal:
    day = leisure.units["day"]
    first = leisure.period.days.first()
    table = cached_tariff_table(leisure.activity)
    child = ChildChoice("1", "Inès", date(2018, 3, 1), leisure.groups[1].pk, ((first.pk, day.pk),))
    return estimate_fee(table, [child], Family(D("400"), "Lille", regime="caf")).total


@pytest.mark.django_db(transaction=True)
def test_the_kept_table_follows_the_grid_the_aids_and_the_fees(leisure):
    assert fee(leisure) == D("4.15")
    assert cached_tariff_table(leisure.activity) is cached_tariff_table(leisure.activity)
    day = leisure.units["day"]
    services.save_tariff_grid(
        activity=leisure.activity,
        rows=[
            services.GridRow(D(0), None, {u.pk: D("5.00") for u in leisure.units.values()}, {}),
        ],
    )
    assert fee(leisure) == D("5.00")
    aid = TariffAid.objects.create(activity=leisure.activity, name="Aide CAF", funder="caf")
    TariffAidAmount.objects.create(aid=aid, unit=day, value=D("2"))
    aid.save()  # the set-up services save the aid after its amounts
    assert fee(leisure) == D("3.00")
    TariffFee.objects.create(
        activity=leisure.activity, kind="par_enfant", name="Frais de dossier", amount=D(10)
    )
    assert fee(leisure) == D("13.00")
