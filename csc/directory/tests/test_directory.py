"""The network's directory of structures: hours, distances, who reads and who writes, bad input, and
that another network's entries are never seen."""

import re
from datetime import datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc.core.models import AuditEvent
from csc.directory import services
from csc.directory.forms import seen_token
from csc.directory.models import ServiceCategory, Structure
from csc.testing.factories import CentreFactory, FederationFactory, TerritoryFactory
from csc.testing.pages import page_text, visible_text

LILLE = (Decimal("50.63183"), Decimal("3.06339"))
ROUBAIX = (Decimal("50.69421"), Decimal("3.17456"))


def make_structure(centre, name="Médiathèque Jean Lévy", *, position=LILLE, **fields):
    structure = Structure.objects.create(
        federation_id=centre.territory.federation_id,
        kept_by=centre,
        name=name,
        city=fields.pop("city", "Lille"),
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
        **fields,
    )
    return structure


def week_with(monday=(), **other_days):
    week = [[] for _ in range(7)]
    week[0] = list(monday)
    return week


# --- Hours ----------------------------------------------------------------------------------------------


def test_a_week_of_hours_is_stored_and_read_back():
    stored = services.check_week(week_with([(time(9), time(12)), (time(13, 30), time(17))]))
    assert stored[0] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert stored[1:] == [[]] * 6
    structure = Structure(hours=stored)
    assert services.week_hours(structure)[0].label == "9 h – 12 h, 13 h 30 – 17 h"
    assert services.week_hours(structure)[1].label == "fermé"


@pytest.mark.parametrize(
    "monday, message",
    [
        ([(time(12), time(9))], "l'heure de fermeture (9 h) doit venir après celle d'ouverture (12 h)"),
        (
            [(time(9), time(12)), (time(11), time(17))],
            "la deuxième plage commence avant la fin de la première",
        ),
        ([(time(8), time(9)), (time(10), time(11)), (time(12), time(13))], "deux plages horaires au plus"),
    ],
)
def test_hours_that_make_no_sense_are_refused_in_french(monday, message):
    with pytest.raises(services.DirectoryRefused, match=re.escape(message)):
        services.check_week(week_with(monday))


def test_today_says_whether_it_is_open_now():
    structure = Structure(hours=services.check_week(week_with([(time(9), time(12)), (time(14), time(17))])))
    monday = datetime(2026, 11, 23)  # a Monday
    assert services.today_label(structure, monday.replace(hour=8)) == "Fermé pour l'instant, ouvre à 9 h"
    assert services.today_label(structure, monday.replace(hour=10)) == "Ouvert maintenant, jusqu'à 12 h"
    assert services.today_label(structure, monday.replace(hour=12, minute=30)) == (
        "Fermé pour l'instant, ouvre à 14 h"
    )
    assert services.today_label(structure, monday.replace(hour=17)) == "Fermé pour le reste de la journée"
    assert services.today_label(structure, datetime(2026, 11, 24, 10)) == "Fermé aujourd'hui"
    assert services.is_open_at(structure, monday.replace(hour=11, minute=59))
    assert not services.is_open_at(structure, monday.replace(hour=12))


def test_hours_saved_in_another_shape_show_as_closed_not_as_an_error():
    assert services.intervals_on(Structure(hours={"lundi": "9-12"}), 0) == []
    assert services.intervals_on(Structure(hours=[[["9h", "12h"]]]), 0) == []


# --- Distances --------------------------------------------------------------------------------------

coordinates = st.tuples(
    st.decimals(min_value=-89, max_value=89, places=5), st.decimals(min_value=-179, max_value=179, places=5)
)


def test_lille_to_roubaix_is_about_eleven_kilometres():
    assert 10 < services.distance_km(*LILLE, *ROUBAIX) < 11
    assert services.distance_label(services.distance_km(*LILLE, *ROUBAIX)) == "à 10,5 km"
    assert services.distance_label(0.2) == "à 200 m"
    assert services.distance_label(0.001) == "à 50 m"


@given(coordinates, coordinates, coordinates)
def test_distances_are_symmetric_positive_and_never_take_a_shortcut(a, b, c):
    ab = services.distance_km(*a, *b)
    assert ab >= 0
    assert ab == pytest.approx(services.distance_km(*b, *a), abs=1e-6)
    assert services.distance_km(*a, *a) == pytest.approx(0, abs=1e-6)
    assert ab <= services.distance_km(*a, *c) + services.distance_km(*c, *b) + 1e-6
    assert ab <= 20016  # half the Earth's circumference


def test_nearest_first_puts_places_without_a_position_last_by_name():
    far = Structure(name="Roubaix", latitude=ROUBAIX[0], longitude=ROUBAIX[1])
    near = Structure(name="Lille", latitude=LILLE[0], longitude=LILLE[1])
    nowhere_b, nowhere_a = Structure(name="Zèbre"), Structure(name="arbre")
    ordered = services.nearest_first([nowhere_b, far, nowhere_a, near], *LILLE)
    assert [n.structure.name for n in ordered] == ["Lille", "Roubaix", "arbre", "Zèbre"]
    assert [n.structure.name for n in services.nearest_first([far, near], None, None)] == ["Lille", "Roubaix"]


@pytest.mark.parametrize("url", ["http://exemple.fr", "javascript:alert(1)", "https://", "ftp://exemple.fr"])
def test_only_https_links_are_kept(url):
    with pytest.raises(services.DirectoryRefused, match="https://"):
        services.check_website(url)


# --- Pages --------------------------------------------------------------------------------------------


def test_the_team_reads_the_network_directory_nearest_first(centre_a, centre_b, staff, login):
    make_structure(centre_b, "France Services Roubaix", position=ROUBAIX, city="Roubaix")
    make_structure(centre_a, "Médiathèque Jean Lévy", kind=Structure.Kind.LIBRARY)
    make_structure(centre_a, "Sans adresse précise", position=None)
    gone = make_structure(centre_a, "Ancienne permanence")
    gone.is_active = False
    gone.save()
    other = CentreFactory(
        territory=TerritoryFactory(federation=FederationFactory(slug="autre", name="Autre"))
    )
    make_structure(other, "Structure d'un autre réseau")

    client = login(staff("animator", "a"))
    response = client.get("/annuaire/")
    text = visible_text(response)
    assert response.status_code == 200
    assert text.index("Médiathèque Jean Lévy") < text.index("France Services Roubaix")
    assert text.index("France Services Roubaix") < text.index("Sans adresse précise")
    assert re.search(r"à 1\d,\d km", text)
    assert "Structure d'un autre réseau" not in text
    assert "Ancienne permanence" not in text
    assert "Ajouter une structure" not in text  # animators read; they do not keep the directory

    assert "Médiathèque Jean Lévy" in visible_text(client.get("/annuaire/?q=mediatheque  LILLE"))
    assert "France Services Roubaix" not in visible_text(client.get("/annuaire/?q=mediatheque"))
    assert "Ancienne permanence" in visible_text(client.get("/annuaire/?retirees=1"))


def test_another_networks_entry_is_a_404_everywhere(centre_a, staff, login):
    other = CentreFactory(
        territory=TerritoryFactory(federation=FederationFactory(slug="autre", name="Autre"))
    )
    foreign = make_structure(other, "Structure d'un autre réseau")
    client = login(staff("reception", "a"))
    for url in (
        f"/annuaire/{foreign.pk}/",
        f"/annuaire/{foreign.pk}/modifier/",
        f"/annuaire/{foreign.pk}/retirer/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/annuaire/{foreign.pk}/retirer/").status_code == 404
    assert (
        client.post(f"/annuaire/{foreign.pk}/modifier/", {"name": "Piraté", "city": "Lille"}).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.name == "Structure d'un autre réseau" and foreign.is_active


def test_an_animator_cannot_add_or_change_an_entry(centre_a, staff, login):
    structure = make_structure(centre_a)
    client = login(staff("animator", "a"))
    assert client.get("/annuaire/nouvelle/").status_code == 404
    assert (
        client.post(f"/annuaire/{structure.pk}/modifier/", {"name": "X", "city": "Lille"}).status_code == 404
    )
    assert client.get(f"/annuaire/{structure.pk}/").status_code == 200


def form_data(**overrides):
    data = {
        "name": "France Services Lille Sud",
        "kind": "france_services",
        "description": "Aide pour la CAF, les impôts et la carte grise, sans rendez-vous.",
        "address": "1 rue de l'Exemple",
        "postcode": "59000",
        "city": "Lille",
        "latitude": "50.61",
        "longitude": "3.05",
        "phone": "03 20 00 00 01",
        "email": "",
        "website": "https://www.france-services.gouv.fr",
        "hours_note": "Fermé le premier lundi du mois",
        "lundi_1_ouvre": "09:00",
        "lundi_1_ferme": "12:00",
        "lundi_2_ouvre": "13:30",
        "lundi_2_ferme": "17:00",
        "mercredi_1_ouvre": "09:00",
        "mercredi_1_ferme": "17:00",
    }
    data.update(overrides)
    return data


def test_reception_adds_a_structure_with_its_hours_and_services(centre_a, staff, login, clock):
    clock("2027-01-05 10:00")  # a Tuesday: Monday's hours are written plainly
    client = login(staff("reception", "a"))
    online = ServiceCategory.objects.get(slug="demarches-en-ligne")
    data = form_data(categories=[online.pk])
    response = client.post("/annuaire/nouvelle/", data)
    structure = Structure.objects.get(name="France Services Lille Sud")
    assert response.status_code == 302 and response["Location"] == f"/annuaire/{structure.pk}/"
    assert structure.federation_id == centre_a.territory.federation_id and structure.kept_by == centre_a
    assert structure.phone == "+33320000001"
    assert structure.hours[0] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert structure.hours[2] == [["09:00", "17:00"]]
    assert list(structure.categories.all()) == [online]
    assert AuditEvent.objects.filter(object_type="directory.structure", object_id=str(structure.pk)).exists()

    page = visible_text(client.get(f"/annuaire/{structure.pk}/"))
    assert "« France Services Lille Sud » est dans l'annuaire." in page
    assert "Lundi 9 h – 12 h, 13 h 30 – 17 h" in page
    assert "Aide aux démarches en ligne" in page
    assert "03 20 00 00 01" in page

    clock("2027-01-04 10:00")  # on a Monday, the week's table says which day is today
    page = visible_text(client.get(f"/annuaire/{structure.pk}/"))
    assert "Lundi (aujourd'hui) 9 h – 12 h, 13 h 30 – 17 h" in page

    response = client.post(
        f"/annuaire/{structure.pk}/modifier/",
        form_data(name="France Services Lille-Sud", vu=seen_token(structure)),
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "France Services Lille-Sud"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"website": "http://exemple.fr"}, "L'adresse du site doit commencer par https://"),
        ({"website": "javascript:alert(1)"}, "Saisissez une URL valide."),
        ({"name": ""}, "Écrivez le nom de la structure."),
        ({"postcode": "590"}, "Le code postal compte 5 chiffres"),
        ({"phone": "12"}, "Ce numéro de téléphone n'est pas"),
        ({"longitude": ""}, "Donnez la latitude et la longitude ensemble"),
        ({"latitude": "95"}, "inférieure ou égale à 90"),
        ({"lundi_1_ferme": ""}, "Donnez l'heure d'ouverture et l'heure de fermeture."),
        ({"lundi_1_ferme": "08:00"}, "l'heure de fermeture (8 h) doit venir après celle d'ouverture (9 h)"),
        ({"lundi_1_ouvre": "neuf heures"}, "Saisissez une heure, par exemple 09:00."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_typed_is_lost(centre_a, staff, login, overrides, message):
    client = login(staff("reception", "a"))
    response = client.post("/annuaire/nouvelle/", form_data(**overrides))
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Le reste de votre saisie est conservé." in text
    assert 'value="Aide pour la CAF' in text or "Aide pour la CAF, les impôts" in text
    assert not Structure.objects.exists()


def test_a_withdrawn_structure_leaves_the_lists_and_can_come_back(centre_a, centre_b, staff, login):
    structure = make_structure(centre_a, "Permanence CAF")
    client = login(staff("reception", "a"))  # the centre that keeps it (test_ownership.py: only it)
    assert "Retirer « Permanence CAF » de l'annuaire ?" in page_text(
        client.get(f"/annuaire/{structure.pk}/retirer/")
    )
    client.post(f"/annuaire/{structure.pk}/retirer/")
    structure.refresh_from_db()
    assert not structure.is_active
    assert f'href="/annuaire/{structure.pk}/"' not in page_text(client.get("/annuaire/"))
    # A colleague's « Retirer » from a page opened before leaves it withdrawn (it used to flip it back).
    client.post(f"/annuaire/{structure.pk}/retirer/", {"annuaire": "0"})
    structure.refresh_from_db()
    assert not structure.is_active
    detail = client.get(f"/annuaire/{structure.pk}/").content.decode()
    assert '<input type="hidden" name="annuaire" value="1">' in detail
    client.post(f"/annuaire/{structure.pk}/retirer/", {"annuaire": "1"})
    structure.refresh_from_db()
    assert structure.is_active


def test_the_list_costs_the_same_queries_for_ten_or_forty_entries(
    centre_a, staff, login, django_assert_max_num_queries
):
    client = login(staff("reception", "a"))
    online = ServiceCategory.objects.get(slug="demarches-en-ligne")
    for index in range(40):
        make_structure(centre_a, f"Lieu {index:02d}").categories.add(online)
    client.get("/annuaire/")
    with django_assert_max_num_queries(10):
        response = client.get("/annuaire/?service=demarches-en-ligne")
    assert "Lieu 00" in visible_text(response)
