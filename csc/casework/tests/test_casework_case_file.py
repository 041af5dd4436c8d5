"""A person's case file: the situation summary each centre defines, the budget and its history, the
contacts, the household's history."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from csc.casework import services
from csc.casework.actions import CASE_READ, CASE_REFUSED
from csc.casework.models import BudgetLine, HouseholdChange, PersonContact, SituationField, ThirdParty
from csc.core.models import AuditEvent
from csc.people.models import HouseholdMember
from csc.testing.factories import PersonFactory
from csc.testing.pages import visible_text


def situation_fields(centre):
    return {
        "job": SituationField.objects.create(
            centre=centre, label="Situation professionnelle", kind="choice", choices="Salariée\nSans emploi\n"
        ),
        "children": SituationField.objects.create(centre=centre, label="Enfants à charge", kind="number"),
        "arrival": SituationField.objects.create(centre=centre, label="Arrivée en France", kind="date"),
        "permit": SituationField.objects.create(centre=centre, label="Titre de séjour", kind="text"),
    }


def test_the_situation_the_centre_defined_is_filled_typed_and_stored_encrypted(client, worker, family):
    _, mother, _ = family
    fields = situation_fields(mother.centre)
    client.force_login(worker())
    page = client.get(f"/accompagnement/personnes/{mother.pk}/situation/")
    assert "Situation professionnelle" in visible_text(page) and "Arrivée en France" in visible_text(page)
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/situation/",
        {
            f"rubrique_{fields['job'].pk}": "Sans emploi",
            f"rubrique_{fields['children'].pk}": "2,0",
            f"rubrique_{fields['arrival'].pk}": "15/03/2019",
            f"rubrique_{fields['permit'].pk}": "Carte de résident <10 ans>",
        },
    )
    assert response.status_code == 302
    answers = {value.field_id: value.value for value in mother.casework_situation.all()}
    assert answers == {
        fields["job"].pk: "Sans emploi",
        fields["children"].pk: "2",
        fields["arrival"].pk: "2019-03-15",
        fields["permit"].pk: "Carte de résident <10 ans>",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM casework_situationvalue")
        assert all(row[0].startswith("enc1:") and "résident" not in row[0] for row in cursor.fetchall())
    text = visible_text(client.get(f"/accompagnement/personnes/{mother.pk}/"))
    assert "Arrivée en France 15/03/2019" in text and "Carte de résident <10 ans>" in text


def test_a_bad_situation_answer_is_named_and_nothing_is_saved(client, worker, family):
    _, mother, _ = family
    fields = situation_fields(mother.centre)
    client.force_login(worker())
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/situation/",
        {
            f"rubrique_{fields['children'].pk}": "deux",
            f"rubrique_{fields['arrival'].pk}": "32/13/2019",
            f"rubrique_{fields['job'].pk}": "Retraitée",
            f"rubrique_{fields['permit'].pk}": "Récépissé",
        },
    )
    text = visible_text(response)
    assert response.status_code == 400
    assert "« Enfants à charge » : saisissez un nombre" in text
    assert "« Arrivée en France » : saisissez une date comme 31/12/2024." in text
    assert "Choisissez une réponse." in text
    assert 'value="deux"' in response.content.decode() and "Récépissé" in response.content.decode()
    assert not mother.casework_situation.exists()


def test_emptying_an_answer_removes_it(worker, family):
    _, mother, _ = family
    fields = situation_fields(mother.centre)
    user = worker()
    services.save_situation(mother, by=user, answers={fields["permit"].pk: "Récépissé"})
    assert services.save_situation(mother, by=user, answers={fields["permit"].pk: ""}) == 1
    assert not mother.casework_situation.exists()


def test_the_budget_keeps_its_history_when_an_amount_changes(client, worker, family):
    household, mother, _ = family
    client.force_login(worker())
    first_of_month = timezone.localdate().replace(day=1)
    start = first_of_month - timedelta(days=90)
    for direction, category, amount in (("income", "rsa", "607,75"), ("charge", "rent", "450")):
        response = client.post(
            f"/accompagnement/personnes/{mother.pk}/budget/",
            {
                "direction": direction,
                "category": category,
                "monthly_amount": amount,
                "started_on": start.strftime("%d/%m/%Y"),
            },
        )
        assert response.status_code == 302
    rent = BudgetLine.objects.get(category="rent")
    response = client.post(
        f"/accompagnement/personnes/{mother.pk}/budget/{rent.pk}/",
        {"quoi": "changer", "monthly_amount": "480,50", "from_date": first_of_month.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    rent.refresh_from_db()
    assert rent.ended_on == first_of_month - timedelta(days=1)
    now = visible_text(client.get(f"/accompagnement/personnes/{mother.pk}/budget/"))
    # 607,75 − 480,50 = 127,25 a month, for the two people of the household: 2,12 a day each.
    assert "Reste à vivre 127,25 € par mois" in now
    assert "soit 2,12 € par personne et par jour (2 personnes au foyer)" in now
    before = visible_text(
        client.get(f"/accompagnement/personnes/{mother.pk}/budget/", {"au": start.strftime("%d/%m/%Y")})
    )
    assert "Reste à vivre 157,75 € par mois" in before
    assert "Loyer : 480,50 €" in visible_text(client.get(f"/accompagnement/personnes/{mother.pk}/"))


def test_bad_budget_input_is_refused_in_french(client, worker, family):
    _, mother, _ = family
    user = worker()
    client.force_login(user)
    url = f"/accompagnement/personnes/{mother.pk}/budget/"
    response = client.post(url, {"direction": "income", "category": "rsa", "monthly_amount": "beaucoup"})
    assert response.status_code == 400 and "Saisissez un montant, par exemple 450 ou 450,50." in visible_text(
        response
    )
    response = client.post(
        url, {"direction": "income", "category": "rent", "monthly_amount": "450", "started_on": "01/01/2026"}
    )
    assert "Cette nature est une charge, pas une ressource." in visible_text(response)
    response = client.post(
        url, {"direction": "charge", "category": "rent", "monthly_amount": "-3", "started_on": "01/01/2026"}
    )
    assert "Le montant ne peut pas être négatif." in visible_text(response)
    assert not BudgetLine.objects.exists()
    line = services.add_budget_line(
        mother,
        by=user,
        direction="charge",
        category="energy",
        monthly_amount=Decimal("80"),
        started_on=date(2026, 1, 10),
    )
    response = client.post(f"{url}{line.pk}/", {"quoi": "terminer", "ended_on": "01/01/2026"})
    assert (
        response.status_code == 400
        and "La fin ne peut pas précéder le début (10/01/2026)." in visible_text(response)
    )
    response = client.get(url, {"au": "hier"})
    assert response.status_code == 200 and "Date non reconnue" in visible_text(response)


amounts = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    incomes=st.lists(amounts, max_size=6),
    charges=st.lists(amounts, max_size=6),
    size=st.integers(min_value=1, max_value=12),
    ended=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_the_budget_arithmetic_counts_each_current_line_once(incomes, charges, size, ended):
    day = date(2026, 6, 15)
    lines = [
        BudgetLine(
            direction=direction,
            category="other",
            monthly_amount=amount,
            started_on=date(2026, 1, 1),
            ended_on=date(2026, 5, 31) if gone else None,
        )
        for (direction, amount), gone in zip(
            [("income", a) for a in incomes] + [("charge", a) for a in charges], ended, strict=False
        )
    ]
    budget = services.budget_on(lines, day, household_size=size)
    current = [line for line in lines if line.ended_on is None]
    income = sum((line.monthly_amount for line in current if line.direction == "income"), Decimal(0))
    charge = sum((line.monthly_amount for line in current if line.direction == "charge"), Decimal(0))
    assert budget.income_total == income and budget.charge_total == charge
    assert budget.remainder == income - charge
    assert (
        abs(budget.remainder_per_person_per_day * size * 30 - budget.remainder)
        <= Decimal("0.005") * size * 30
    )


def test_contacts_come_from_the_centre_address_book_and_leave_it_untouched(client, worker, family, centre_b):
    _, mother, son = family
    client.force_login(worker())
    url = f"/accompagnement/personnes/{mother.pk}/contacts/"
    response = client.post(
        url,
        {
            "quoi": "nouveau",
            "nouveau-kind": "doctor",
            "nouveau-name": "Dr Martin",
            "nouveau-phone": "03 20 11 22 33",
            "nouveau-role": "médecin traitant",
        },
    )
    assert response.status_code == 302
    doctor = ThirdParty.objects.get()
    assert doctor.centre == mother.centre
    assert "Dr Martin — Médecin, soignant (médecin traitant)" in visible_text(
        client.get(f"/accompagnement/personnes/{mother.pk}/")
    )
    response = client.post(
        f"/accompagnement/personnes/{son.pk}/contacts/", {"quoi": "carnet", "third_party": doctor.pk}
    )
    assert response.status_code == 302 and son.casework_contacts.get().third_party == doctor

    foreign = ThirdParty.objects.create(centre=centre_b, kind="landlord", name="Bailleur secret")
    response = client.post(url, {"quoi": "carnet", "third_party": foreign.pk})
    assert response.status_code == 400 and "Choisissez un contact." in visible_text(response)
    assert "Bailleur secret" not in response.content.decode()
    response = client.post(url, {"quoi": "nouveau", "nouveau-kind": "doctor", "nouveau-email": "pas-un-mail"})
    assert "Saisissez le nom du contact." in visible_text(
        response
    ) and "adresse e-mail valide" in visible_text(response)

    contact = mother.casework_contacts.get()
    assert client.post(f"{url}{contact.pk}/retirer/").status_code == 302
    assert (
        not PersonContact.objects.filter(person=mother).exists()
        and ThirdParty.objects.filter(pk=doctor.pk).exists()
    )
    assert (
        client.post(f"{url}{son.casework_contacts.get().pk}/retirer/").status_code == 404
    )  # the son's contact


def test_the_household_history_follows_arrivals_relations_and_departures(
    client, worker, family, django_capture_on_commit_callbacks
):
    household, mother, son = family
    partner = PersonFactory(centre=household.centre, first_name="Ibrahim", last_name="Diallo")
    membership = HouseholdMember.objects.create(household=household, person=partner, relation="conjoint")
    membership.relation = "autre"
    membership.save()
    with django_capture_on_commit_callbacks(execute=True):
        membership.delete()
    changes = list(
        HouseholdChange.objects.filter(person=partner).order_by("at", "id").values_list("change", "relation")
    )
    assert changes == [("joined", "conjoint"), ("relation", "autre"), ("left", "autre")]
    client.force_login(worker())
    text = visible_text(client.get(f"/accompagnement/personnes/{mother.pk}/"))
    assert "Départ du foyer — Ibrahim Diallo (autre membre)" in text


def test_another_centre_person_file_parts_are_journaled_404s(client, worker, centre_b):
    stranger = PersonFactory(centre=centre_b)
    line = BudgetLine.objects.create(person=stranger, direction="charge", category="rent", monthly_amount=500)
    user = worker()
    client.force_login(user)
    for url in ("situation/", "budget/", f"budget/{line.pk}/", "contacts/"):
        assert client.get(f"/accompagnement/personnes/{stranger.pk}/{url}").status_code == 404
    assert AuditEvent.objects.filter(action=CASE_REFUSED, actor=user).count() == 4
    assert not AuditEvent.objects.filter(action=CASE_READ, actor=user).exists()


def test_the_file_pages_make_as_many_queries_with_many_records(
    client, worker, family, open_period, django_assert_max_num_queries
):
    """The person file, a period's actions and documents: no query per line."""
    _, mother, _ = family
    situation_fields(mother.centre)
    user = worker()
    client.force_login(user)

    def grow(period, count):
        for index in range(count):
            services.add_budget_line(
                mother, by=user, direction="charge", category="other", monthly_amount=Decimal(index)
            )
            third_party = services.save_third_party(mother.centre, kind="partner", name=f"Partenaire {index}")
            services.link_contact(mother, third_party=third_party)
            action = services.start_action(period, by=user, title=f"Action {index}")
            services.evaluate_action(action, by=user, progress="some")

    def queries(period):
        counts = []
        for url in (
            f"/accompagnement/personnes/{mother.pk}/",
            f"/accompagnement/personnes/{mother.pk}/budget/",
            f"/accompagnement/personnes/{mother.pk}/contacts/",
            f"/accompagnement/parcours/{period.pk}/actions/",
        ):
            with django_assert_max_num_queries(40) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    period = open_period(user, [mother])
    grow(period, 2)
    few = queries(period)
    grow(period, 10)
    assert queries(period) == few


def test_merging_two_records_of_a_person_keeps_their_whole_case_file(worker, family, open_period):
    from csc.people import services as people_services

    _, mother, _ = family
    duplicate = PersonFactory(centre=mother.centre, first_name="Awa", last_name="Diallo")
    user = worker()
    period = open_period(user, [duplicate])
    exchange = services.log_exchange(
        period, author=user, kind="call", happened_on=period.opened_on, persons=[duplicate]
    )
    services.add_budget_line(
        duplicate, by=user, direction="income", category="rsa", monthly_amount=Decimal(600)
    )
    people_services.merge_people(keep=mother, duplicate=duplicate, actor=user)
    assert list(period.persons.all()) == [mother]
    assert list(exchange.persons.all()) == [mother]
    assert mother.casework_budget.get().monthly_amount == 600
