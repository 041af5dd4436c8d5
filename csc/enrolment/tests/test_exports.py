"""Exports of registrations, memberships and amounts due, as reception opens them in Excel."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from csc.activities.demo import build_leisure_centre
from csc.activities.models import BookedUnit, Registration
from csc.core.models import AuditEvent
from csc.core.text import normalize
from csc.enrolment import exports, services
from csc.people.models import Household, HouseholdMember, Membership, Person

from .helpers import family

TODAY = date(2026, 11, 21)


@pytest.fixture
def leisure(centre_a):
    return build_leisure_centre(centre_a, today=TODAY, places=20, holiday_start=date(2026, 12, 21))


def period_url(leisure, fmt, **query):
    url = reverse("enrolment:export_period", args=[leisure.period.pk, fmt])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    body = content(response)
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read accents"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_row_count(body: bytes) -> int:
    """Rows of the first sheet, counted in its XML: quicker than openpyxl for 10,000 rows."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").count(b"<row ")


def xlsx_sheet(response):
    workbook = load_workbook(io.BytesIO(content(response)))
    return workbook.worksheets[0]


def validated_families(leisure, reception_a):
    """Two families through the real path: the Martins (two children, the second with the sibling
    reduction, QF 480) and the Diallos (one child, QF 900, outside the commune)."""
    d1, d2, d3 = list(leisure.period.days.all())[:3]
    units = leisure.units
    moyens, grands = leisure.groups[1], leisure.groups[2]
    martins = family(
        [
            (moyens, [(d1.pk, units["day"].pk), (d2.pk, units["morning"].pk), (d2.pk, units["meal"].pk)]),
            (grands, [(d1.pk, units["day"].pk)]),
        ],
        qf="480",
    )
    martins.children[0].birth_date = date(2019, 4, 2)  # 7 on the first day: Moyens
    martins.children[1].birth_date = date(2016, 5, 3)  # 10: Grands
    diallos = family(
        [(moyens, [(d3.pk, units["day"].pk)])], qf="900", city="Roubaix", email="diallo@example.org"
    )
    diallos.children[0].first_name, diallos.children[0].last_name = "Awa", "Diallo"
    diallos.children[0].birth_date = date(2019, 9, 30)
    diallos.adults[0].first_name, diallos.adults[0].last_name = "Fatou", "Diallo"
    for submission in (martins, diallos):
        request = services.submit_registration_request(period=leisure.period, submission=submission)
        services.validate(request=request, by=reception_a)
    return d1, d2, d3


def test_the_registrations_export_in_excel_lists_children_days_fees_and_contacts(login, reception_a, leisure):
    d1, d2, d3 = validated_families(leisure, reception_a)
    response = login(reception_a).get(period_url(leisure, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    slug = exports.file_slug(leisure.period.name)
    assert response["Content-Disposition"] == f'attachment; filename="inscrits-{slug}.xlsx"'
    assert "/" not in slug and slug.startswith("vacances-du-21-12-au-")
    sheet = xlsx_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    days = list(leisure.period.days.all())
    assert header[:4] == ("Nom", "Prénom", "Date de naissance", "Groupe")
    assert header[4] == "lun. 21/12" and len(header) == 4 + len(days) + 8
    by_name = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {("Martin", "Enfant0"), ("Martin", "Enfant1"), ("Diallo", "Awa")}

    registrations = {r.child.first_name: r for r in Registration.objects.select_related("child")}
    awa = by_name[("Diallo", "Awa")]
    assert awa["Date de naissance"] == datetime(2019, 9, 30)
    assert awa["Groupe"] == "Moyens (6-8 ans)"
    assert awa[f"mer. {d3.date:%d/%m}"] == "Journée avec repas"
    assert awa["lun. 21/12"] is None
    assert awa["Jours réservés"] == 1
    assert Decimal(str(awa["Montant dû"])) == registrations["Awa"].amount
    assert awa["Tranche"] == "841 à 1050 €"
    assert awa["Responsable du foyer"] == "Fatou Diallo"
    assert awa["Téléphone"] == "06 12 34 56 78"
    assert awa["E-mail"] == "diallo@example.org"
    assert awa["Commune"] == "Roubaix"

    enfant0 = by_name[("Martin", "Enfant0")]
    assert enfant0[f"mar. {d2.date:%d/%m}"] == "Matinée + Repas du midi"
    assert enfant0["Jours réservés"] == 2
    assert enfant0["Quotient familial appliqué"] == 480
    assert enfant0["Tranche"] == "0 à 650 €"
    # Moyens before Grands, as the groups go by age.
    assert [row[1] for row in rows[1:]] == ["Awa", "Enfant0", "Enfant1"]

    # Amounts are numbers shown in euros, dates are dates shown as French dates.
    amount_column = header.index("Montant dû") + 1
    assert sheet.cell(row=2, column=amount_column).number_format == exports.MONEY_FORMAT
    assert sheet.cell(row=2, column=3).number_format == exports.DATE_FORMAT
    assert sheet.cell(row=2, column=3).is_date


def test_the_registrations_export_in_csv_opens_in_french_excel(login, reception_a, leisure):
    validated_families(leisure, reception_a)
    response = login(reception_a).get(period_url(leisure, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    rows = csv_rows(response)
    header = rows[0]
    assert header[:4] == ["Nom", "Prénom", "Date de naissance", "Groupe"]
    by_first_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    registrations = {r.child.first_name: r for r in Registration.objects.select_related("child")}
    for first_name, row in by_first_name.items():
        assert row["Montant dû"] == f"{registrations[first_name].amount:.2f}".replace(".", ",")
    # The youngest Martin pays (4,15 + 1,80 + 1,00) − 10 %; Awa, from another commune, 8,40 + 3,00.
    assert [by_first_name[name]["Montant dû"] for name in ("Enfant0", "Enfant1", "Awa")] == [
        "6,25",
        "4,15",
        "11,40",
    ]
    assert by_first_name["Awa"]["Date de naissance"] == "30/09/2019"
    assert by_first_name["Awa"]["Quotient familial appliqué"] == "900,00"


def test_one_group_only_and_bad_groups_or_formats_are_404_never_500(login, reception_a, leisure, centre_b):
    validated_families(leisure, reception_a)
    client = login(reception_a)
    grands = leisure.groups[2]
    rows = csv_rows(client.get(period_url(leisure, "csv", groupe=grands.pk)))
    assert [row[1] for row in rows[1:]] == ["Enfant1"]
    assert all(row[3] == "Grands (9-11 ans)" for row in rows[1:])
    assert client.get(period_url(leisure, "csv", groupe="")).status_code == 200

    other = build_leisure_centre(centre_b, today=TODAY, holiday_start=date(2026, 12, 21))
    for value in [other.groups[0].pk, "abc", "1.5", "%27", "99999999999999999999999", "-1"]:
        assert client.get(period_url(leisure, "xlsx", groupe=value)).status_code == 404, value
    for fmt in ["pdf", "xls", "CSV", "csv.exe"]:
        assert client.get(period_url(leisure, fmt)).status_code == 404, fmt
    assert client.get(reverse("enrolment:export_period", args=[999999, "csv"])).status_code == 404


def test_another_centre_or_a_role_without_enrolment_gets_a_404(login, staff, leisure, centre_b):
    urls = [
        period_url(leisure, "csv"),
        period_url(leisure, "xlsx"),
        reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "csv"]),
        reverse("enrolment:export_memberships", args=[leisure.season.pk, "xlsx"]),
    ]
    for user in (staff("reception", "b"), staff("animator", "a")):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    assert not AuditEvent.objects.filter(action="enrolment.export").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, leisure):
    response = client.get(period_url(leisure, "csv"))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_each_export_is_journaled_without_personal_data(login, reception_a, leisure):
    client = login(reception_a)
    content(client.get(period_url(leisure, "csv", groupe=leisure.groups[0].pk)))
    content(client.get(reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "xlsx"])))
    content(client.get(reverse("enrolment:export_memberships", args=[leisure.season.pk, "csv"])))
    events = list(AuditEvent.objects.filter(action="enrolment.export").order_by("id"))
    assert [(e.centre_id, e.actor_id) for e in events] == [(leisure.activity.centre_id, reception_a.pk)] * 3
    assert [e.detail for e in events] == [
        f"inscrits de la période {leisure.period.pk}, groupe {leisure.groups[0].pk} (csv)",
        f"montants dus par foyer de la période {leisure.period.pk} (xlsx)",
        f"adhésions de la saison {leisure.season.pk} (csv)",
    ]


def test_amounts_due_add_up_each_household_exactly_with_its_bracket(login, reception_a, leisure):
    validated_families(leisure, reception_a)
    martins = Household.objects.get(name="Famille Martin")
    expected = sum(r.amount for r in Registration.objects.filter(household=martins))
    assert expected == Decimal("10.40")  # 4,15 for the eldest + 6,25 for the youngest
    client = login(reception_a)
    url = reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "xlsx"])
    response = client.get(url)
    assert response["Content-Disposition"].startswith('attachment; filename="montants-dus-vacances-du-')
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    header = rows[0]
    assert header == (
        "Foyer",
        "Responsable du foyer",
        "Téléphone",
        "E-mail",
        "Commune",
        "Quotient familial appliqué",
        "Tranche appliquée",
        "Enfants inscrits",
        "Unités réservées",
        "Total dû",
    )
    assert rows[1] == (
        "Famille Diallo",
        "Fatou Diallo",
        "06 12 34 56 78",
        "diallo@example.org",
        "Roubaix",
        900,
        "841 à 1050 €",
        1,
        1,
        float(Registration.objects.get(household__name="Famille Diallo").amount),
    )
    assert rows[2][:2] == ("Famille Martin", "Nadia Martin")
    assert rows[2][5:9] == (480, "0 à 650 €", 2, 4)
    assert Decimal(str(rows[2][9])) == expected

    csv_body = csv_rows(client.get(reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "csv"])))
    assert csv_body[2][0] == "Famille Martin"
    assert csv_body[2][-1] == f"{expected:.2f}".replace(".", ",") == "10,40"


def test_a_household_split_between_two_chunks_is_still_one_line(login, reception_a, leisure, monkeypatch):
    validated_families(leisure, reception_a)
    monkeypatch.setattr(exports, "CHUNK", 2)  # Diallo | Martin, Martin: the Martins straddle two chunks
    rows = csv_rows(
        login(reception_a).get(reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "csv"]))
    )
    assert [(row[0], row[1], row[7], row[-1]) for row in rows[1:]] == [
        ("Famille Diallo", "Fatou Diallo", "1", "11,40"),
        ("Famille Martin", "Nadia Martin", "2", "10,40"),
    ]
    rows = csv_rows(login(reception_a).get(period_url(leisure, "csv")))
    assert [row[1] for row in rows[1:]] == ["Awa", "Enfant0", "Enfant1"]
    assert {row[-4] for row in rows[1:]} == {"Fatou Diallo", "Nadia Martin"}


def test_the_membership_list_of_a_season(login, reception_a, leisure, centre_a):
    household = Household.objects.create(centre=centre_a, name="Famille Leroy", city="Lille")
    parent = Person.objects.create(
        centre=centre_a, first_name="Jeanne", last_name="Leroy", phone="+33320000000"
    )
    partner = Person.objects.create(
        centre=centre_a, first_name="Paul", last_name="Leroy", email="paul@example.org"
    )
    kid = Person.objects.create(centre=centre_a, first_name="Léo", last_name="Leroy")
    HouseholdMember.objects.create(household=household, person=partner, relation="conjoint")
    HouseholdMember.objects.create(household=household, person=parent, relation="responsable")
    HouseholdMember.objects.create(household=household, person=kid, relation="enfant")
    Membership.objects.create(
        centre=centre_a,
        season=leisure.season,
        household=household,
        fee=Decimal("10.00"),
        family_quotient=Decimal("700"),
        bracket_label="651 à 1050 €",
    )
    alone = Person.objects.create(
        centre=centre_a, first_name="Hélène", last_name="Berger", email="helene@example.org", city="Lomme"
    )
    Membership.objects.create(centre=centre_a, season=leisure.season, person=alone, fee=Decimal("5.00"))

    client = login(reception_a)
    response = client.get(reverse("enrolment:export_memberships", args=[leisure.season.pk, "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="adhesions-2026-2027.xlsx"'
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    assert rows[0][:3] == ("Adhérent", "Membres du foyer", "Montant de l'adhésion")
    today = datetime.combine(timezone.localdate(), datetime.min.time())
    assert rows[1] == (
        "Hélène Berger",
        1,
        5,
        None,
        None,
        today,
        "Hélène Berger",
        None,
        "helene@example.org",
        "Lomme",
    )
    assert rows[2] == (
        "Famille Leroy",
        3,
        10,
        700,
        "651 à 1050 €",
        today,
        "Jeanne Leroy",  # the responsible adult, not the partner listed first
        "03 20 00 00 00",
        None,
        "Lille",
    )
    rows = csv_rows(client.get(reverse("enrolment:export_memberships", args=[leisure.season.pk, "csv"])))
    assert rows[2][:6] == [
        "Famille Leroy",
        "3",
        "10,00",
        "700,00",
        "651 à 1050 €",
        today.strftime("%d/%m/%Y"),
    ]


def test_what_a_family_typed_is_never_a_formula(login, reception_a, leisure, centre_a):
    household = Household.objects.create(centre=centre_a, name="=1+1", city="@SUM(A1)")
    child = Person.objects.create(centre=centre_a, first_name="-2+3", last_name='=HYPERLINK("http://x")')
    HouseholdMember.objects.create(household=household, person=child, relation="enfant")
    Registration.objects.create(
        centre=centre_a,
        period=leisure.period,
        group=leisure.groups[0],
        child=child,
        household=household,
        amount=Decimal("1.00"),
    )
    client = login(reception_a)
    row = csv_rows(client.get(period_url(leisure, "csv")))[1]
    assert row[:2] == ['\'=HYPERLINK("http://x")', "'-2+3"]
    assert row[-1] == "'@SUM(A1)"
    sheet = xlsx_sheet(client.get(period_url(leisure, "xlsx")))
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert sheet.cell(row=2, column=1).value == '=HYPERLINK("http://x")'
    amounts = xlsx_sheet(
        client.get(reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "xlsx"]))
    )
    assert amounts.cell(row=2, column=1).data_type == "s"


# --- Volume: constant queries, and 10,000 registrations ------------------------------------------------


def bulk_registrations(leisure, count: int, start: int = 0, *, per_household: int = 1, days: int = 2) -> None:
    """`count` children registered on the period's first `days` days, `per_household` to a household,
    without the services: the way a benchmark fills a period, one bulk insert per table."""
    centre = leisure.activity.centre
    group = leisure.groups[1]
    booked_days = list(leisure.period.days.all())[:days]
    unit = leisure.units["day"]
    numbers = range(start, start + count)
    households = Household.objects.bulk_create(
        Household(centre=centre, name=f"Famille Volume{i:05d}", city="Lille", family_quotient=Decimal("480"))
        for i in numbers[::per_household]
    )

    def person(first, last, **fields):
        return Person(
            centre=centre,
            first_name=first,
            last_name=last,
            search_name=normalize(f"{last} {first}"),
            **fields,
        )

    adults = Person.objects.bulk_create(
        person("Parent", h.name.removeprefix("Famille "), phone="+33612345678", email=f"p{h.pk}@example.org")
        for h in households
    )
    children = Person.objects.bulk_create(
        person("Enfant", f"Volume{i:05d}", birth_date=date(2019, 1, 1)) for i in numbers
    )
    household_of = [households[n // per_household] for n in range(count)]
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=h, person=a, relation="responsable")
            for h, a in zip(households, adults, strict=True)
        ]
        + [
            HouseholdMember(household=h, person=c, relation="enfant")
            for h, c in zip(household_of, children, strict=True)
        ]
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            centre=centre,
            period=leisure.period,
            group=group,
            child=c,
            household=h,
            amount=Decimal("8.30"),
            family_quotient=Decimal("480"),
            bracket_label="0 à 650 €",
        )
        for h, c in zip(household_of, children, strict=True)
    )
    BookedUnit.objects.bulk_create(
        BookedUnit(registration=r, day=day, unit=unit, price=Decimal("4.15"))
        for r in registrations
        for day in booked_days
    )


@pytest.mark.parametrize(
    "name, fmt, layout",
    [
        ("export_period", "csv", ""),
        ("export_period", "xlsx", ""),
        ("export_period", "csv", "lignes"),
        ("export_period", "xlsx", "lignes"),
        ("export_period", "csv", "resume"),
        ("export_period", "xlsx", "resume"),
        ("export_amounts_due", "csv", ""),
        ("export_amounts_due", "xlsx", ""),
    ],
)
def test_queries_do_not_grow_with_the_number_of_registrations(
    login, reception_a, leisure, django_assert_max_num_queries, name, fmt, layout
):
    client = login(reception_a)
    url = reverse(f"enrolment:{name}", args=[leisure.period.pk, fmt])
    if layout:
        # One day booked per child in the line layout: still a line per child.
        url += f"?presentation={layout}"
    content(client.get(url))  # the session and roles are loaded once, as on any page
    counts = []
    for start, count in ((0, 5), (5, 45)):
        bulk_registrations(leisure, count, start=start, days=1 if layout == "lignes" else 2)
        with django_assert_max_num_queries(12) as captured:
            body = content(client.get(url))
        counts.append(len(captured.captured_queries))
        lines = body.count(b"\r\n") if fmt == "csv" else xlsx_row_count(body)
        assert lines == start + count + 1  # the header, then one line per child (one-child households)
    assert counts[0] == counts[1], counts
    assert Registration.objects.count() == 50


def test_the_membership_export_makes_constant_queries(
    login, reception_a, leisure, django_assert_max_num_queries
):
    centre = leisure.activity.centre
    client = login(reception_a)
    url = reverse("enrolment:export_memberships", args=[leisure.season.pk, "xlsx"])
    counts = []
    for start, count in ((0, 5), (5, 45)):
        bulk_registrations(leisure, count, start=start)
        households = Household.objects.filter(centre=centre, centre_memberships__isnull=True)
        Membership.objects.bulk_create(
            Membership(centre=centre, season=leisure.season, household=h, fee=Decimal("5.00"))
            for h in households
        )
        with django_assert_max_num_queries(10) as captured:
            rows = list(xlsx_sheet(client.get(url)).iter_rows(values_only=True))
        counts.append(len(captured.captured_queries))
        assert len(rows) == start + count + 1
    assert counts[0] == counts[1], counts


def test_ten_thousand_registrations_export_completely(login, reception_a, leisure):
    # Correctness only: the time is the benchmark's (benchmarks/inscriptions_export.py, XLSX included;
    # both writers read the same rows).
    bulk_registrations(leisure, 10_000, per_household=4, days=1)
    client = login(reception_a)
    rows = csv_rows(client.get(period_url(leisure, "csv")))
    assert len(rows) == 10_001
    assert rows[-1][:2] == ["Volume09999", "Enfant"]
    amount = rows[0].index("Montant dû")
    assert sum(Decimal(row[amount].replace(",", ".")) for row in rows[1:]) == Decimal("83000.00")
    totals = csv_rows(client.get(reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "csv"])))
    assert len(totals) == 2_501
    assert {row[7] for row in totals[1:]} == {"4"}  # four children in each household
    assert sum(Decimal(row[-1].replace(",", ".")) for row in totals[1:]) == Decimal("83000.00")


# --- The links ---------------------------------------------------------------------------------------------


def test_the_export_form_names_each_download_and_offers_the_layouts(leisure):
    html = render_to_string(
        "enrolment/_export_links.html",
        {
            "period": leisure.period,
            "groups": leisure.groups,
            "season": leisure.season,
            "max_day_columns": exports.MAX_DAY_COLUMNS,
        },
    )
    period_xlsx = reverse("enrolment:export_period", args=[leisure.period.pk, "xlsx"])
    period_csv = reverse("enrolment:export_period", args=[leisure.period.pk, "csv"])
    assert f'<form method="get" action="{period_xlsx}"' in html
    assert f'formaction="{period_csv}">Télécharger les inscrits (CSV)</button>' in html
    assert ">Télécharger les inscrits (Excel)</button>" in html
    # Ten days: a column per day is offered and chosen; every option is labelled and described.
    for value in exports.LAYOUTS:
        assert f'id="presentation-{value}" name="presentation" value="{value}"' in html
        assert f'<label for="presentation-{value}">' in html
        assert f'aria-describedby="presentation-{value}-aide"' in html
    assert 'value="jours" aria-describedby="presentation-jours-aide" checked>' in html
    assert f'<option value="{leisure.groups[2].pk}">Grands (9-11 ans)</option>' in html
    assert reverse("enrolment:export_amounts_due", args=[leisure.period.pk, "xlsx"]) in html
    assert reverse("enrolment:export_memberships", args=[leisure.season.pk, "xlsx"]) in html
    assert render_to_string("enrolment/_export_links.html", {}).strip() == ""


# --- Layouts: a column per day, a line per child and day, a summary ----------------------------------------


def long_period(leisure, days: int = 40):
    """The leisure centre's period stretched to `days` weekdays, as a school year's Wednesdays and
    holidays would be (the families' bookings stay on its first days)."""
    from csc.activities import services as activity_services

    first = leisure.period.days.order_by("date").first().date
    dates = activity_services.weekdays_between(first, first + timedelta(days=days * 2), {0, 1, 2, 3, 4})
    activity_services.set_period_days(leisure.period, dates[:days])
    return dates[:days]


def test_a_line_per_child_and_day_in_excel_and_csv(login, reception_a, leisure):
    d1, d2, d3 = validated_families(leisure, reception_a)
    client = login(reception_a)
    response = client.get(period_url(leisure, "xlsx", presentation="lignes"))
    assert response["Content-Disposition"].endswith('-lignes.xlsx"')
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    assert rows[0] == (
        "Nom",
        "Prénom",
        "Foyer",
        "Groupe",
        "Date",
        "Jour",
        "Unités réservées",
        "Prix du jour (avant réduction)",
    )
    booked = {
        (r.registration.child.first_name, r.day.date, r.unit.name): r.price
        for r in BookedUnit.objects.select_related("registration__child", "day", "unit")
    }
    enfant0 = [row for row in rows[1:] if row[1] == "Enfant0"]
    assert [row[4].date() for row in enfant0] == [d1.date, d2.date]  # by date
    assert enfant0[1][:4] == ("Martin", "Enfant0", "Famille Martin", "Moyens (6-8 ans)")
    assert enfant0[1][5:7] == (exports.WEEKDAYS[d2.date.weekday()], "Matinée + Repas du midi")
    day_price = booked[("Enfant0", d2.date, "Matinée")] + booked[("Enfant0", d2.date, "Repas du midi")]
    assert Decimal(str(enfant0[1][7])) == day_price
    assert [row[1] for row in rows[1:]] == ["Awa", "Enfant0", "Enfant0", "Enfant1"]

    csv_body = csv_rows(client.get(period_url(leisure, "csv", presentation="lignes")))
    assert csv_body[0][4:7] == ["Date", "Jour", "Unités réservées"]
    awa = csv_body[1]
    assert awa[:5] == ["Diallo", "Awa", "Famille Diallo", "Moyens (6-8 ans)", d3.date.strftime("%d/%m/%Y")]
    assert awa[6:] == [
        "Journée avec repas",
        f"{booked[('Awa', d3.date, 'Journée avec repas')]:.2f}".replace(".", ","),
    ]


def test_the_summary_counts_days_per_month_and_units_per_unit(login, reception_a, leisure):
    d1, d2, d3 = validated_families(leisure, reception_a)
    client = login(reception_a)
    response = client.get(period_url(leisure, "xlsx", presentation="resume"))
    rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    header = rows[0]
    months = sorted({(d.date.year, d.date.month) for d in leisure.period.days.all()})
    month_headers = [f"Jours {exports.MONTHS[m - 1]} {y}" for y, m in months]
    unit_headers = ["Journée avec repas", "Matinée", "Après-midi", "Repas du midi"]
    assert header == (
        "Nom",
        "Prénom",
        "Date de naissance",
        "Groupe",
        *month_headers,
        *unit_headers,
        "Jours réservés",
        "Montant dû",
        "Quotient familial appliqué",
        "Tranche",
        "Responsable du foyer",
        "Téléphone",
        "E-mail",
        "Commune",
    )
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    enfant0 = by_name["Enfant0"]
    month_of = {d.date: f"Jours {exports.MONTHS[d.date.month - 1]} {d.date.year}" for d in (d1, d2)}
    assert sum(enfant0[h] or 0 for h in month_headers) == 2
    assert enfant0[month_of[d1.date]] >= 1
    assert (
        enfant0["Journée avec repas"],
        enfant0["Matinée"],
        enfant0["Après-midi"],
        enfant0["Repas du midi"],
    ) == (
        1,
        1,
        None,
        1,
    )
    assert enfant0["Jours réservés"] == 2
    registration = Registration.objects.get(child__first_name="Enfant0")
    assert Decimal(str(enfant0["Montant dû"])) == registration.amount
    assert enfant0["Responsable du foyer"] == "Nadia Martin"
    assert by_name["Awa"]["Jours réservés"] == 1

    csv_body = csv_rows(client.get(period_url(leisure, "csv", presentation="resume")))
    assert csv_body[0] == list(header)
    assert [row[1] for row in csv_body[1:]] == ["Awa", "Enfant0", "Enfant1"]


def test_a_column_per_day_is_refused_for_a_long_period_with_the_other_layouts_named(
    login, reception_a, leisure
):
    validated_families(leisure, reception_a)
    dates = long_period(leisure, days=40)
    client = login(reception_a)
    for fmt in ("xlsx", "csv"):
        response = client.get(period_url(leisure, fmt, presentation="jours"))
        assert response.status_code == 302
        assert (
            response["Location"] == f"{reverse('enrolment:inbox')}?periode={leisure.period.pk}#exports-title"
        )
    page = client.get(response["Location"])
    text = " ".join(m.message for m in page.context["messages"])
    assert "Cette période compte 40 jours" in text
    assert "« Une ligne par enfant et par jour »" in text and "« Résumé : une ligne par enfant »" in text
    html = page.content.decode()
    assert 'value="jours" aria-describedby="presentation-jours-aide" disabled>' in html
    assert 'value="resume" aria-describedby="presentation-resume-aide" checked>' in html
    assert "elle compte 40 jours" in html
    assert not AuditEvent.objects.filter(action="enrolment.export").exists()

    # Without a choice, a long period gets the summary; the two other layouts work.
    header = csv_rows(client.get(period_url(leisure, "csv")))[0]
    assert "Jours réservés" in header and len(header) < 30
    assert f"{exports.WEEKDAYS[dates[0].weekday()]} {dates[0]:%d/%m}" not in header
    assert len(csv_rows(client.get(period_url(leisure, "csv", presentation="lignes")))) == 5
    for bad in ("colonnes", "JOURS", "%27"):
        assert client.get(period_url(leisure, "csv", presentation=bad)).status_code == 404, bad


# --- A large Excel export, prepared in the background -------------------------------------------------------


def test_a_large_excel_export_is_prepared_in_the_background_for_its_owner_only(
    login, reception_a, staff, leisure, settings
):
    from django.test import Client, TestCase

    from csc.core.models import Job
    from csc.testing.jobs import job_url_of, run_jobs
    from csc.testing.pages import visible_text

    settings.CSC_XLSX_IN_REQUEST_ROWS = 10
    bulk_registrations(leisure, 30)
    client = login(reception_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        job_url = job_url_of(client.get(period_url(leisure, "xlsx")))
    # A second click while it is being prepared leads to the same job.
    assert job_url_of(client.get(period_url(leisure, "xlsx"))) == job_url
    assert Job.objects.count() == 1
    assert "Le travail n'a pas encore commencé." in visible_text(client.get(job_url))

    run_jobs()
    page = visible_text(client.get(job_url))
    assert "Prêt : le fichier peut être téléchargé." in page
    assert "Télécharger inscrits-" in page
    response = client.get(job_url + "fichier/")
    assert response["Content-Disposition"].startswith('attachment; filename="inscrits-')
    assert len(list(xlsx_sheet(response).iter_rows(values_only=True))) == 31

    # A colleague of the same centre, with the same role, does not see it.
    colleague = Client()
    colleague.force_login(staff("reception", "a"))
    assert colleague.get(job_url).status_code == 404
    assert colleague.get(job_url + "fichier/").status_code == 404


def test_a_small_excel_export_is_still_answered_at_once(login, reception_a, leisure, settings):
    settings.CSC_XLSX_IN_REQUEST_ROWS = 10
    bulk_registrations(leisure, 5)
    response = login(reception_a).get(period_url(leisure, "xlsx"))
    assert response.status_code == 200
    assert len(list(xlsx_sheet(response).iter_rows(values_only=True))) == 6


def test_the_line_layout_counts_its_lines_for_the_background_threshold(login, reception_a, leisure, settings):
    from django.test import TestCase

    from csc.testing.jobs import job_url_of, run_jobs

    settings.CSC_XLSX_IN_REQUEST_ROWS = 10
    bulk_registrations(leisure, 8, days=2)  # 8 children, 16 lines
    client = login(reception_a)
    assert client.get(period_url(leisure, "xlsx", presentation="resume")).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        job_url = job_url_of(client.get(period_url(leisure, "xlsx", presentation="lignes")))
    run_jobs()
    response = client.get(job_url + "fichier/")
    assert response["Content-Disposition"].endswith('-lignes.xlsx"')
    assert len(list(xlsx_sheet(response).iter_rows(values_only=True))) == 17
