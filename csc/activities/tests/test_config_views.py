"""The set-up screens of leisure centres (« Réglages des activités »), as a director uses them.

Each test says what the director sees and what the data becomes; bad input must come back with a
French message on the right field or row, the rest of the typing kept, and nothing saved.
"""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from csc.activities import capacity
from csc.activities.demo import build_leisure_centre
from csc.activities.models import (
    Activity,
    BookedUnit,
    Group,
    GroupDay,
    Period,
    Registration,
    TariffAid,
    TariffAidAmount,
    TariffFee,
    TariffGrid,
    TariffPrice,
    Unit,
)
from csc.people.models import MembershipFee, Season
from csc.testing.factories import HouseholdFactory, PersonFactory

D = Decimal
TODAY = date(2026, 11, 21)
HOLIDAYS = date(2026, 12, 21)  # a Monday


@pytest.fixture(autouse=True)
def _no_second_factor(otp_verified):
    """Directors must set up TOTP in production; that path is tested in core."""


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, holiday_start=HOLIDAYS)


@pytest.fixture
def director(login, director_a):
    return login(director_a)


def text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).replace("\u00a0", " ").replace("\u202f", " ")


def input_value(response, name) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', response.content.decode())
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def every_url(leisure):
    activity, group, unit, period = leisure.activity, leisure.groups[0], leisure.units["meal"], leisure.period
    return [
        reverse("activities:season_list"),
        reverse("activities:season_create"),
        reverse("activities:season_edit", args=[leisure.season.pk]),
        reverse("activities:season_fees", args=[leisure.season.pk]),
        reverse("activities:activity_list"),
        reverse("activities:activity_create"),
        reverse("activities:activity_detail", args=[activity.pk]),
        reverse("activities:activity_edit", args=[activity.pk]),
        reverse("activities:group_create", args=[activity.pk]),
        reverse("activities:group_edit", args=[group.pk]),
        reverse("activities:group_delete", args=[group.pk]),
        reverse("activities:unit_create", args=[activity.pk]),
        reverse("activities:unit_edit", args=[unit.pk]),
        reverse("activities:unit_delete", args=[unit.pk]),
        reverse("activities:period_create", args=[activity.pk]),
        reverse("activities:period_detail", args=[period.pk]),
        reverse("activities:period_edit", args=[period.pk]),
        reverse("activities:period_days", args=[period.pk]),
        reverse("activities:tariffs", args=[activity.pk]),
        reverse("activities:tariff_edit", args=[activity.pk]),
        reverse("activities:tariff_group_edit", args=[group.pk]),
        reverse("activities:tariff_group_delete", args=[group.pk]),
        reverse("activities:tariff_aid_create", args=[activity.pk]),
        reverse("activities:tariff_fees", args=[activity.pk]),
        reverse("activities:commune_lists"),
        reverse("activities:commune_list_create"),
    ]


def grid_post(rows, *, second="10", third="20", **rules):
    """The tariff grid form as a browser posts it. `rows`: (lower, upper, {cell key: value}) where a
    cell key is « unit-column-rank-input » (see `cells`); `rules` override the grid's rules."""
    data = {
        "rows": str(len(rows)),
        "method": "tranches",
        "columns": [],
        "column_choice": "ordre",
        "rank_mode": "pourcentage",
        "rank_count": "2",
        "second_child_reduction": second,
        "third_child_reduction": third,
    }
    data.update(rules)
    columns = ["base", *data["columns"]]
    count = int(data["rank_count"]) if data["rank_mode"] == "prix" else 1
    data.setdefault("forme", f"{data['method']}|{','.join(columns)}|{count}")
    for index, (lower, upper, values) in enumerate(rows):
        data[f"tranche-{index}-lower"] = lower
        data[f"tranche-{index}-upper"] = upper
        for key, value in values.items():
            data[f"tranche-{index}-{key}"] = value
    return data


def cells(units, values, column="base", rank=1, key="prix"):
    """{cell key: value} for the units of `values` ({unit: value}) in one column and rank."""
    return {f"{unit.pk}-{column}-{rank}-{key}": value for unit, value in values.items()}


def same_prices(units, day, half, meal, column="base", outside=None):
    result = cells(
        units,
        {units["day"]: day, units["morning"]: half, units["afternoon"]: half, units["meal"]: meal},
        column,
    )
    if outside is not None:
        result.update(cells(units, {units["day"]: outside}, "hors_commune"))
    return result


def saved_grid(activity, group=None):
    """(lower, upper, unit, base price, outside price or None) per bracket and unit, as the old screen
    typed them."""
    cells = TariffPrice.objects.filter(bracket__grid__activity=activity, bracket__grid__group=group, rank=1)
    outside = {
        (bracket, unit): price
        for bracket, unit, price in cells.filter(column__kind="hors_commune").values_list(
            "bracket_id", "unit_id", "price"
        )
    }
    return [
        (lower, upper, unit, price, outside.get((bracket, unit)))
        for bracket, lower, upper, unit, price in cells.filter(column__kind="base")
        .order_by("bracket__lower", "unit__position")
        .values_list("bracket_id", "bracket__lower", "bracket__upper", "unit_id", "price")
    ]


def register_child(leisure, group=None, unit=None):
    """A child registered in the holiday period, with the first day booked (a place held)."""
    group = group or leisure.groups[0]
    unit = unit or leisure.units["day"]
    household = HouseholdFactory(centre=leisure.activity.centre)
    child = PersonFactory(centre=leisure.activity.centre)
    registration = Registration.objects.create(
        centre=leisure.activity.centre,
        period=leisure.period,
        group=group,
        child=child,
        household=household,
        amount=D("4.15"),
    )
    day = leisure.period.days.first()
    BookedUnit.objects.create(registration=registration, day=day, unit=unit, price=D("4.15"))
    capacity.hold([(group.pk, day.pk)])
    return registration, day


# --- who may see what ------------------------------------------------------------------------------


def test_every_screen_opens_for_a_director(director, leisure):
    for url in every_url(leisure):
        response = director.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.content.decode(), url


def test_the_module_tile_shows_for_a_director_not_for_reception(login, director_a, staff, leisure):
    home = login(director_a).get(reverse("core:staff_home"))
    assert "Activités et tarifs" in text(home)
    home = login(staff("reception", "a")).get(reverse("core:staff_home"))
    assert "Activités et tarifs" not in text(home)


def test_reception_gets_a_404_on_every_set_up_screen(login, staff, leisure):
    client = login(staff("reception", "a"))
    for url in every_url(leisure):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Intrus"}).status_code == 404, url
    assert not Activity.objects.filter(name="Intrus").exists()


def test_a_director_of_another_centre_gets_a_404_on_centre_a_objects(login, staff, leisure):
    client = login(staff("director", "b"))
    lists = {
        reverse("activities:season_list"),
        reverse("activities:season_create"),
        reverse("activities:activity_list"),
        reverse("activities:activity_create"),
        reverse("activities:commune_lists"),
        reverse("activities:commune_list_create"),
    }
    for url in every_url(leisure):
        if url in lists:
            response = client.get(url)
            assert response.status_code == 200
            body = response.content.decode()
            assert f'<option value="{leisure.season.pk}"' not in body
            assert reverse("activities:season_edit", args=[leisure.season.pk]) not in body
            assert reverse("activities:activity_detail", args=[leisure.activity.pk]) not in body
        else:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"name": "Intrus", "rows": "1"}).status_code == 404, url
    assert Group.objects.filter(activity=leisure.activity).count() == 3
    assert Unit.objects.filter(activity=leisure.activity).count() == 4


# --- seasons and membership grid -------------------------------------------------------------------


def test_a_director_creates_and_edits_a_season(director, centre_a):
    response = director.post(
        reverse("activities:season_create"),
        {"name": "2027-2028", "starts_on": "2027-09-01", "ends_on": "31/08/2028"},
    )
    season = Season.objects.get(centre=centre_a, name="2027-2028")
    assert response.url == reverse("activities:season_fees", args=[season.pk])
    assert (season.starts_on, season.ends_on) == (date(2027, 9, 1), date(2028, 8, 31))
    director.post(
        reverse("activities:season_edit", args=[season.pk]),
        {"name": "Saison 2027-2028", "starts_on": "2027-09-01", "ends_on": "2028-07-31"},
    )
    season.refresh_from_db()
    assert (season.name, season.ends_on) == ("Saison 2027-2028", date(2028, 7, 31))
    assert "Saison 2027-2028" in text(director.get(reverse("activities:season_list")))


def test_impossible_season_dates_are_refused_with_the_typing_kept(director, centre_a):
    response = director.post(
        reverse("activities:season_create"), {"name": "2027-2028", "starts_on": "31/02/2027", "ends_on": "x"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Premier jour : Saisissez une date valide" in page
    assert "Dernier jour : Saisissez une date valide" in page
    assert input_value(response, "name") == "2027-2028"
    response = director.post(
        reverse("activities:season_create"),
        {"name": "2027-2028", "starts_on": "2027-09-01", "ends_on": "2027-08-31"},
    )
    assert "Le dernier jour est avant le premier jour de la saison." in text(response)
    assert not Season.objects.filter(centre=centre_a).exists()


def fee_post(rows, basis="personne", **extra):
    data = {"rows": str(len(rows)), "membership_basis": basis, **extra}
    for index, (lower, upper, amount) in enumerate(rows):
        data.update(
            {
                f"tranche-{index}-lower": lower,
                f"tranche-{index}-upper": upper,
                f"tranche-{index}-montant": amount,
            }
        )
    return data


def test_the_membership_grid_is_saved_with_french_commas_and_its_basis(director, leisure):
    season = leisure.season
    url = reverse("activities:season_fees", args=[season.pk])
    page = director.get(url)
    assert input_value(page, "tranche-1-upper") == "1050"
    assert input_value(page, "tranche-2-montant") == "15,00"
    response = director.post(url, fee_post([("0", "700", "5,50"), ("", "", ""), ("701", "", "12 €")]))
    assert response.url == reverse("activities:season_list")
    season.refresh_from_db()
    assert season.membership_basis == Season.MembershipBasis.PERSON
    assert list(season.membership_fees.values_list("lower", "upper", "amount")) == [
        (0, 700, D("5.50")),
        (701, None, D("12.00")),
    ]
    listing = text(director.get(reverse("activities:season_list")))
    assert "0 à 700 € : 5,50 €" in listing
    assert "701 € et plus : 12,00 €" in listing


def test_a_gap_in_the_membership_grid_is_named_on_its_row_and_nothing_is_saved(director, leisure):
    season = leisure.season
    before = list(season.membership_fees.values_list("lower", "upper", "amount"))
    response = director.post(
        reverse("activities:season_fees", args=[season.pk]),
        fee_post([("0", "650", "5"), ("700", "", "10,50")]),
    )
    assert response.status_code == 200
    body = response.content.decode()
    message = "Tranche 2 (700 € et plus) : il manque les quotients entre 650 et 700 €"
    # On the row itself (the error line under it) and in the summary, which leads to the row.
    row_errors = re.search(r'<td colspan="4" id="tranche-1-erreurs">(.*?)</td>', body, re.S).group(1)
    assert message in html.unescape(row_errors)
    assert re.search(r'<a href="#id_tranche-1-lower">' + re.escape(message), html.unescape(body))
    assert 'aria-describedby="tranche-1-erreurs"' in body
    assert input_value(response, "tranche-1-lower") == "700"
    assert input_value(response, "tranche-1-montant") == "10,50"
    assert list(season.membership_fees.values_list("lower", "upper", "amount")) == before
    season.refresh_from_db()
    assert season.membership_basis == Season.MembershipBasis.HOUSEHOLD


def test_a_negative_membership_fee_and_a_bad_amount_are_refused(director, leisure):
    url = reverse("activities:season_fees", args=[leisure.season.pk])
    response = director.post(url, fee_post([("0", "650", "-5"), ("651", "", "dix")]))
    page = text(response)
    assert "Montant (€), tranche 2 : Saisissez un montant en euros, par exemple 4,15." in page
    assert input_value(response, "tranche-1-montant") == "dix"
    response = director.post(url, fee_post([("0", "650", "-5"), ("651", "", "10")]))
    assert "Tranche 1 : indiquez un montant positif ou nul." in text(response)
    assert MembershipFee.objects.filter(season=leisure.season).count() == 3


def test_adding_a_row_keeps_the_typing_and_saves_nothing(director, leisure):
    url = reverse("activities:season_fees", args=[leisure.season.pk])
    response = director.post(
        url, fee_post([("0", "400", "2,50"), ("401", "", "9")], action="ajouter-tranche")
    )
    assert response.status_code == 200
    assert "erreur" not in text(response).lower()
    assert input_value(response, "tranche-0-montant") == "2,50"
    assert input_value(response, "tranche-1-lower") == "401"
    assert input_value(response, "tranche-2-lower") == ""  # one blank row more than the two filled
    assert input_value(response, "rows") == "3"
    assert MembershipFee.objects.filter(season=leisure.season, lower=401).count() == 0


# --- activities, groups, units ---------------------------------------------------------------------


def test_a_director_creates_an_activity_and_edits_it(director, centre_a, leisure):
    response = director.post(
        reverse("activities:activity_create"),
        {
            "name": "Mercredis récréatifs",
            "kind": Activity.Kind.LEISURE_CENTRE,
            "season": leisure.season.pk,
            "description": "Des jeux.",
            "age_reference_date": "31/12/2026",
            "resident_communes": "Lille\n\n  Hellemmes  \n",
        },
    )
    activity = Activity.objects.get(name="Mercredis récréatifs")
    assert response.url == reverse("activities:activity_detail", args=[activity.pk])
    assert activity.centre == centre_a
    assert activity.season == leisure.season
    assert activity.resident_commune_list == ["Lille", "Hellemmes"]
    assert activity.age_reference_date == date(2026, 12, 31)
    director.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        {"name": "Mercredis", "kind": Activity.Kind.WORKSHOP, "season": "", "resident_communes": ""},
    )
    activity.refresh_from_db()
    assert (activity.name, activity.kind, activity.season) == ("Mercredis", Activity.Kind.WORKSHOP, None)


def test_an_activity_cannot_take_another_centres_season(director, centre_b, leisure):
    foreign = Season.objects.create(
        centre=centre_b, name="Saison B", starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )
    response = director.post(
        reverse("activities:activity_create"),
        {"name": "Atelier", "kind": Activity.Kind.WORKSHOP, "season": foreign.pk},
    )
    assert "Saison : Choisissez une saison dans la liste." in text(response)
    assert "Saison B" not in text(director.get(reverse("activities:activity_create")))


def test_the_activity_list_shows_each_activity_with_its_periods(director, leisure):
    page = text(director.get(reverse("activities:activity_list")))
    assert "Accueil de loisirs" in page
    assert f"{leisure.period.name} — 10 jours, du 21/12/2026 au 01/01/2027" in page


def test_a_new_group_gets_places_on_the_days_already_open(director, leisure):
    response = director.post(
        reverse("activities:group_create", args=[leisure.activity.pk]),
        {"name": "Ados (12-14 ans)", "min_age": "12", "max_age": "14", "capacity": "8"},
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Ados (12-14 ans)")
    assert list(GroupDay.objects.filter(group=group).values_list("capacity", flat=True)) == [8] * 10


def test_group_ages_in_the_wrong_order_are_refused(director, leisure):
    response = director.post(
        reverse("activities:group_create", args=[leisure.activity.pk]),
        {"name": "Ados", "min_age": "14", "max_age": "12", "capacity": "-1"},
    )
    page = text(response)
    assert "L'âge maximum doit être supérieur ou égal à l'âge minimum." in page
    assert "Le nombre de places ne peut pas être négatif." in page
    assert input_value(response, "name") == "Ados"
    assert not Group.objects.filter(name="Ados").exists()


def test_a_group_is_edited_and_deleted(director, leisure):
    group = leisure.groups[2]
    director.post(
        reverse("activities:group_edit", args=[group.pk]),
        {"name": "Grands (9-12 ans)", "min_age": "9", "max_age": "12", "capacity": "14"},
    )
    group.refresh_from_db()
    assert (group.name, group.max_age, group.capacity) == ("Grands (9-12 ans)", 12, 14)
    response = director.post(reverse("activities:group_delete", args=[group.pk]))
    assert response.url == reverse("activities:activity_detail", args=[leisure.activity.pk])
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_group_with_registrations_cannot_be_deleted(director, leisure):
    register_child(leisure)
    group = leisure.groups[0]
    response = director.post(reverse("activities:group_delete", args=[group.pk]))
    assert response.status_code == 200
    assert (
        "Suppression impossible. Le groupe « Petits (3-5 ans) » a des inscriptions ou des demandes "
        "d'inscription : il ne peut pas être supprimé." in text(response)
    )
    assert Group.objects.filter(pk=group.pk).exists()
    assert GroupDay.objects.filter(group=group).count() == 10


def test_units_are_added_edited_and_a_booked_unit_is_not_deleted(director, leisure):
    response = director.post(
        reverse("activities:unit_create", args=[leisure.activity.pk]),
        {"name": "Goûter", "kind": Unit.Kind.MEAL, "position": "5"},
    )
    assert response.status_code == 302
    snack = Unit.objects.get(name="Goûter")
    director.post(
        reverse("activities:unit_edit", args=[snack.pk]),
        {"name": "Goûter bio", "kind": Unit.Kind.MEAL, "position": "6"},
    )
    snack.refresh_from_db()
    assert (snack.name, snack.position) == ("Goûter bio", 6)
    director.post(reverse("activities:unit_delete", args=[snack.pk]))
    assert not Unit.objects.filter(pk=snack.pk).exists()

    register_child(leisure, unit=leisure.units["meal"])
    response = director.post(reverse("activities:unit_delete", args=[leisure.units["meal"].pk]))
    assert "L'unité « Repas du midi » a déjà été réservée" in text(response)
    assert Unit.objects.filter(pk=leisure.units["meal"].pk).exists()


# --- periods, days and places ----------------------------------------------------------------------


def period_post(**overrides):
    data = {
        "name": "Mercredis de l'hiver",
        "kind": Period.Kind.WEDNESDAYS,
        "registration_opens_on": "2026-11-01",
        "registration_closes_on": "2027-01-05",
        "jours-first_day": "2027-01-06",
        "jours-last_day": "03/02/2027",
        "jours-weekdays": ["2"],
        "jours-closed": "20/01/2027\n",
    }
    data.update(overrides)
    return data


def test_a_period_is_created_on_every_wednesday_but_the_closed_one(director, leisure):
    response = director.post(reverse("activities:period_create", args=[leisure.activity.pk]), period_post())
    period = Period.objects.get(name="Mercredis de l'hiver")
    assert response.url == reverse("activities:period_detail", args=[period.pk])
    assert [d.date for d in period.days.all()] == [
        date(2027, 1, 6),
        date(2027, 1, 13),
        date(2027, 1, 27),
        date(2027, 2, 3),
    ]
    # Every group gets its usual places on every day.
    assert GroupDay.objects.filter(day__period=period).count() == 4 * 3
    page = text(director.get(response.url))
    assert "mercredi 27/01/2027" in page
    assert "4 jours, du 06/01/2027 au 03/02/2027" in page


def test_impossible_period_dates_are_refused_and_nothing_is_created(director, leisure):
    url = reverse("activities:period_create", args=[leisure.activity.pk])
    response = director.post(
        url,
        period_post(
            registration_opens_on="2027-02-30",
            **{"jours-last_day": "2026-12-01", "jours-closed": "32/01/2027", "jours-weekdays": []},
        ),
    )
    page = text(response)
    assert response.status_code == 200
    assert "Inscriptions en ligne à partir du : Saisissez une date valide" in page
    assert "Ligne 1 : « 32/01/2027 » n'est pas une date valide" in page
    assert "Cochez au moins un jour de la semaine." in page
    assert input_value(response, "name") == "Mercredis de l'hiver"
    response = director.post(url, period_post(**{"jours-last_day": "2026-12-01"}))
    assert "Le dernier jour est avant le premier jour." in text(response)
    response = director.post(url, period_post(**{"jours-weekdays": ["6"], "jours-last_day": "2027-01-09"}))
    assert "Aucun jour entre ces deux dates ne tombe un des jours cochés" in text(response)
    response = director.post(url, period_post(**{"jours-weekdays": ["9"]}))
    assert "Cochez des jours de la semaine de la liste." in text(response)
    assert not Period.objects.filter(name="Mercredis de l'hiver").exists()


def test_the_days_are_edited_as_a_list_and_by_weekdays(director, leisure):
    period = leisure.period
    url = reverse("activities:period_days", args=[period.pk])
    page = director.get(url)
    assert "21/12/2026\n22/12/2026" in html.unescape(page.content.decode())
    director.post(url, {"formulaire": "liste", "liste-dates": "21/12/2026\n2026-12-22\n\n23/12/26\n"})
    assert [d.date for d in period.days.all()] == [date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)]
    director.post(
        url,
        {
            "formulaire": "semaine",
            "jours-first_day": "2026-12-28",
            "jours-last_day": "2026-12-31",
            "jours-weekdays": ["0", "1"],
            "jours-mode": "ajouter",
        },
    )
    assert len(period.days.all()) == 5
    director.post(
        url,
        {
            "formulaire": "semaine",
            "jours-first_day": "2026-12-28",
            "jours-last_day": "2026-12-31",
            "jours-weekdays": ["0"],
            "jours-mode": "remplacer",
        },
    )
    assert [d.date for d in period.days.all()] == [date(2026, 12, 28)]


def test_a_bad_line_in_the_list_of_days_is_named(director, leisure):
    url = reverse("activities:period_days", args=[leisure.period.pk])
    response = director.post(url, {"formulaire": "liste", "liste-dates": "21/12/2026\n31/02/2027"})
    assert "Ligne 2 : « 31/02/2027 » n'est pas une date valide (écrivez-la jj/mm/aaaa)." in text(response)
    assert "31/02/2027" in response.content.decode()  # the textarea keeps what was typed
    assert leisure.period.days.count() == 10


def test_removing_a_day_children_booked_is_refused(director, leisure):
    _, day = register_child(leisure)
    url = reverse("activities:period_days", args=[leisure.period.pk])
    response = director.post(url, {"formulaire": "liste", "liste-dates": "22/12/2026"})
    assert response.status_code == 200
    assert "Le 21/12/2026 a déjà des enfants inscrits : il ne peut pas être retiré." in text(response)
    assert leisure.period.days.count() == 10
    response = director.post(
        url,
        {
            "formulaire": "semaine",
            "jours-first_day": "2026-12-22",
            "jours-last_day": "2026-12-31",
            "jours-weekdays": ["0", "1", "2", "3", "4"],
            "jours-mode": "remplacer",
        },
    )
    assert "Le 21/12/2026 a déjà des enfants inscrits" in text(response)
    assert leisure.period.days.filter(pk=day.pk).exists()


def test_a_day_a_family_asked_for_is_kept_even_once_the_request_is_refused(director, leisure):
    from csc.enrolment import services as enrolment
    from csc.enrolment.tests.helpers import family

    day = leisure.period.days.first()
    request = enrolment.submit_registration_request(
        period=leisure.period, submission=family([(leisure.groups[1], [(day.pk, leisure.units["day"].pk)])])
    )
    enrolment.refuse(request=request, by=None, reason="Complet")
    assert GroupDay.objects.filter(day=day, held__gt=0).count() == 0  # no place held any more
    response = director.post(
        reverse("activities:period_days", args=[leisure.period.pk]),
        {"formulaire": "liste", "liste-dates": "22/12/2026\n23/12/2026"},
    )
    assert response.status_code == 200
    assert "Des familles ont déjà demandé le 21/12/2026 : ce jour ne peut pas être retiré." in text(response)
    assert leisure.period.days.count() == 10


def test_places_are_changed_in_the_table(director, leisure):
    period, group = leisure.period, leisure.groups[1]
    day = period.days.all()[2]
    url = reverse("activities:period_detail", args=[period.pk])
    page = director.get(url)
    name = f"places-{group.pk}-{day.pk}"
    assert input_value(page, name) == "12"
    data = {
        f"places-{gd.group_id}-{gd.day_id}": str(gd.capacity)
        for gd in GroupDay.objects.filter(day__period=period)
    }
    response = director.post(url, {**data, name: "20"})
    assert response.url == url
    assert GroupDay.objects.get(group=group, day=day).capacity == 20


def test_places_below_those_held_are_refused_and_nothing_changes(director, leisure):
    period = leisure.period
    _, day = register_child(leisure)
    register_child(leisure)
    held_name = f"places-{leisure.groups[0].pk}-{day.pk}"
    other_name = f"places-{leisure.groups[2].pk}-{day.pk}"
    data = {
        f"places-{gd.group_id}-{gd.day_id}": str(gd.capacity)
        for gd in GroupDay.objects.filter(day__period=period)
    }
    url = reverse("activities:period_detail", args=[period.pk])
    response = director.post(url, {**data, held_name: "1", other_name: "30"})
    assert response.status_code == 200
    page = text(response)
    assert (
        "Petits (3-5 ans), 21/12/2026 : 2 places sont déjà prises ce jour-là : la capacité ne peut pas "
        "descendre en dessous." in page
    )
    assert input_value(response, held_name) == "1"
    assert input_value(response, other_name) == "30"
    assert GroupDay.objects.get(group=leisure.groups[0], day=day).capacity == 12
    assert GroupDay.objects.get(group=leisure.groups[2], day=day).capacity == 12  # all or nothing
    response = director.post(url, {**data, other_name: "-3"})
    assert "Le nombre de places ne peut pas être négatif." in text(response)


# --- tariff grids ----------------------------------------------------------------------------------


def test_the_grid_editor_starts_from_the_saved_grid(director, leisure):
    page = director.get(reverse("activities:tariff_edit", args=[leisure.activity.pk]))
    day = leisure.units["day"]
    assert input_value(page, f"tranche-0-{day.pk}-base-1-prix") == "4,15"
    assert input_value(page, f"tranche-0-{day.pk}-hors_commune-1-prix") == "7,15"
    assert input_value(page, "tranche-3-upper") == ""
    assert input_value(page, "second_child_reduction") == "10,00"
    assert input_value(page, "forme") == "tranches|base,hors_commune|1"
    body = html.unescape(page.content.decode())
    assert f'<label class="visually-hidden" for="id_tranche-1-{day.pk}-base-1-prix">' in body
    assert "Prix Journée avec repas, tranche 2, colonne Tarif de base" in body
    assert "Prix Repas du midi, tranche 4, colonne Hors commune" in body


def test_a_grid_typed_with_cents_and_french_commas_is_saved_and_shown_in_euros(director, leisure):
    units = leisure.units
    url = reverse("activities:tariff_edit", args=[leisure.activity.pk])
    rows = [
        ("0", "308", same_prices(units, "4,15", "1,8", "1", outside="7,15")),
        ("", "", {}),  # a blank row in the middle is dropped
        ("308,01", "", same_prices(units, "12.40 €", "5", "4", outside="15,40")),
    ]
    rows[0][2].update(same_prices(units, "4,15", "1,8", "1", column="hors_commune"))
    rows[0][2][f"{units['day'].pk}-hors_commune-1-prix"] = "7,15"
    rows[2][2].update(same_prices(units, "12,40", "5", "4", column="hors_commune"))
    rows[2][2][f"{units['day'].pk}-hors_commune-1-prix"] = "15,40"
    response = director.post(
        url, grid_post(rows, second="12,5", third="25", columns=["hors_commune"], rank_mode="pourcentage")
    )
    assert response.status_code == 302, text(response)
    assert response.url == reverse("activities:tariffs", args=[leisure.activity.pk])
    assert saved_grid(leisure.activity)[0] == (0, 308, units["day"].pk, D("4.15"), D("7.15"))
    assert saved_grid(leisure.activity)[4] == (D("308.01"), None, units["day"].pk, D("12.40"), D("15.40"))
    grid = TariffGrid.objects.get(activity=leisure.activity, group=None)
    assert (grid.second_child_reduction, grid.third_child_reduction) == (D("12.5"), D("25"))
    page = text(director.get(response.url))
    assert "0 à 308 € 4,15 € 1,80 €" in page
    assert "308,01 € et plus 12,40 €" in page
    assert "Colonne « Hors commune »" in page
    assert "2e enfant 12,5 %, 3e enfant 25 %, 4e et plus 25 %" in page


def test_a_taux_d_effort_grid_with_caf_and_msa_columns_is_saved_and_read_back(director, leisure):
    units = leisure.units
    url = reverse("activities:tariff_edit", args=[leisure.activity.pk])
    # Step 1: the rules; the table is redrawn with a column per regime and three inputs per unit.
    rules = {"method": "taux_effort", "columns": ["caf", "msa"], "column_choice": "favorable"}
    redrawn = director.post(url, grid_post([], **rules, forme="tranches|base|1", action="regles"))
    assert redrawn.status_code == 200
    assert input_value(redrawn, "forme") == "taux_effort|base,caf,msa|1"
    body = html.unescape(redrawn.content.decode())
    assert "Taux d'effort (%) Journée avec repas, tranche 1, colonne Allocataires MSA" in body
    assert saved_grid(leisure.activity)[0][3] == D("4.15")  # nothing saved yet
    # Step 2: the prices.
    values = {}
    for column, rate in (("base", "1,2"), ("caf", "0,85"), ("msa", "0,9")):
        for unit, floor, ceiling in ((units["day"], "3", "15"), (units["morning"], "1,5", "8")):
            values.update(cells(units, {unit: rate}, column, key="taux"))
            values.update(cells(units, {unit: floor}, column, key="prix"))
            values.update(cells(units, {unit: ceiling}, column, key="max"))
        for unit in (units["afternoon"], units["meal"]):
            values.update(cells(units, {unit: "0"}, column, key="taux"))
            values.update(cells(units, {unit: "1"}, column, key="prix"))
            values.update(cells(units, {unit: "4"}, column, key="max"))
    response = director.post(url, grid_post([("0", "", values)], **rules))
    page = text(response)
    # A rate of 0 is refused, on its row, with the typing kept.
    assert "Tranche 1 (0 € et plus) : indiquez le taux d'effort de « Après-midi »" in page
    assert input_value(response, f"tranche-0-{units['day'].pk}-caf-1-taux") == "0,85"
    for column in ("base", "caf", "msa"):
        for unit in (units["afternoon"], units["meal"]):
            values.update(cells(units, {unit: "0,5"}, column, key="taux"))
    response = director.post(url, grid_post([("0", "", values)], **rules))
    assert response.status_code == 302, text(response)
    grid = TariffGrid.objects.get(activity=leisure.activity, group=None)
    assert (grid.method, grid.column_choice) == ("taux_effort", "favorable")
    assert [c.kind for c in grid.columns.all()] == ["base", "caf", "msa"]
    cell = TariffPrice.objects.get(bracket__grid=grid, unit=units["day"], column__kind="caf")
    assert (cell.rate, cell.price, cell.price_max) == (D("0.85"), D("3"), D("15"))
    page = text(director.get(response.url))
    assert "Taux d'effort : quotient × taux, avec un plancher et un plafond." in page
    assert "0,85 % du quotient, entre 3,00 € et 15,00 €" in page
    assert "Quand plusieurs s'appliquent : le tarif le plus favorable à la famille." in page
    again = director.get(url)
    assert input_value(again, f"tranche-0-{units['day'].pk}-msa-1-taux") == "0,9"


def test_a_price_per_rank_a_large_family_rule_and_a_daily_cap_are_saved(director, leisure):
    units = leisure.units
    url = reverse("activities:tariff_edit", args=[leisure.activity.pk])
    rules = {
        "rank_mode": "prix",
        "rank_count": "3",
        "large_family_children": "3",
        "daily_cap_unit": str(units["day"].pk),
    }
    redrawn = director.post(url, grid_post([], **rules, forme="tranches|base|1"))
    assert "Le tableau des prix suit maintenant ces règles" in text(redrawn)
    assert "Colonne « Tarif de base », 3e enfant et plus" in text(redrawn)
    rows = []
    for lower, upper, day in (("0", "500", "5"), ("500,01", "", "9")):
        values = {}
        for rank, off in ((1, 0), (2, 1), (3, 2)):
            price = str(int(day) - off)
            values.update(
                cells(
                    units,
                    {units["day"]: price, units["morning"]: "2", units["afternoon"]: "2", units["meal"]: "1"},
                    rank=rank,
                )
            )
        rows.append((lower, upper, values))
    response = director.post(url, grid_post(rows, **rules))
    assert response.status_code == 302, text(response)
    grid = TariffGrid.objects.get(activity=leisure.activity, group=None)
    assert (grid.rank_mode, grid.rank_count, grid.large_family_children) == ("prix", 3, 3)
    assert grid.daily_cap_unit == units["day"]
    assert TariffPrice.objects.get(bracket__grid=grid, bracket__lower=0, unit=units["day"], rank=3).price == 3
    page = text(director.get(response.url))
    assert "Un prix par rang de l'enfant (3 rangs, le dernier vaut « et plus »)." in page
    assert "Familles de 3 enfants à charge ou plus : la tranche du dessous." in page
    assert "ne coûtent jamais plus que « Journée avec repas »" in page
    assert "Colonne « Tarif de base », 2e enfant" in page


def test_a_gap_in_the_tariff_grid_is_named_on_its_row_nothing_saved_typing_kept(director, leisure):
    units = leisure.units
    before = saved_grid(leisure.activity)
    rows = [
        ("0", "650", same_prices(units, "4,15", "1,80", "1")),
        ("700", "", same_prices(units, "6,30", "2,70", "2,10")),
    ]
    response = director.post(reverse("activities:tariff_edit", args=[leisure.activity.pk]), grid_post(rows))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    message = "Tranche 2 (700 € et plus) : il manque les quotients entre 650 et 700 €"
    row_errors = re.search(r'<td colspan="3" id="tranche-1-erreurs">(.*?)</td>', body, re.S)
    assert message in row_errors.group(1)
    assert f'<a href="#id_tranche-1-lower">{message}' in body
    assert input_value(response, "tranche-0-upper") == "650"
    assert input_value(response, f"tranche-1-{units['meal'].pk}-base-1-prix") == "2,10"
    meal_input = re.search(rf'<input[^>]*name="tranche-1-{units["meal"].pk}-base-1-prix"[^>]*>', body).group(
        0
    )
    assert 'aria-invalid="true" aria-describedby="tranche-1-erreurs"' in meal_input
    assert input_value(response, "second_child_reduction") == "10"
    assert saved_grid(leisure.activity) == before


def test_a_negative_price_and_a_price_going_down_are_refused(director, leisure):
    units = leisure.units
    url = reverse("activities:tariff_edit", args=[leisure.activity.pk])
    rows = [
        ("0", "650", same_prices(units, "-4,15", "1,80", "1")),
        ("651", "", same_prices(units, "6,30", "1,70", "2")),
    ]
    page = text(director.post(url, grid_post(rows)))
    assert "Tranche 1 (0 à 650 €) : un prix de « Journée avec repas » ne peut pas être négatif." in page
    assert (
        "Tranche 2 (651 € et plus) : « Matinée » coûte 1,70 €, moins qu'à la fin de la tranche précédente "
        "(1,80 €)." in page
    )
    rows = [("0", "", same_prices(units, "4", "abc", "1"))]
    page = text(director.post(url, grid_post(rows, second="150", large_family_children="1")))
    assert (
        "Prix Matinée, tranche 1, colonne Tarif de base : Saisissez un montant en euros, par exemple 4,15."
        in page
    )
    assert "Réduction pour le 2e enfant (%) : Un pourcentage entre 0 et 100." in page
    assert "Une famille nombreuse compte au moins 2 enfants à charge." in page
    rows = [("-1", "abc", same_prices(units, "4", "2", "1"))]
    page = text(director.post(url, grid_post(rows)))
    assert "De (€), tranche 1 : Le quotient ne peut pas être négatif." in page
    assert "Jusqu'à (€), tranche 1 : Saisissez un quotient en euros, par exemple 308,01." in page
    assert len(saved_grid(leisure.activity)) == 16


def test_a_large_family_rule_on_a_taux_d_effort_grid_is_refused_for_the_whole_grid(director, leisure):
    units = leisure.units
    values = {}
    for unit in units.values():
        values.update(cells(units, {unit: "1"}, key="taux"))
        values.update(cells(units, {unit: "1"}, key="prix"))
        values.update(cells(units, {unit: "9"}, key="max"))
    response = director.post(
        reverse("activities:tariff_edit", args=[leisure.activity.pk]),
        grid_post([("0", "", values)], method="taux_effort", large_family_children="3"),
    )
    assert "La règle des familles nombreuses (tranche du dessous) demande une grille par tranches." in text(
        response
    )
    assert len(saved_grid(leisure.activity)) == 16


def test_an_empty_grid_is_refused(director, leisure):
    response = director.post(reverse("activities:tariff_edit", args=[leisure.activity.pk]), grid_post([]))
    assert "Ajoutez au moins une tranche de quotient familial (0 € et plus)." in text(response)
    assert len(saved_grid(leisure.activity)) == 16


def test_adding_a_tariff_row_keeps_the_typing(director, leisure):
    units = leisure.units
    rows = [("0", "", same_prices(units, "9,99", "", ""))]
    response = director.post(
        reverse("activities:tariff_edit", args=[leisure.activity.pk]),
        grid_post(rows, action="ajouter-tranche"),
    )
    assert input_value(response, f"tranche-0-{units['day'].pk}-base-1-prix") == "9,99"
    assert input_value(response, "rows") == "2"
    assert input_value(response, "tranche-1-lower") == ""
    assert "erreur" not in text(response).lower()
    assert len(saved_grid(leisure.activity)) == 16


def test_eighty_brackets_fit_in_a_grid(director, leisure):
    units = leisure.units
    rows = [
        (str(10 * i), str(10 * i + 9) if i < 79 else "", same_prices(units, str(4 + i), "2", "1"))
        for i in range(80)
    ]
    response = director.post(reverse("activities:tariff_edit", args=[leisure.activity.pk]), grid_post(rows))
    assert response.status_code == 302, text(response)[:2000]
    assert len(saved_grid(leisure.activity)) == 320


def test_a_group_gets_its_own_grid_then_goes_back_to_the_general_one(director, leisure):
    units, group = leisure.units, leisure.groups[0]
    url = reverse("activities:tariff_group_edit", args=[group.pk])
    page = director.get(url)
    assert input_value(page, f"tranche-0-{units['day'].pk}-base-1-prix") == "4,15"  # from the general grid
    rows = [("0", "", same_prices(units, "3", "1,5", "1"))]
    director.post(url, grid_post(rows, second="0", third="0", rank_mode="aucun"))
    assert saved_grid(leisure.activity, group)[0] == (0, None, units["day"].pk, D("3.00"), None)
    page = text(director.get(reverse("activities:tariffs", args=[leisure.activity.pk])))
    assert "Grille du groupe « Petits (3-5 ans) »" in page
    director.post(reverse("activities:tariff_group_delete", args=[group.pk]))
    assert not TariffGrid.objects.filter(group=group).exists()
    assert len(saved_grid(leisure.activity)) == 16


def test_a_grid_without_units_asks_for_units_first(director, centre_a):
    activity = Activity.objects.create(centre=centre_a, name="Atelier")
    page = text(director.get(reverse("activities:tariff_edit", args=[activity.pk])))
    assert "L'activité n'a pas encore d'unité" in page
    response = director.post(reverse("activities:tariff_edit", args=[activity.pk]), {"rows": "1"})
    assert response.status_code == 200
    assert not TariffGrid.objects.filter(activity=activity).exists()


# --- never a 500 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [
        {"rows": "abc", "tranche-0-lower": "-1", "tranche-0-upper": "9" * 30},
        {"rows": "99999", "tranche-5-lower": "0", "action": "ajouter-tranche"},
        {"rows": "-4", "formulaire": "semaine", "jours-first_day": "0000-00-00", "jours-weekdays": "x"},
        {"formulaire": "liste", "liste-dates": "\x00\n" + "01/01/2027\n" * 3, "places-1-1": "1e9"},
        {"name": "x" * 500, "starts_on": "2027-13-01", "min_age": "-3", "position": "-1", "kind": "?"},
        {
            "forme": "x|y|z",
            "method": "??",
            "columns": ["zzz", "base"],
            "rank_mode": "prix",
            "rank_count": "9",
            "daily_cap_unit": "abc",
            "ordre_caf": "-1",
            "large_family_children": "1e9",
            "rows": "1",
            "tranche-0-lower": "0",
            "tranche-0-1-base-1-taux": "1e99",
            "mode": "taux",
            "max_quotient": "NaN",
            "communes": "\x00",
            "par_enfant-amount": "Infinity",
        },
        {
            "forme": "taux_effort|base,caf,msa|4",
            "method": "lineaire",
            "rank_mode": "aucun",
            "column_choice": "ordre",
            "rows": "2",
            "tranche-0-lower": "0",
            "tranche-1-lower": "10",
            "resident_commune_lists": ["999999"],
            "groups": ["abc"],
        },
    ],
)
def test_junk_input_never_breaks_a_screen(director, leisure, junk):
    for url in every_url(leisure):
        if url.endswith("/supprimer/"):
            continue  # a deletion takes no input, and the next screens need the group
        response = director.post(url, junk)
        assert response.status_code in (200, 302), url


def test_far_apart_days_are_refused(director, leisure):
    url = reverse("activities:period_days", args=[leisure.period.pk])
    response = director.post(url, {"formulaire": "liste", "liste-dates": "01/01/2027\n01/01/2190"})
    assert "Les jours d'une période tiennent dans une année" in text(response)
    response = director.post(
        url,
        {
            "formulaire": "semaine",
            "jours-first_day": "2027-01-01",
            "jours-last_day": "2190-01-01",
            "jours-weekdays": ["2"],
        },
    )
    assert "Une période dure au plus un an" in text(response)
    assert leisure.period.days.count() == 10


# --- query counts ----------------------------------------------------------------------------------


def more_activities(centre, count, today=TODAY):
    for index in range(count):
        build_leisure_centre(centre, today=today, holiday_start=HOLIDAYS + timedelta(weeks=index + 1))


def test_the_list_pages_make_a_bounded_number_of_queries(director, centre_a, django_assert_max_num_queries):
    more_activities(centre_a, 2)
    for index in range(2):
        Season.objects.create(
            centre=centre_a,
            name=f"Saison {index}",
            starts_on=date(2020 + index, 9, 1),
            ends_on=date(2021 + index, 8, 31),
        )
    with django_assert_max_num_queries(8):
        small_activities = director.get(reverse("activities:activity_list"))
    with django_assert_max_num_queries(8):
        small_seasons = director.get(reverse("activities:season_list"))
    more_activities(centre_a, 8)
    for index in range(8):
        Season.objects.create(
            centre=centre_a,
            name=f"Saison {index + 2}",
            starts_on=date(2010 + index, 9, 1),
            ends_on=date(2011 + index, 8, 31),
        )
    with django_assert_max_num_queries(8):
        activities = director.get(reverse("activities:activity_list"))
    with django_assert_max_num_queries(8):
        seasons = director.get(reverse("activities:season_list"))
    # Every activity and its period is shown (one link each), and every season with its grid link.
    assert activities.content.decode().count("/activites/periodes/") == 10
    assert small_activities.content.decode().count("/activites/periodes/") == 2
    assert seasons.content.decode().count("/adhesion/") == 11
    assert small_seasons.content.decode().count("/adhesion/") == 3


def test_the_grid_pages_make_a_bounded_number_of_queries(director, leisure, django_assert_max_num_queries):
    activity, units = leisure.activity, leisure.units
    for group in leisure.groups[:2]:
        director.post(
            reverse("activities:tariff_group_edit", args=[group.pk]),
            grid_post([("0", "", same_prices(units, "3", "1,5", "1"))]),
        )
    assert TariffGrid.objects.filter(activity=activity).count() == 3
    # The grids, their columns, brackets and cells, the units offered to groups, aids, fees and commune
    # lists: one query each, whatever the number of grids.
    with django_assert_max_num_queries(17):
        assert director.get(reverse("activities:tariffs", args=[activity.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert director.get(reverse("activities:tariff_edit", args=[activity.pk])).status_code == 200
    with django_assert_max_num_queries(9):
        assert director.get(reverse("activities:period_detail", args=[leisure.period.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert director.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 200


def _grid_of(leisure, count):
    """A taux d'effort grid of `count` brackets with CAF and MSA columns, saved through the service."""
    from csc.activities.tariff_setup import GridSpec, save_grid
    from csc.activities.tariffs import Cell

    brackets = [(D(100 * i), D(100 * i + 99) if i < count - 1 else None) for i in range(count)]
    spec = GridSpec(
        brackets=brackets,
        cells={
            (row, unit.pk, column, 1): Cell(D("1"), D("20"), D("1"))
            for row in range(count)
            for unit in leisure.units.values()
            for column in ("base", "caf", "msa")
        },
        method="taux_effort",
        columns=["base", "caf", "msa"],
    )
    save_grid(activity=leisure.activity, spec=spec)


def test_the_read_only_page_and_the_editor_cost_the_same_queries_for_3_or_40_brackets(director, leisure):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    aid = TariffAid.objects.create(activity=leisure.activity, name="Aide aux temps libres CAF", funder="caf")
    TariffAidAmount.objects.create(aid=aid, unit=leisure.units["day"], value=D("2.50"))
    TariffFee.objects.create(
        activity=leisure.activity, kind="par_foyer", name="Frais de dossier", amount=D("5")
    )
    counts = {}
    for size in (3, 40):
        _grid_of(leisure, size)
        for name in ("tariffs", "tariff_edit"):
            with CaptureQueriesContext(connection) as queries:
                response = director.get(reverse(f"activities:{name}", args=[leisure.activity.pk]))
            assert response.status_code == 200
            counts[(name, size)] = len(queries)
    assert counts[("tariffs", 3)] == counts[("tariffs", 40)] <= 17
    assert counts[("tariff_edit", 3)] == counts[("tariff_edit", 40)] <= 12
    page = text(director.get(reverse("activities:tariffs", args=[leisure.activity.pk])))
    assert (
        "Aide aux temps libres CAF — CAF (allocataires) : Journée avec repas 2,50 € déduits par unité" in page
    )
    assert "Frais de dossier (Frais de dossier par foyer et par saison) : 5,00 €" in page
    assert "900 € et plus" in page and "1 % du quotient, entre 1,00 € et 20,00 €" in page


# --- aids, fixed fees, commune lists, units kept for some groups -----------------------------------


def test_a_director_adds_an_aid_per_unit_edits_and_deletes_it(director, leisure):
    units = leisure.units
    url = reverse("activities:tariff_aid_create", args=[leisure.activity.pk])
    assert director.get(url).status_code == 200
    data = {
        "name": "Aide aux temps libres CAF",
        "funder": "caf",
        "max_quotient": "700",
        "mode": "montant",
        f"montant-{units['day'].pk}": "2,50",
        f"montant-{units['morning'].pk}": "1,25",
    }
    response = director.post(url, data)
    assert response.status_code == 302
    aid = TariffAid.objects.get(activity=leisure.activity)
    assert aid.max_quotient == 700
    assert {a.unit_id: a.value for a in aid.amounts.all()} == {
        units["day"].pk: D("2.50"),
        units["morning"].pk: D("1.25"),
    }
    page = text(director.get(reverse("activities:tariffs", args=[leisure.activity.pk])))
    assert "quotient jusqu'à 700,00 € : Journée avec repas 2,50 € déduits par unité" in page
    # Bad input: a rate above 100 %, a negative amount, a quotient too high — each named, nothing lost.
    edit = reverse("activities:tariff_aid_edit", args=[aid.pk])
    response = director.post(
        edit,
        {
            **data,
            "mode": "taux",
            f"montant-{units['day'].pk}": "150",
            f"montant-{units['meal'].pk}": "-1",
            "max_quotient": "99999",
        },
    )
    page = text(response)
    assert "Un pourcentage du prix, au plus 100." in page
    assert "Une aide ne peut pas être négative." in page
    assert input_value(response, f"montant-{units['morning'].pk}") == "1,25"
    assert TariffAid.objects.get().mode == "montant"
    response = director.post(edit, {**data, f"montant-{units['morning'].pk}": ""})
    assert response.status_code == 302
    assert aid.amounts.count() == 1
    director.post(reverse("activities:tariff_aid_delete", args=[aid.pk]))
    assert not TariffAid.objects.exists()


def test_a_director_sets_the_fixed_fees(director, leisure):
    url = reverse("activities:tariff_fees", args=[leisure.activity.pk])
    response = director.post(url, {"par_enfant-amount": "8", "par_enfant-name": "", "absence-amount": "-2"})
    assert "Un montant ne peut pas être négatif." in text(response)
    assert input_value(response, "par_enfant-amount") == "8"
    assert not TariffFee.objects.exists()
    response = director.post(
        url, {"par_enfant-amount": "8", "absence-amount": "4,50", "absence-name": "Absence"}
    )
    assert response.status_code == 302
    assert {f.kind: (f.name, f.amount) for f in TariffFee.objects.all()} == {
        "par_enfant": ("Frais de dossier par enfant et par saison", D("8")),
        "absence": ("Absence", D("4.50")),
    }
    director.post(url, {"par_enfant-amount": "", "absence-amount": "4,50", "absence-name": "Absence"})
    assert list(TariffFee.objects.values_list("kind", flat=True)) == ["absence"]
    assert "Absence (Pénalité pour une absence non prévenue (par unité)) : 4,50 €" in text(
        director.get(reverse("activities:tariffs", args=[leisure.activity.pk]))
    )


def test_a_commune_list_is_made_and_an_activity_picks_it_with_habiter_ou_travailler(director, leisure):
    from csc.activities.models import CommuneList

    response = director.post(
        reverse("activities:commune_list_create"), {"name": "CC du Val", "communes": " \n "}
    )
    assert "Indiquez au moins une commune." in text(response)
    response = director.post(
        reverse("activities:commune_list_create"), {"name": "CC du Val", "communes": "Roubaix\n\n Tourcoing "}
    )
    assert response.status_code == 302
    commune_list = CommuneList.objects.get()
    assert commune_list.commune_list == ["Roubaix", "Tourcoing"]
    activity = leisure.activity
    data = {
        "name": activity.name,
        "kind": activity.kind,
        "season": activity.season_id,
        "resident_communes": "Lille",
        "resident_commune_lists": [commune_list.pk],
        "workers_count_as_residents": "on",
    }
    assert director.post(reverse("activities:activity_edit", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert list(activity.resident_commune_lists.all()) == [commune_list]
    assert activity.workers_count_as_residents
    page = text(director.get(reverse("activities:tariffs", args=[activity.pk])))
    assert "les communes de « CC du Val » (Roubaix, Tourcoing), et dont aucun parent n'y travaille" in page
    assert "CC du Val" in text(director.get(reverse("activities:commune_lists")))
    director.post(reverse("activities:commune_list_delete", args=[commune_list.pk]))
    assert not CommuneList.objects.exists()


def test_an_activity_cannot_pick_another_centres_commune_list(director, leisure, centre_b):
    from csc.activities.models import CommuneList

    foreign = CommuneList.objects.create(centre=centre_b, name="Liste B", communes="Lens")
    activity = leisure.activity
    data = {"name": activity.name, "kind": activity.kind, "resident_commune_lists": [foreign.pk]}
    response = director.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert "Choisissez parmi les listes de communes du centre." in text(response)
    assert not activity.resident_commune_lists.exists()


def test_a_unit_is_kept_for_some_groups_and_its_price_may_fall(director, leisure):
    unit = leisure.units["afternoon"]
    data = {"name": "Sortie ados", "kind": unit.kind, "position": "3", "groups": [leisure.groups[2].pk]}
    response = director.post(reverse("activities:unit_edit", args=[unit.pk]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert list(unit.groups.all()) == [leisure.groups[2]]
    assert unit.price_rises_with_quotient is False  # unchecked box


def test_another_centres_aid_and_commune_list_get_a_404(director, centre_b):
    from csc.activities.models import CommuneList

    leisure_b = build_leisure_centre(centre_b, today=TODAY, holiday_start=HOLIDAYS)
    aid = TariffAid.objects.create(activity=leisure_b.activity, name="Aide B", funder="caf")
    commune_list = CommuneList.objects.create(centre=centre_b, name="Liste B", communes="Lens")
    for url in (
        reverse("activities:tariff_aid_edit", args=[aid.pk]),
        reverse("activities:tariff_aid_delete", args=[aid.pk]),
        reverse("activities:tariff_aid_create", args=[leisure_b.activity.pk]),
        reverse("activities:tariff_fees", args=[leisure_b.activity.pk]),
        reverse("activities:commune_list_edit", args=[commune_list.pk]),
        reverse("activities:commune_list_delete", args=[commune_list.pk]),
    ):
        assert director.get(url).status_code == 404, url
        assert director.post(url, {"name": "x"}).status_code == 404, url
    assert (
        TariffAid.objects.filter(pk=aid.pk).exists()
        and CommuneList.objects.filter(pk=commune_list.pk).exists()
    )
