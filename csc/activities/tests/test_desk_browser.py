"""Reception registers a child at the desk and cancels it, in a real Chromium with axe-core on every
page crossed; the membership is taken from the same page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from csc.activities.demo import build_leisure_centre
from csc.activities.models import Registration
from csc.people.models import Membership
from csc.testing.browser import assert_accessible, field, log_in, new_page
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reception_registers_a_child_at_the_desk_sees_the_fee_and_cancels(
    browser, live_server, reception_a, centre_a
):
    today = timezone.localdate()
    leisure = build_leisure_centre(centre_a, today=today)
    household = HouseholdFactory(centre=centre_a, name="Famille Martin", family_quotient=Decimal("480"))
    HouseholdMemberFactory(household=household, person__first_name="Nadia", person__last_name="Martin")
    # Eight years old at the period's start: the middle group.
    first_day = leisure.period.days.order_by("date").first().date
    ines = PersonFactory(
        centre=centre_a, first_name="Inès", last_name="Martin", birth_date=date(first_day.year - 8, 1, 15)
    )
    HouseholdMemberFactory(household=household, person=ines, relation="enfant")
    days = list(leisure.period.days.order_by("date"))[:2]
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reception_a)

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Foyers", exact=True
    ).click()
    page.get_by_role("link", name="Famille Martin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Famille Martin")
    expect(page.get_by_text("Aucun enfant du foyer n'est inscrit.")).to_be_visible()
    assert_accessible(page, visited)

    # The membership of the season, at the grid's fee.
    page.get_by_role("link", name="Prendre l'adhésion").click()
    assert_accessible(page, visited)
    page.get_by_label(re.compile(f"^{leisure.season.name} — ")).check()
    page.get_by_role("button", name="Enregistrer l'adhésion").click()
    expect(page.get_by_text(re.compile(f"Adhésion {leisure.season.name} enregistrée"))).to_be_visible()
    assert Membership.objects.in_force().filter(household=household).count() == 1

    # The desk registration: child and period, then the days, « Calculer », « Inscrire ».
    page.get_by_role("link", name="Inscrire un enfant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire un enfant de Famille Martin")
    assert_accessible(page, visited)
    page.get_by_label(field("Enfant")).select_option(label=f"Inès Martin ({ines.birth_date:%d/%m/%Y})")
    page.get_by_label(field("Activité et période")).select_option(
        label=f"{leisure.activity.name} — {leisure.period.name}"
    )
    page.get_by_role("button", name="Choisir").click()
    expect(page.get_by_label(field("Groupe"))).to_have_value(str(leisure.groups[1].pk))  # proposed by age
    assert_accessible(page, visited)
    for day in days:
        page.get_by_label(f"Journée avec repas le {day.date:%d/%m/%Y}").check()
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_role("heading", name="3. Le montant, puis l'inscription")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Journée avec repas : 2 ×"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="Total")).to_be_visible()
    assert not Registration.objects.exists()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Inscrire Inès").click()
    expect(page.get_by_text(re.compile("Inès est inscrit\\(e\\) à"))).to_be_visible()
    registration = Registration.objects.get()
    expect(
        page.get_by_role("cell", name=f"2 jours, du {days[0].date:%d/%m/%Y} au {days[1].date:%d/%m/%Y}")
    ).to_be_visible()
    assert_accessible(page, visited)

    # Cancelled with a reason, required.
    page.get_by_role("link", name=re.compile("Annuler l'inscription de Inès")).click()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Annuler l'inscription").click()
    expect(page.locator("#erreurs-formulaire")).to_be_focused()
    assert_accessible(page, visited)
    page.get_by_label(field("Motif de l'annulation")).fill("La famille déménage")
    page.get_by_role("button", name="Annuler l'inscription").click()
    expect(page.get_by_text("Inscription de Inès annulée.")).to_be_visible()
    expect(page.get_by_role("cell", name="Annulée : La famille déménage")).to_be_visible()
    assert_accessible(page, visited)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert len(visited) == 9
    context.close()


def test_a_second_child_registered_at_the_desk_gets_the_second_child_price_and_the_first_keeps_hers(
    browser, live_server, reception_a, centre_a
):
    """The issue's scenario: Inès was registered first (online, validated); reception registers her
    younger brother at the desk. He gets the grid's 2nd-child reduction, explained on its own line, and
    Inès's fee does not move."""
    from csc.activities import registrations
    from csc.activities.models import Registration as Reg

    today = timezone.localdate()
    leisure = build_leisure_centre(centre_a, today=today)  # 4,15 € the day under QF 650; 2nd child −10 %
    household = HouseholdFactory(centre=centre_a, name="Famille Haddad", family_quotient=Decimal("480"))
    first_day = leisure.period.days.order_by("date").first().date
    ines = PersonFactory(
        centre=centre_a, first_name="Inès", last_name="Haddad", birth_date=date(first_day.year - 8, 1, 15)
    )
    adam = PersonFactory(
        centre=centre_a, first_name="Adam", last_name="Haddad", birth_date=date(first_day.year - 5, 3, 2)
    )
    for child in (ines, adam):
        HouseholdMemberFactory(household=household, person=child, relation="enfant")
    days = list(leisure.period.days.order_by("date"))[:2]
    registrations.register(
        period=leisure.period,
        child=ines,
        household=household,
        group_id=leisure.groups[1].pk,
        bookings=[(d.pk, leisure.units["day"].pk) for d in days],
        source=Reg.Source.ONLINE,
    )
    visited = []
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    log_in(page, live_server, reception_a)
    page.goto(f"{live_server.url}/foyers/{household.pk}/")
    expect(
        page.get_by_role("row").filter(has_text="Inès").filter(has_text=leisure.period.name)
    ).to_contain_text("8,30\u00a0€")
    page.get_by_role("link", name="Inscrire un enfant").click()
    page.get_by_label(field("Enfant")).select_option(label=f"Adam Haddad ({adam.birth_date:%d/%m/%Y})")
    page.get_by_label(field("Activité et période")).select_option(
        label=f"{leisure.activity.name} — {leisure.period.name}"
    )
    page.get_by_role("button", name="Choisir").click()
    expect(page.get_by_label(field("Groupe"))).to_have_value(str(leisure.groups[0].pk))
    for day in days:
        page.get_by_label(f"Journée avec repas le {day.date:%d/%m/%Y}").check()
    page.get_by_role("button", name="Calculer").click()
    expect(page.get_by_role("cell", name=re.compile("Adam — Journée avec repas : 2 × 4,15"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Adam — réduction 2e enfant \\(10 %\\)"))).to_be_visible()
    assert_accessible(page, visited)
    page.get_by_role("button", name="Inscrire Adam").click()
    expect(page.get_by_text(re.compile("Adam est inscrit\\(e\\) à .* 7,47"))).to_be_visible()
    expect(
        page.get_by_role("row").filter(has_text="Inès").filter(has_text=leisure.period.name)
    ).to_contain_text("8,30\u00a0€")
    expect(
        page.get_by_role("row").filter(has_text="Adam").filter(has_text=leisure.period.name)
    ).to_contain_text("7,47\u00a0€")
    assert_accessible(page, visited)
    amounts = dict(Reg.objects.values_list("child__first_name", "amount"))
    assert amounts == {"Inès": Decimal("8.30"), "Adam": Decimal("7.47")}
    assert dict(Reg.objects.values_list("child__first_name", "rank")) == {"Inès": 1, "Adam": 2}
