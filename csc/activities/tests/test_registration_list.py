"""The staff list of an activity's registrations (« Inscriptions »): filters, sorts, pages, totals,
constant queries, bad input, tenancy."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from csc.activities.demo import build_leisure_centre
from csc.activities.lists import queries
from csc.activities.models import BookedUnit, Period, Registration
from csc.testing.factories import HouseholdFactory, PersonFactory
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=timezone.localdate())


def register(
    leisure,
    last_name,
    first_name,
    *,
    group=0,
    days=3,
    meals=0,
    amount="10.00",
    birth=None,
    status=Registration.Status.ACTIVE,
    household_name=None,
    city="",
    period=None,
):
    period = period or leisure.period
    centre = leisure.activity.centre
    household = HouseholdFactory(centre=centre, name=household_name or f"Famille {last_name}", city=city)
    child = PersonFactory(
        centre=centre, last_name=last_name, first_name=first_name, birth_date=birth or date(2019, 5, 1)
    )
    registration = Registration.objects.create(
        centre=centre,
        period=period,
        group=leisure.groups[group],
        child=child,
        household=household,
        status=status,
        amount=Decimal(amount),
    )
    period_days = list(period.days.all())[:days]
    BookedUnit.objects.bulk_create(
        [
            BookedUnit(registration=registration, day=d, unit=leisure.units["day"], price=1)
            for d in period_days
        ]
        + [
            BookedUnit(registration=registration, day=d, unit=leisure.units["meal"], price=1)
            for d in period_days[:meals]
        ]
    )
    return registration


def url(leisure, **params):
    return reverse("activities:registrations", args=[leisure.activity.pk]), params


def get(client, leisure, **params):
    path, params = url(leisure, **params)
    return client.get(path, params)


def names(response):
    """The last names of the children listed, in order."""
    return [row.child.split(" ")[0] for row in response.context["rows"]]


def test_the_list_shows_each_child_with_days_units_amount_and_links(client, reception_a, leisure):
    registration = register(leisure, "Lefèvre", "Élodie", days=4, meals=2, amount="23.50")
    client.force_login(reception_a)
    response = get(client, leisure)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Lefèvre Élodie" in text
    assert "4 j · 2 repas" in text
    assert "23,50" in text
    page = response.content.decode()
    assert reverse("people:person_detail", args=[registration.child_id]) in page
    assert reverse("people:household_detail", args=[registration.household_id]) in page
    # A ten-day holiday is short: the dates booked are listed.
    first = leisure.period.days.first().date
    assert first.strftime("%d/%m") in text


def test_filters_by_group_status_and_accent_free_text(client, reception_a, leisure):
    register(leisure, "Lefèvre", "Élodie", group=0)
    register(leisure, "Martin", "Hugo", group=1, city="Roubaix")
    register(leisure, "Diallo", "Awa", group=1, status=Registration.Status.CANCELLED)
    client.force_login(reception_a)
    all_active = get(client, leisure)
    assert set(names(all_active)) == {"Lefèvre", "Martin"}
    group = get(client, leisure, groupe=leisure.groups[1].pk)
    assert names(group) == ["Martin"]
    cancelled = get(client, leisure, statut="annulee")
    assert names(cancelled) == ["Diallo"]
    everyone = get(client, leisure, statut="tous")
    assert len(names(everyone)) == 3
    assert names(get(client, leisure, q="LEFEVRE elo")) == ["Lefèvre"]
    # The household's commune is searched too.
    assert names(get(client, leisure, q="roubaix")) == ["Martin"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("enfant", ["Arnaud", "Bertin", "Collin"]),
        ("-enfant", ["Collin", "Bertin", "Arnaud"]),
        ("age", ["Bertin", "Collin", "Arnaud"]),
        ("-age", ["Arnaud", "Collin", "Bertin"]),
        ("groupe", ["Collin", "Arnaud", "Bertin"]),
        ("-groupe", ["Bertin", "Arnaud", "Collin"]),
        ("montant", ["Bertin", "Collin", "Arnaud"]),
        ("-montant", ["Arnaud", "Collin", "Bertin"]),
        ("inscription", ["Collin", "Arnaud", "Bertin"]),
        ("-inscription", ["Bertin", "Arnaud", "Collin"]),
    ],
)
def test_every_sort_both_ways(client, reception_a, leisure, sort, expected):
    register(leisure, "Collin", "C", group=0, amount="20", birth=date(2018, 1, 1))
    register(leisure, "Arnaud", "A", group=1, amount="30", birth=date(2016, 1, 1))
    register(leisure, "Bertin", "B", group=2, amount="10", birth=date(2020, 1, 1))
    client.force_login(reception_a)
    assert names(get(client, leisure, tri=sort)) == expected


def test_totals_cover_the_whole_filtered_set_not_only_the_page(client, reception_a, leisure):
    for index in range(30):
        register(leisure, f"Enfant{index:02}", "X", days=2, meals=1, amount="5.25")
    register(leisure, "Annulé", "Y", status=Registration.Status.CANCELLED, amount="99")
    client.force_login(reception_a)
    response = get(client, leisure, par=25)
    assert len(response.context["rows"]) == 25
    totals = response.context["totals"]
    # The days come in a second request once the page is shown (htmx), or inline through the link.
    assert (totals.children, totals.days, totals.amount) == (30, None, Decimal("157.50"))
    assert "157,50" in visible_text(response)
    assert "Compter les jours" in visible_text(response)
    inline = get(client, leisure, par=25, jours=1)
    assert inline.context["totals"].days == 60
    assert "60 j" in visible_text(inline)
    path, params = url(leisure, par=25, jours=1)
    fragment = client.get(path, params, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().strip() == "60 j"
    second = get(client, leisure, par=25, page=2)
    assert len(second.context["rows"]) == 5
    assert get(client, leisure, par=25, page=2, q="enfant0", jours=1).context["totals"].days == 20


@pytest.mark.parametrize("count", [10, 100])
def test_the_days_total_costs_the_same_queries_whatever_the_rows(
    client, reception_a, leisure, count, django_assert_max_num_queries
):
    for index in range(count):
        register(leisure, f"Enfant{index:03}", "X", days=2)
    client.force_login(reception_a)
    path, params = url(leisure, jours=1)
    client.get(path, params, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(7):
        fragment = client.get(path, params, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().strip() == f"{2 * count} j"


def test_the_default_period_is_the_current_or_next_one(leisure):
    today = timezone.localdate()
    past = Period.objects.create(
        activity=leisure.activity,
        name="Passée",
        registration_opens_on=today - timedelta(days=90),
        registration_closes_on=today - timedelta(days=80),
    )
    past.days.create(date=today - timedelta(days=60))
    periods = queries.periods_with_days(leisure.activity)
    assert queries.default_period(periods, today) == leisure.period
    last_day = leisure.period.days.last().date
    assert queries.default_period(periods, last_day) == leisure.period
    assert queries.default_period(periods, last_day + timedelta(days=5)) == leisure.period
    assert queries.default_period(periods, today - timedelta(days=60)) == past


@pytest.mark.parametrize("count", [10, 100])
def test_a_page_costs_the_same_queries_whatever_its_rows(
    client, reception_a, leisure, count, django_assert_max_num_queries
):
    for index in range(count):
        register(leisure, f"Enfant{index:03}", "X", days=5, meals=3)
    client.force_login(reception_a)
    get(client, leisure, par=100)  # the session and the user are loaded once
    with django_assert_max_num_queries(11) as captured:
        response = get(client, leisure, par=100)
    assert len(response.context["rows"]) == count
    # The same number for 10 and for 100 rows: recorded for the other parametrisation to compare.
    QUERY_COUNTS[count] = len(captured)
    if len(QUERY_COUNTS) == 2:
        assert QUERY_COUNTS[10] == QUERY_COUNTS[100]


QUERY_COUNTS: dict[int, int] = {}


def test_a_long_period_gives_the_count_without_the_dates(client, reception_a, leisure):
    today = timezone.localdate()
    year = Period.objects.create(
        activity=leisure.activity,
        name="Année",
        registration_opens_on=today,
        registration_closes_on=today + timedelta(days=1),
    )
    for offset in range(20):
        year.days.create(date=today + timedelta(days=100 + offset))
    register(leisure, "Long", "Année", days=15, meals=15, period=year)
    client.force_login(reception_a)
    response = get(client, leisure, periode=year.pk)
    assert "15 j · 15 repas" in visible_text(response)
    assert response.context["short"] is False


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tri": "n'importe"}, "Ce tri n'existe pas"),
        ({"page": "abc"}, None),
        ({"page": "99999999999999999999"}, None),
        ({"periode": "abc"}, "période"),
        ({"groupe": "-1"}, "Ce groupe n'est pas un groupe de l'activité"),
        ({"statut": "tout-le-monde"}, "Statut inconnu"),
        ({"par": "100000"}, "lignes par page"),
        ({"q": "a\x00b"}, None),
    ],
)
def test_bad_input_is_told_or_ignored_never_a_500(client, reception_a, leisure, params, message):
    register(leisure, "Martin", "Hugo")
    client.force_login(reception_a)
    response = get(client, leisure, **params)
    assert response.status_code == 200
    if message:
        assert message in visible_text(response)


def test_another_activitys_period_or_group_is_refused(client, reception_a, leisure, centre_b):
    foreign = build_leisure_centre(centre_b, today=timezone.localdate())
    register(leisure, "Martin", "Hugo")
    client.force_login(reception_a)
    response = get(client, leisure, periode=foreign.period.pk, groupe=foreign.groups[0].pk)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Cette période n'est pas une période de l'activité" in text
    assert "Ce groupe n'est pas un groupe de l'activité" in text
    assert response.context["period"] == leisure.period
    assert names(response) == ["Martin"]


def test_another_centres_activity_is_a_404(client, reception_a, centre_b):
    foreign = build_leisure_centre(centre_b, today=timezone.localdate())
    client.force_login(reception_a)
    response = client.get(reverse("activities:registrations", args=[foreign.activity.pk]))
    assert response.status_code == 404


def test_an_activity_without_period_says_so(client, director_a, centre_a):
    from csc.activities.models import Activity

    activity = Activity.objects.create(centre=centre_a, name="Atelier")
    client.force_login(director_a)
    response = client.get(reverse("activities:registrations", args=[activity.pk]))
    assert response.status_code == 200
    assert "aucune période" in visible_text(response)


def test_the_activity_and_period_pages_link_to_the_list(client, director_a, leisure):
    client.force_login(director_a)
    target = reverse("activities:registrations", args=[leisure.activity.pk])
    assert (
        target
        in client.get(reverse("activities:activity_detail", args=[leisure.activity.pk])).content.decode()
    )
    period_page = client.get(reverse("activities:period_detail", args=[leisure.period.pk])).content.decode()
    assert f"{target}?periode={leisure.period.pk}" in period_page


def test_the_index_lists_the_centres_activities_with_periods_for_reception(
    client, reception_a, leisure, centre_b, django_assert_max_num_queries
):
    from csc.activities.models import Activity

    Activity.objects.create(centre=leisure.activity.centre, name="Atelier sans période")
    foreign = build_leisure_centre(centre_b, today=timezone.localdate())
    register(leisure, "Martin", "Hugo")
    client.force_login(reception_a)
    path = reverse("activities:registration_index")
    client.get(path)
    with django_assert_max_num_queries(6):
        response = client.get(path)
    page = response.content.decode()
    assert reverse("activities:registrations", args=[leisure.activity.pk]) in page
    assert reverse("activities:registrations", args=[foreign.activity.pk]) not in page
    assert "Atelier sans période" not in page
    assert [a.registration_count for a in response.context["page"]] == [1]
    # The staff home offers it as a tile.
    assert path in client.get("/espace/").content.decode()
