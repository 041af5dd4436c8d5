"""The casework figures: worked out by hand on a small year, grouped like a pivot table, anonymous in
every page and file, one centre's never shown to another, masked for a territory, and a constant number
of queries whatever the number of periods."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc.casework import services, stats
from csc.casework.models import Exchange, Period
from csc.core.models import StaffRole
from csc.testing.factories import CentreFactory, PersonFactory, UserFactory
from csc.testing.pages import visible_text

Y = timezone.localdate().year - 1  # a whole year in the past: every date of the dataset is allowed
NAMES = ["Zéphirine", "Quatremare", "Anatole", "Brindejonc", "Philomène", "Vercingétorix", "Casimir"]
CLOSED_NAME = "Hortense"


def issues_named(centre, *names):
    return list(centre.casework_issues.filter(name__in=names))


def open_period(centre, referent, persons, scope, issues, opened_on, origin="spontaneous", **options):
    services.ensure_defaults(centre)
    return services.open_period(
        centre,
        by=referent,
        persons=persons,
        scope=centre.casework_scopes.get(name=scope),
        referent=referent,
        origin=origin,
        issues=issues_named(centre, *issues),
        opened_on=opened_on,
        **options,
    )


def exchange(period, author, kind, day, minutes=None):
    return services.log_exchange(
        period, author=author, kind=kind, happened_on=day, duration_minutes=minutes, notes="Notes secrètes"
    )


@pytest.fixture
def year(network, staff, otp_verified):
    return build_year(network, staff)


def build_year(network, staff) -> dict:
    """Year Y in Centre Alpha, worked out by hand in the tests below; plus what must not count: a period
    closed the year before, a draft, and Centre Bêta's period."""
    alpha, beta = network["a"], network["b"]
    services.ensure_defaults(alpha)
    services.ensure_defaults(beta)
    claire = staff("social_worker", "a", user__first_name="Claire", user__last_name="Morel")
    ines = staff("social_worker", "a", user__first_name="Inès", user__last_name="Benali")
    paul = staff("social_worker", "b", user__first_name="Paul", user__last_name="Roy")
    p1 = PersonFactory(
        centre=alpha, first_name="Zéphirine", last_name="Quatremare", sex="F", birth_date=date(Y - 30, 5, 1)
    )
    p2 = PersonFactory(
        centre=alpha, first_name="Anatole", last_name="Brindejonc", sex="M", birth_date=date(Y - 10, 6, 1)
    )
    p3 = PersonFactory(
        centre=alpha,
        first_name="Philomène",
        last_name="Vercingétorix",
        sex="F",
        birth_date=date(Y - 61, 1, 1),
    )
    p4 = PersonFactory(centre=alpha, first_name="Casimir", last_name="Brouillon", sex="X", birth_date=None)
    pb = PersonFactory(centre=beta, first_name=CLOSED_NAME, last_name="Bêta", sex="F")

    # P1: two people, two issues, three exchanges, closed at the end of June.
    p1_period = open_period(
        alpha, claire, [p1, p2], "Famille", ["Logement", "Budget"], date(Y, 2, 1), origin="partner"
    )
    exchange(p1_period, claire, "interview", date(Y, 2, 10), 60)
    exchange(p1_period, claire, "call", date(Y, 3, 5), 15)
    exchange(p1_period, claire, "home_visit", date(Y, 3, 20), 90)
    services.close_period(p1_period, reason="goals_met", closed_on=date(Y, 6, 30))
    # P2: opened the year before, still open; one exchange the year before, one without a duration.
    p2_period = open_period(alpha, ines, [p3], "Insertion", ["Emploi et insertion"], date(Y - 1, 11, 15))
    exchange(p2_period, ines, "interview", date(Y - 1, 12, 1), 45)
    exchange(p2_period, ines, "interview", date(Y, 1, 10), 30)
    exchange(p2_period, ines, "call", date(Y, 4, 2))
    # P3: the first person again, in September.
    p3_period = open_period(alpha, claire, [p1], "Famille", ["Logement"], date(Y, 9, 1))
    exchange(p3_period, ines, "accompaniment", date(Y, 9, 15), 120)
    # Not counted: closed before the year, a draft, another centre.
    old = open_period(alpha, ines, [p2], "Famille", ["Budget"], date(Y - 3, 1, 1))
    exchange(old, ines, "interview", date(Y - 2, 3, 1), 60)
    services.close_period(old, reason="moved", closed_on=date(Y - 2, 6, 1))
    draft = open_period(alpha, claire, [p4], "Famille", ["Logement"], date(Y, 5, 1), draft=True)
    exchange(draft, claire, "interview", date(Y, 5, 2), 30)
    other = open_period(beta, paul, [pb], "Famille", ["Logement"], date(Y, 3, 1))
    exchange(other, paul, "interview", date(Y, 3, 2), 60)
    exchange(other, paul, "interview", date(Y, 4, 2), 60)
    services.close_period(other, reason="refused", closed_on=date(Y, 10, 1))
    return {"alpha": alpha, "beta": beta, "claire": claire, "ines": ines}


def selection_of(*centres, masked=False, workers=True, **filters):
    ids = {c.pk for c in centres}
    audience = stats.Audience(
        frozenset(ids), frozenset() if masked else frozenset(ids), frozenset(ids) if workers else frozenset()
    )
    return stats.select(audience, ids, stats.Window.year(Y), **filters)


def table(pivot):
    """{row label: [cell texts…, total]} and the total line."""
    lines = {line.label: [c.text for c in line.cells] + [line.total.text] for line in pivot.lines}
    return lines, [c.text for c in pivot.totals] + [pivot.total.text]


def grouped(selection, measure, rows, columns=None):
    return stats.pivot(
        selection, stats.MEASURES[measure], stats.DIMENSIONS[rows], stats.DIMENSIONS.get(columns or "")
    )


# --- The figures, worked out by hand --------------------------------------------------------------


def test_the_key_figures_of_a_year(year):
    figures = stats.summary(selection_of(year["alpha"]))
    assert (figures.persons, figures.running, figures.opened, figures.closed) == (3, 3, 2, 1)
    assert figures.closed_by_reason["goals_met"] == 1 and sum(figures.closed_by_reason.values()) == 1
    assert (figures.exchanges, figures.minutes) == (6, 315)
    lines = {line.label: line.cell.text for line in stats.summary_lines(figures, selection_of(year["alpha"]))}
    assert lines["Heures d'échanges"] == "5,25"
    assert lines["dont « Objectifs atteints »"] == "1"


def test_exchanges_by_month_and_kind(year):
    lines, totals = table(grouped(selection_of(year["alpha"]), "echanges", "mois", "type"))
    assert len(lines) == 12  # every month of a past year, even empty ones
    # Entretien, Visite à domicile, Appel, Accompagnement physique, Démarche en ligne, Total
    assert lines[f"Janvier {Y}"] == ["1", "0", "0", "0", "0", "1"]
    assert lines[f"Mars {Y}"] == ["0", "1", "1", "0", "0", "2"]
    assert lines[f"Mai {Y}"] == ["0", "0", "0", "0", "0", "0"]  # the draft's exchange does not count
    assert lines[f"Septembre {Y}"] == ["0", "0", "0", "1", "0", "1"]
    assert totals == ["2", "1", "2", "1", "0", "6"]


def test_hours_by_kind_and_by_worker(year):
    lines, totals = table(grouped(selection_of(year["alpha"]), "heures", "type"))
    assert lines["Entretien"] == ["1,50"] and lines["Appel téléphonique"] == ["0,25"]
    assert lines["Accompagnement physique"] == ["2,00"] and lines["Démarche en ligne"] == ["0,00"]
    assert totals == ["5,25"]
    lines, _ = table(grouped(selection_of(year["alpha"]), "echanges", "intervenant"))
    assert lines == {"Inès Benali": ["3"], "Claire Morel": ["3"]}  # the author of each exchange
    lines, _ = table(grouped(selection_of(year["alpha"]), "parcours", "intervenant"))
    assert lines == {"Inès Benali": ["1"], "Claire Morel": ["2"]}  # the referent of each period


def test_people_by_month_are_those_followed_during_the_month(year):
    lines, totals = table(grouped(selection_of(year["alpha"]), "personnes", "mois"))
    assert lines[f"Janvier {Y}"] == ["1"]  # P2 only: P1 opens in February
    assert lines[f"Juin {Y}"] == ["3"]  # P1 closes on 30 June
    assert lines[f"Juillet {Y}"] == ["1"]
    assert lines[f"Décembre {Y}"] == ["2"]
    assert totals == ["3"]  # the person in two periods counts once in the year


def test_people_by_issue_count_each_person_once_per_issue(year):
    pivot = grouped(selection_of(year["alpha"]), "personnes", "problematique", "sexe")
    lines, totals = table(pivot)
    # Femmes, Hommes, Sexe non précisé, Total
    assert lines["Logement"] == ["1", "1", "0", "2"]
    assert lines["Budget"] == ["1", "1", "0", "2"]
    assert lines["Emploi et insertion"] == ["1", "0", "0", "1"]
    assert totals == ["2", "1", "0", "3"] and pivot.overlaps


def test_people_by_age_band_on_the_first_day(year):
    lines, _ = table(grouped(selection_of(year["alpha"]), "personnes", "age"))
    assert lines["Moins de 18 ans"] == ["1"] and lines["26-44 ans"] == ["1"]
    assert lines["60 ans et plus"] == ["1"] and lines["Âge inconnu"] == ["0"]


def test_periods_opened_and_closed_by_month_origin_and_reason(year):
    lines, totals = table(grouped(selection_of(year["alpha"]), "ouverts", "mois", "origine"))
    assert lines[f"Février {Y}"][1] == "1" and lines[f"Septembre {Y}"][0] == "1"  # partner, spontaneous
    assert totals[-1] == "2"
    lines, totals = table(grouped(selection_of(year["alpha"]), "clotures", "motif"))
    assert lines["Objectifs atteints"] == ["1"] and lines["Déménagement"] == ["0"] and totals == ["1"]


def test_filters_by_scope_and_issue(year):
    figures = stats.summary(selection_of(year["alpha"], scope="Famille"))
    assert (figures.persons, figures.running, figures.exchanges) == (2, 2, 4)
    figures = stats.summary(selection_of(year["alpha"], issue="Budget"))
    assert (figures.persons, figures.running, figures.exchanges, figures.minutes) == (2, 1, 3, 165)
    # Filtered on an issue, the periods still show all their issues when grouped by issue.
    lines, _ = table(grouped(selection_of(year["alpha"], issue="Budget"), "parcours", "problematique"))
    assert lines == {"Budget": ["1"], "Logement": ["1"]}


def test_a_date_range(year):
    audience = stats.Audience(frozenset({year["alpha"].pk}), frozenset({year["alpha"].pk}), frozenset())
    window = stats.Window(date(Y, 3, 1), date(Y, 4, 30), is_year=False)
    figures = stats.summary(stats.select(audience, [year["alpha"].pk], window))
    assert (figures.persons, figures.opened, figures.closed, figures.exchanges) == (3, 0, 0, 3)
    assert window.label == f"du 01/03/{Y} au 30/04/{Y}"


def test_grouping_rules():
    people, kind = stats.MEASURES["personnes"], stats.DIMENSIONS["type"]
    assert "ne s'applique pas aux personnes suivies" in stats.grouping_error(people, kind)
    assert stats.grouping_error(stats.MEASURES["echanges"], kind) is None
    territory = stats.Selection((1, 2), stats.Window.year(Y), masked=True, workers_named=False)
    assert "réservé à la direction" in stats.grouping_error(
        stats.MEASURES["echanges"], stats.DIMENSIONS["intervenant"], territory
    )


def test_small_counts_are_masked_for_a_reader_from_above(year):
    masked = selection_of(year["alpha"], masked=True, workers=False)
    assert masked.masked and not masked.workers_named
    lines, totals = table(grouped(masked, "personnes", "problematique"))
    assert lines["Logement"] == ["< 5"] and totals == ["< 5"]
    lines, totals = table(grouped(masked, "echanges", "type"))  # acts, not people: not masked
    assert lines["Entretien"] == ["2"] and totals == ["6"]
    assert stats.cell(0, masked=True).text == "0" and stats.cell(5, masked=True).text == "5"


def test_the_activity_report(year):
    report = stats.activity_report(selection_of(year["alpha"]))
    texts = {line.label: [c.text for c in line.cells] for line in report.sexes}
    assert texts == {"Femmes": ["2"], "Hommes": ["1"], "Sexe non précisé": ["0"]}
    issues = {line.label: [c.text for c in line.cells] for line in report.issues}
    assert issues["Logement"] == ["2", "2", "2"] and issues["Emploi et insertion"] == ["1", "1", "0"]
    kinds = {line.label: [c.text for c in line.cells] for line in report.kinds}
    assert kinds["Entretien"] == ["2", "1,50"] and kinds["Démarche en ligne"] == ["0", "0,00"]
    months = {line.label: [c.text for c in line.cells] for line in report.months}
    assert months[f"Mars {Y}"] == ["2", "1,75"] and len(months) == 12
    origins = {line.label: [c.text for c in line.cells] for line in report.origins}
    assert origins["Orientation par un partenaire"] == ["1"]
    assert report.centres == []  # one centre: no line per centre


# --- The pages and files ----------------------------------------------------------------------------


@pytest.fixture
def director(staff, otp_verified):
    return staff("director", "a")


def figure(text, label):
    """The value after a key figure's label in the page's table of key figures."""
    after = text.split("Indicateur Valeur ", 1)[1].split(f"{label} ", 1)[1]
    return after.split(" ", 1)[0]


def test_a_directors_page_of_a_year(client, year, director):
    client.force_login(director)
    response = client.get(f"/accompagnement/chiffres/?annee={Y}")
    text = visible_text(response)
    assert response.status_code == 200
    assert f"Chiffres de l'accompagnement — {Y}" in text and "Centre Alpha" in text
    assert figure(text, "Personnes suivies") == "3" and figure(text, "Heures d'échanges") == "5,25"
    assert "Échanges par mois et par type d'échange" in text
    assert f"Mars {Y} 0 1 1 0 0 2" in text
    assert "Claire Morel" not in text  # no worker grouping unless asked
    for name in NAMES + [CLOSED_NAME]:
        assert name not in text


def test_the_default_page_is_this_year(client, year, director):
    client.force_login(director)
    response = client.get("/accompagnement/chiffres/")
    assert response.status_code == 200
    assert f"Chiffres de l'accompagnement — {Y + 1}" in visible_text(response)


def test_a_director_groups_by_worker(client, year, director):
    client.force_login(director)
    response = client.get(
        "/accompagnement/chiffres/", {"annee": Y, "mesure": "heures", "lignes": "intervenant", "colonnes": ""}
    )
    text = visible_text(response)
    assert "Claire Morel 2,75" in text and "Inès Benali 2,50" in text


def test_a_social_worker_reads_the_figures_but_not_by_colleague(client, year):
    client.force_login(year["claire"])
    response = client.get(f"/accompagnement/chiffres/?annee={Y}")
    assert response.status_code == 200 and figure(visible_text(response), "Échanges") == "6"
    assert 'value="intervenant"' not in response.content.decode()
    response = client.get("/accompagnement/chiffres/", {"annee": Y, "lignes": "intervenant"})
    assert response.status_code == 400
    assert "réservé à la direction" in visible_text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"annee": "abc"}, "Choisissez une année entre 1990 et"),
        ({"annee": "99999"}, "Choisissez une année entre 1990 et"),
        ({"annee": "1789"}, "Choisissez une année entre 1990 et"),
        ({"lignes": "nimportequoi"}, "Ce regroupement n'existe pas"),
        ({"colonnes": "<script>"}, "Ce regroupement n'existe pas"),
        ({"mesure": "salaires"}, "Cette mesure n'existe pas"),
        ({"mesure": "personnes", "lignes": "type"}, "ne s'applique pas aux personnes suivies"),
        ({"lignes": "mois", "colonnes": "mois"}, "deux regroupements différents"),
        ({"du": "31/02/2026", "au": "01/03/2026"}, "Cette date n'existe pas"),
        ({"du": f"01/01/{Y}"}, "Indiquez aussi la date de fin"),
        ({"du": f"01/06/{Y}", "au": f"01/01/{Y}"}, "La date de fin est avant la date de début"),
        ({"du": "01/01/2000", "au": "01/01/2010"}, "au plus 3 ans"),
        ({"centre": "abc"}, "Ce centre n'est pas parmi les vôtres"),
        ({"cercle": "Inconnu"}, "Ce cercle n'existe pas dans vos centres"),
        ({"problematique": "x" * 500}, "Cette problématique n'existe pas"),
    ],
)
def test_bad_input_gets_a_french_message_never_a_500(client, year, director, params, message):
    client.force_login(director)
    for url in ("/accompagnement/chiffres/", "/accompagnement/chiffres/tableau.xlsx"):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert message in visible_text(response)
        assert "Chiffres clés" not in visible_text(response)
    response = client.get("/accompagnement/chiffres/rapport.pdf", params)
    assert response.status_code in (200, 400)  # the report ignores the pivot's fields


def test_a_director_of_another_centre_gets_nothing_of_centre_alpha(client, year, staff):
    director_b = staff("director", "b")
    client.force_login(director_b)
    response = client.get(f"/accompagnement/chiffres/?annee={Y}")
    text = visible_text(response)
    assert "Centre Bêta" in text and "Centre Alpha" not in text
    assert figure(text, "Personnes suivies") == "1" and figure(text, "Échanges") == "2"
    response = client.get("/accompagnement/chiffres/", {"annee": Y, "centre": year["alpha"].pk})
    assert response.status_code == 400 and "Ce centre n'est pas parmi les vôtres" in visible_text(response)
    response = client.get("/accompagnement/chiffres/tableau.csv", {"annee": Y, "centre": year["alpha"].pk})
    assert response.status_code == 400
    response = client.get("/accompagnement/chiffres/rapport/", {"annee": Y, "centre": year["alpha"].pk})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["reception", "animator", "volunteer"])
def test_a_role_without_the_figures_gets_a_404(client, year, staff, role):
    client.force_login(staff(role, "a"))
    for url in ("/accompagnement/chiffres/", "/accompagnement/chiffres/rapport.pdf"):
        assert client.get(url).status_code == 404


def test_a_visitor_is_sent_to_the_login_page(client):
    assert client.get("/accompagnement/chiffres/").status_code == 302


def test_a_territory_coordinator_sees_their_territorys_centres_masked(client, year, network, otp_verified):
    gamma = CentreFactory(name="Centre Gamma", territory=network["a"].territory)
    services.ensure_defaults(gamma)
    worker = StaffRole.objects.create(user=UserFactory(), centre=gamma, role="social_worker").user
    period = open_period(gamma, worker, [PersonFactory(centre=gamma)], "Famille", ["Santé"], date(Y, 5, 1))
    exchange(period, worker, "call", date(Y, 5, 3), 10)
    user = UserFactory()
    StaffRole.objects.create(user=user, role="territory_coordinator", territory=network["a"].territory)
    client.force_login(user)
    response = client.get(f"/accompagnement/chiffres/?annee={Y}")
    text = visible_text(response)
    assert response.status_code == 200
    assert "Territoire Nord (2 centres)" in text and "Centre Bêta" not in text
    # Rows by centre by default; people masked, exchanges not.
    assert figure(text, "Personnes suivies") == "<" and "sont masqués" in text
    assert figure(text, "Échanges") == "7"
    assert "Centre Alpha 2 1 2 1 0 6" in text and "Centre Gamma 0 0 1 0 0 1" in text
    assert "Claire Morel" not in text
    response = client.get("/accompagnement/chiffres/", {"annee": Y, "lignes": "intervenant"})
    assert response.status_code == 400 and "réservé à la direction" in visible_text(response)
    # One of the centres, and the funders' report with a line per centre.
    response = client.get("/accompagnement/chiffres/", {"annee": Y, "centre": gamma.pk})
    assert figure(visible_text(response), "Échanges") == "1"
    response = client.get("/accompagnement/chiffres/rapport/", {"annee": Y})
    text = visible_text(response)
    assert "Centre Alpha (Territoire Nord) < 5 < 5 < 5 < 5 6 5,25" in text
    assert "Centre Bêta" not in text


def test_the_csv_of_the_pivot(client, year, director):
    client.force_login(director)
    response = client.get("/accompagnement/chiffres/tableau.csv", {"annee": Y})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == [
        "Mois",
        "Entretien",
        "Visite à domicile",
        "Appel téléphonique",
        "Accompagnement physique",
        "Démarche en ligne",
        "Total",
    ]
    assert [f"Mars {Y}", "0", "1", "1", "0", "0", "2"] in rows
    assert rows[-1] == ["Total", "2", "1", "2", "1", "0", "6"]
    response = client.get(
        "/accompagnement/chiffres/tableau.csv",
        {"annee": Y, "mesure": "heures", "lignes": "type", "colonnes": ""},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Type d'échange", "Heures d'échanges"]
    assert ["Entretien", "1,50"] in rows and rows[-1] == ["Total", "5,25"]
    for name in NAMES:
        assert name not in content


def workbook_rows(content):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_the_xlsx_of_the_pivot_holds_numbers(client, year, director):
    client.force_login(director)
    response = client.get(
        "/accompagnement/chiffres/tableau.xlsx",
        {"annee": Y, "mesure": "personnes", "lignes": "problematique", "colonnes": "cercle"},
    )
    assert response.status_code == 200
    sheets = workbook_rows(response.content)
    assert set(sheets) == {"Tableau croisé", "Chiffres clés"}
    rows = sheets["Tableau croisé"]
    assert rows[0][0] == "Accompagnement social — Personnes suivies par problématique et par cercle"
    header = rows.index(["Problématique", "Famille", "Insertion", "Total"])
    body = {row[0]: row[1:] for row in rows[header + 1 :]}
    assert body["Logement"] == [2, 0, 2] and body["Emploi et insertion"] == [0, 1, 1]
    assert body["Total"] == [2, 1, 3]
    figures = {row[0]: row[1] for row in sheets["Chiffres clés"] if row and len(row) > 1}
    assert figures["Personnes suivies"] == 3 and figures["Heures d'échanges"] == 5.25
    cells = [str(v) for sheet in sheets.values() for row in sheet for v in row if v is not None]
    assert not any(name in cell for name in NAMES for cell in cells)


def test_the_activity_report_page_pdf_and_xlsx(client, year, director):
    from pypdf import PdfReader

    client.force_login(director)
    response = client.get("/accompagnement/chiffres/rapport/", {"annee": Y})
    text = visible_text(response)
    assert response.status_code == 200
    assert "Personnes suivies par sexe" in text and "Femmes 2" in text and "Entretien 2 1,50" in text
    for name in NAMES:
        assert name not in text

    response = client.get("/accompagnement/chiffres/rapport.pdf", {"annee": Y})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rapport d'activité de l'accompagnement social" in pdf_text and "Centre Alpha" in pdf_text
    for name in NAMES:
        assert name not in pdf_text

    response = client.get("/accompagnement/chiffres/rapport.xlsx", {"annee": Y})
    sheets = workbook_rows(response.content)
    assert sheets["Sexe"][1:] == [["Femmes", 2], ["Hommes", 1], ["Sexe non précisé", 0]]
    kinds = {row[0]: row[1:] for row in sheets["Types d'échange"][1:]}
    assert kinds["Entretien"] == [2, 1.5] and kinds["Accompagnement physique"] == [1, 2.0]
    issues = {row[0]: row[1:] for row in sheets["Problématiques"][1:]}
    assert issues["Logement"] == [2, 2, 2]


def test_the_figures_page_has_a_module_tile(client, year, director):
    client.force_login(director)
    response = client.get("/")
    assert "/accompagnement/chiffres/" in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------


def add_periods(centre, referent, count):
    people = [PersonFactory(centre=centre) for _ in range(count)]
    for index, person in enumerate(people):
        period = open_period(
            centre, referent, [person], "Insertion", ["Santé", "Logement"], date(Y, 1 + index % 12, 1)
        )
        exchange(period, referent, "interview", date(Y, 1 + index % 12, 2), 30)
        exchange(period, referent, "online_procedure", date(Y, 1 + index % 12, 3))
        if index % 2:
            services.close_period(period, reason="no_contact", closed_on=date(Y, 1 + index % 12, 20))


PAGES = [
    f"/accompagnement/chiffres/?annee={Y}",
    f"/accompagnement/chiffres/?annee={Y}&mesure=personnes&lignes=problematique&colonnes=mois",
    f"/accompagnement/chiffres/?annee={Y}&mesure=heures&lignes=intervenant&colonnes=type",
    f"/accompagnement/chiffres/tableau.xlsx?annee={Y}&mesure=parcours&lignes=cercle&colonnes=mois",
    f"/accompagnement/chiffres/rapport/?annee={Y}",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_make_a_constant_number_of_queries(
    client, year, director, url, django_assert_max_num_queries
):
    client.force_login(director)
    client.get(url)  # the session's first request remembers the roles
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    add_periods(year["alpha"], year["claire"], 24)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_every_period_counts_once_whatever_its_issues(year):
    add_periods(year["alpha"], year["claire"], 24)
    figures = stats.summary(selection_of(year["alpha"]))
    assert figures.running == 3 + 24 and figures.opened == 2 + 24 and figures.closed == 1 + 12
    assert figures.exchanges == 6 + 48 and figures.minutes == 315 + 24 * 30
    assert Period.objects.filter(status="draft").count() == 1
    lines, totals = table(grouped(selection_of(year["alpha"]), "parcours", "problematique"))
    assert lines["Santé"] == ["24"] and lines["Logement"] == ["26"] and totals == ["27"]
    assert stats.hours(figures.minutes) == Decimal("17.25")


# --- Property: the database's groupings are the counts one would make by hand ----------------------


@pytest.fixture
def playground(network, staff, otp_verified):
    """Four periods of Centre Alpha whose dates, statuses and exchanges each example rewrites."""
    alpha = network["a"]
    services.ensure_defaults(alpha)
    worker = staff("social_worker", "a")
    people = [PersonFactory(centre=alpha) for _ in range(4)]
    plan = [
        ([people[0], people[1]], "Famille", ["Logement", "Budget"]),
        ([people[2]], "Insertion", ["Santé"]),
        ([people[0]], "Famille", ["Logement"]),
        ([people[3]], "Insertion", []),
    ]
    periods = [
        open_period(alpha, worker, persons, scope, issues, date(Y - 2, 1, 1))
        for persons, scope, issues in plan
    ]
    return alpha, worker, periods


PERIOD_SHAPES = st.tuples(
    st.integers(-400, 364),  # opening, in days after 1 January of Y
    st.one_of(st.none(), st.integers(0, 500)),  # closing, in days after the opening, or still open
    st.booleans(),  # a draft (when not closed)
)
EXCHANGES = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(list(stats.KIND_LABELS)),
        st.integers(-30, 394),
        st.one_of(st.none(), st.integers(0, 240)),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=st.lists(PERIOD_SHAPES, min_size=4, max_size=4), rows=EXCHANGES)
def test_the_figures_are_the_counts_made_by_hand(playground, shapes, rows):
    centre, worker, periods = playground
    first, last = date(Y, 1, 1), date(Y, 12, 31)
    kept = []  # the periods that count: not drafts
    for period, (opening, closing, draft) in zip(periods, shapes, strict=True):
        opened_on = first + timedelta(days=opening)
        closed_on = opened_on + timedelta(days=closing) if closing is not None else None
        status = "closed" if closed_on else ("draft" if draft else "open")
        Period.objects.filter(pk=period.pk).update(
            opened_on=opened_on,
            closed_on=closed_on,
            status=status,
            closing_reason="moved" if closed_on else "",
        )
        period.opened_on, period.closed_on, period.status = opened_on, closed_on, status
        if status != "draft":
            kept.append(period)
    Exchange.objects.all().delete()
    Exchange.objects.bulk_create(
        Exchange(
            period=periods[p],
            kind=kind,
            happened_on=first + timedelta(days=day),
            duration_minutes=minutes,
            author=worker,
        )
        for p, kind, day, minutes in rows
    )
    selection = selection_of(centre)
    figures = stats.summary(selection)

    def running(period, start, end):
        return period.opened_on <= end and (period.closed_on is None or period.closed_on >= start)

    members = {p.pk: set(p.persons.values_list("pk", flat=True)) for p in periods}
    followed = [p for p in kept if running(p, first, last)]
    assert figures.running == len(followed)
    assert figures.persons == len(set().union(*(members[p.pk] for p in followed)))
    assert figures.opened == sum(first <= p.opened_on <= last for p in kept)
    assert figures.closed == sum(p.closed_on is not None and first <= p.closed_on <= last for p in kept)

    counted = [
        (kind, first + timedelta(days=day), minutes)
        for p, kind, day, minutes in rows
        if periods[p] in kept and 0 <= day <= 364
    ]
    assert figures.exchanges == len(counted)
    assert figures.minutes == sum(minutes or 0 for _, _, minutes in counted)

    # Exchanges by month and kind: each cell, each total.
    pivot = grouped(selection, "echanges", "mois", "type")
    kinds = list(stats.KIND_LABELS)
    for month, line in enumerate(pivot.lines, start=1):
        expected = [sum(1 for k, d, _ in counted if d.month == month and k == kind) for kind in kinds]
        assert [c.value for c in line.cells] == expected
        assert line.total.value == sum(expected)
    assert [c.value for c in pivot.totals] == [sum(1 for k, _, _ in counted if k == kind) for kind in kinds]

    # Running periods by month: those running during the month, each once.
    pivot = grouped(selection, "parcours", "mois")
    for month, line in enumerate(pivot.lines, start=1):
        start = date(Y, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        assert line.total.value == sum(running(p, start, end) for p in kept)

    # People by issue: each person once per issue, once in the total.
    pivot = grouped(selection, "personnes", "problematique")
    by_issue: dict[str, set] = {}
    for period in followed:
        for name in period.issues.values_list("name", flat=True) or [stats.NO_ISSUE]:
            by_issue.setdefault(name, set()).update(members[period.pk])
    assert {line.label: line.total.value for line in pivot.lines} == {k: len(v) for k, v in by_issue.items()}
    assert pivot.total.value == figures.persons


def test_a_name_typed_like_a_formula_stays_text_in_the_files(client, year, director):
    year["alpha"].casework_issues.filter(name="Budget").update(name="=SOMME(A1:A9)")
    client.force_login(director)
    params = {"annee": Y, "mesure": "parcours", "lignes": "cercle", "colonnes": "problematique"}
    response = client.get("/accompagnement/chiffres/tableau.csv", params)
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "'=SOMME(A1:A9)" in header and "=SOMME(A1:A9)" not in header
    response = client.get("/accompagnement/chiffres/tableau.xlsx", params)
    cells = [v for row in workbook_rows(response.content)["Tableau croisé"] for v in row]
    assert "'=SOMME(A1:A9)" in cells and "=SOMME(A1:A9)" not in cells
