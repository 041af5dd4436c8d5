"""Attendance reports (« Bilans de fréquentation »): the figures, who sees them, and the files.

The figures are checked against a small dataset worked out by hand (March 2025 in Centre Alpha, with a
few presences in February to tell new participants from returning ones); a hypothesis test then checks
the rules that must hold whatever the attendance: per-activity figures add up to the centre's, hours
are presences × counted hours, participants never outnumber presences.
"""

import html
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc.activities import sessions
from csc.activities.attendance import services as attendance
from csc.activities.models import Activity, Attendance, HeadCount, Session
from csc.activities.reports import queries as reports
from csc.core.forms import previous_month
from csc.core.models import Job, StaffRole
from csc.testing.factories import CentreFactory, PersonFactory, UserFactory
from csc.testing.jobs import content, finished_file

D = Decimal
PARIS = ZoneInfo("Europe/Paris")
MARCH = (date(2025, 3, 1), date(2025, 3, 31))
LATER = datetime(2025, 6, 1, 12, 0, tzinfo=PARIS)  # when attendance was noted: after every session
TODAY = date(2026, 11, 21)

PRESENT, ABSENT, EXCUSED = Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED


@pytest.fixture(autouse=True)
def _no_second_factor(otp_verified):
    """Directors must set up TOTP in production; that path is tested in core."""


def text(response) -> str:
    """The page's main content as a person reads it: tags removed, entities decoded, spaces collapsed.
    (The header's centre switcher names every centre the user works in.)"""
    page = response.content.decode()
    main = re.search(r"<main.*?</main>", page, re.S)
    body = re.sub(r"<[^>]+>", " ", main.group(0) if main else page)
    return re.sub(r"\s+", " ", html.unescape(body)).replace("\u00a0", " ").replace("\u202f", " ")


def row(response, header: str) -> list[str]:
    """The cells of the table row whose header is `header`, as read on the page."""
    page = response.content.decode()
    match = re.search(
        rf"<tr[^>]*>\s*<th scope=\"row\"[^>]*>{re.escape(header)}(<span.*?</span>)?</th>(.*?)</tr>", page
    )
    assert match, f"pas de ligne « {header} »"
    return [
        html.unescape(cell).replace("\u00a0", " ").replace("\u202f", " ").strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(2))
    ]


def activity(centre, name, kind=Activity.Kind.WORKSHOP, counts_only=False):
    return Activity.objects.create(centre=centre, name=name, kind=kind, counts_only=counts_only)


def session(on, day, start, end, cap=None):
    return sessions.add_session(
        activity=on, day=day, start_time=time(*start), end_time=time(*end), hours_cap=cap
    )


def mark(session_, person, status=PRESENT):
    attendance.mark(session=session_, person=person, status=status, actor=None, now=LATER)


@dataclass
class World:
    centres: dict
    activities: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)


@pytest.fixture
def world(network):
    """Centre Alpha (Territoire Nord): a workshop, a leisure centre and a toy library counted without
    names; Centre Gamma, also in the north; Centre Bêta in the south, whose data must never show in
    Alpha's report."""
    a, b = network["a"], network["b"]
    c = CentreFactory(name="Centre Gamma", territory=a.territory)
    w = World(centres={"a": a, "b": b, "c": c})
    sewing = w.activities["sewing"] = activity(a, "Atelier couture")
    leisure = w.activities["leisure"] = activity(a, "Accueil de loisirs", Activity.Kind.LEISURE_CENTRE)
    toys = w.activities["toys"] = activity(a, "Ludothèque", Activity.Kind.TOY_LIBRARY, counts_only=True)

    people = w.people
    people["p1"] = PersonFactory(centre=a, sex="F", birth_date=date(1990, 5, 1), city="Lille", in_qpv=True)
    people["p2"] = PersonFactory(centre=a, sex="M", birth_date=date(2015, 3, 1), city="LILLE", in_qpv=False)
    people["p3"] = PersonFactory(centre=a, sex="X", birth_date=None, city="", in_qpv=False)
    people["p4"] = PersonFactory(centre=a, sex="F", birth_date=date(1960, 3, 1), city="Roubaix", in_qpv=True)
    # 17 on 1 March 2025: her 18th birthday is the next day.
    people["p5"] = PersonFactory(centre=a, sex="F", birth_date=date(2007, 3, 2), city="Roubaix", in_qpv=True)

    s = w.sessions
    s["feb"] = session(sewing, date(2025, 2, 25), (14, 0), (16, 0))
    s["s1"] = session(sewing, date(2025, 3, 4), (14, 0), (16, 0))
    s["s2"] = session(sewing, date(2025, 3, 11), (14, 0), (16, 0))
    s["s3"] = session(sewing, date(2025, 3, 18), (14, 0), (16, 0))
    s["april"] = session(sewing, date(2025, 4, 1), (14, 0), (16, 0))
    # A day of 8 hours that the CAF caps at 6 for this slot.
    s["l1"] = session(leisure, date(2025, 3, 5), (9, 0), (17, 0), cap=D("6"))
    s["t1"] = session(toys, date(2025, 3, 7), (10, 0), (11, 30))
    sessions.cancel_session(s["s3"], reason="formatrice malade")

    p = people
    mark(s["feb"], p["p1"])
    mark(s["feb"], p["p4"])
    mark(s["feb"], p["p5"])
    mark(s["s1"], p["p1"])
    mark(s["s1"], p["p2"])
    mark(s["s1"], p["p3"], EXCUSED)
    mark(s["s1"], p["p4"], ABSENT)
    mark(s["s2"], p["p1"])
    mark(s["s2"], p["p2"], ABSENT)
    mark(s["l1"], p["p2"])
    mark(s["l1"], p["p3"])
    mark(s["l1"], p["p5"])
    mark(s["april"], p["p1"])
    attendance.record_head_counts(session=s["t1"], counts={"adultes": 4, "enfants": 7}, actor=None, now=LATER)

    # Centre Bêta, in the other territory: 2 presences of 3 hours.
    secret = w.activities["secret"] = activity(b, "Activité secrète de Bêta")
    s["b1"] = session(secret, date(2025, 3, 10), (10, 0), (13, 0))
    for n in (1, 2):
        p[f"q{n}"] = PersonFactory(centre=b, sex="F", birth_date=date(1980, 1, 1), city="Lens")
        mark(s["b1"], p[f"q{n}"])

    # Centre Gamma, in the north with Alpha: 1 presence of 1.5 hours.
    gamma = w.activities["gamma"] = activity(c, "Atelier numérique")
    s["c1"] = session(gamma, date(2025, 3, 12), (9, 0), (10, 30))
    p["r1"] = PersonFactory(centre=c, sex="M", birth_date=date(1950, 6, 1), city="Lomme")
    mark(s["c1"], p["r1"])
    return w


def shares(lines) -> dict[str, int]:
    return {line.label: line.count for line in lines}


# --- The figures, worked out by hand -----------------------------------------------------------------


def test_a_centre_month_report_gives_the_figures_worked_out_by_hand(world):
    report = reports.centre_report([world.centres["a"].pk], *MARCH, today=TODAY)
    totals = report.totals
    # s1, s2, l1, t1: the cancelled session and April's do not count.
    assert totals.sessions == 4
    assert totals.named_presences == 6
    assert totals.counted_presences == 11
    assert totals.presences == 17
    assert totals.participants == 4  # p1, p2, p3, p5: p4 was only absent
    assert (totals.new, totals.returning) == (2, 2)  # p1 and p5 came in February
    # 2 h × 3 at the workshop, 6 h (capped) × 3 at the leisure centre; 11 people × 1.5 h counted.
    assert totals.named_hours == D("24.00")
    assert totals.counted_hours == D("16.50")
    assert totals.hours == D("40.50")
    assert (totals.absent, totals.excused) == (2, 1)


def test_the_typology_counts_each_participant_once(world):
    typology = reports.centre_report([world.centres["a"].pk], *MARCH, today=TODAY).typology
    assert typology.total == 4
    assert shares(typology.ages) == {
        "0-5 ans": 0,
        "6-11 ans": 1,  # p2, 10 on the day of his birthday
        "12-17 ans": 1,  # p5, 18 the day after the first day
        "18-25 ans": 0,
        "26-59 ans": 1,
        "60 ans et plus": 0,
        "Âge inconnu": 1,
    }
    assert shares(typology.sexes) == {"Femmes": 2, "Hommes": 1, "Non précisé": 1}
    assert shares(typology.qpv) == {"Habite en QPV": 2, "N'habite pas en QPV": 2}
    # « Lille » and « LILLE » are one commune.
    assert shares(typology.communes) == {"Lille": 2, "Roubaix": 1, "Commune non renseignée": 1}
    assert [share.percent for share in typology.sexes] == [50, 25, 25]


def test_the_head_counts_are_listed_apart_by_category(world):
    report = reports.centre_report([world.centres["a"].pk], *MARCH, today=TODAY)
    assert [(line.label, line.count, line.hours) for line in report.head_counts] == [
        ("Adultes", 4, D("6.00")),
        ("Enfants", 7, D("10.50")),
    ]


def test_the_breakdown_per_activity(world):
    report = reports.centre_report([world.centres["a"].pk], *MARCH, today=TODAY)
    lines = {line.name: line.figures for line in report.activities}
    assert list(lines) == ["Accueil de loisirs", "Atelier couture", "Ludothèque"]
    sewing, leisure, toys = lines["Atelier couture"], lines["Accueil de loisirs"], lines["Ludothèque"]
    assert (sewing.sessions, sewing.presences, sewing.participants, sewing.new) == (2, 3, 2, 1)
    assert (sewing.hours, sewing.absent, sewing.excused) == (D("6.00"), 2, 1)
    # p5 came to the workshop in February, but never to the leisure centre: new there.
    assert (leisure.sessions, leisure.presences, leisure.participants, leisure.new) == (1, 3, 3, 3)
    assert leisure.hours == D("18.00")
    assert (toys.sessions, toys.presences, toys.counted_presences, toys.participants) == (1, 11, 11, 0)
    assert toys.hours == D("16.50")
    # Additive figures add up; p2 came to two activities and is one participant of the centre.
    assert sum(f.presences for f in lines.values()) == report.totals.presences
    assert sum(f.participants for f in lines.values()) == 5 > report.totals.participants


def test_a_report_of_one_activity_counts_new_people_for_that_activity(world):
    sewing = world.activities["sewing"]
    report = reports.centre_report([world.centres["a"].pk], *MARCH, activity_id=sewing.pk, today=TODAY)
    totals = report.totals
    assert (totals.sessions, totals.presences, totals.participants, totals.new) == (2, 3, 2, 1)
    assert totals.hours == D("6.00")
    assert shares(report.typology.sexes) == {"Femmes": 1, "Hommes": 1, "Non précisé": 0}
    assert [line.name for line in report.activities] == ["Atelier couture"]
    leisure = reports.centre_report(
        [world.centres["a"].pk], *MARCH, activity_id=world.activities["leisure"].pk, today=TODAY
    )
    assert (leisure.totals.participants, leisure.totals.new) == (3, 3)


def test_a_period_stops_at_today(world):
    # Seen on 5 March 2025, March's sessions after that day are not « held » yet.
    report = reports.centre_report([world.centres["a"].pk], *MARCH, today=date(2025, 3, 5))
    assert report.totals.sessions == 2  # s1 and l1
    assert report.end == date(2025, 3, 5)


def test_the_network_roll_up_has_a_line_per_centre_and_territory_subtotals(world):
    centres = [
        reports.CentreInfo(c.pk, c.name, c.territory_id, c.territory.name) for c in world.centres.values()
    ]
    report = reports.network_report(centres, *MARCH, today=TODAY)
    blocks = {block.name: block for block in report.territories}
    assert list(blocks) == ["Territoire Nord", "Territoire Sud"]
    north = blocks["Territoire Nord"]
    assert [line.name for line in north.centres] == ["Centre Alpha", "Centre Gamma"]
    gamma = north.centres[1].figures
    assert (gamma.sessions, gamma.presences, gamma.participants, gamma.new, gamma.hours) == (
        1,
        1,
        1,
        1,
        D("1.50"),
    )
    sub = north.subtotal
    assert (sub.sessions, sub.presences, sub.participants, sub.new) == (5, 18, 5, 3)
    assert (sub.hours, sub.absent, sub.excused) == (D("42.00"), 2, 1)
    south = blocks["Territoire Sud"].subtotal
    assert (south.sessions, south.presences, south.participants, south.new, south.hours) == (
        1,
        2,
        2,
        2,
        D("6.00"),
    )
    total = report.totals
    assert (total.sessions, total.presences, total.participants, total.new, total.hours) == (
        6,
        20,
        7,
        5,
        D("48.00"),
    )
    assert report.typology.total == 7
    assert shares(report.typology.communes)["Lens"] == 2
    assert shares(report.typology.ages)["60 ans et plus"] == 1  # r1, of Gamma


def test_a_centre_without_any_figure_still_has_its_line(world):
    empty = CentreFactory(name="Centre Delta", territory=world.centres["a"].territory)
    centres = [reports.CentreInfo(empty.pk, empty.name, empty.territory_id, "Territoire Nord")]
    report = reports.network_report(centres, *MARCH, today=TODAY)
    assert report.territories[0].centres[0].figures == reports.Figures()


# --- Pages: who sees what ----------------------------------------------------------------------------


def report_url(name="activities:report", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse(name)}?{query}" if query else reverse(name)


def test_the_director_reads_the_centres_month_report(client, world, director_a):
    client.force_login(director_a)
    response = client.get(report_url(mois="2025-03"))
    assert response.status_code == 200
    page = text(response)
    assert "Bilan de fréquentation — mars 2025" in page
    assert row(response, "Séances tenues") == ["4"]
    assert row(response, "Présences") == ["17"]
    assert row(response, "Participants différents") == ["4"]
    assert row(response, "dont nouveaux participants") == ["2"]
    assert row(response, "Heures réalisées") == ["40,50"]
    assert row(response, "Atelier couture") == ["2", "3", "0", "2", "1", "1", "6,00", "2", "1"]
    assert row(response, "Total du centre") == ["4", "17", "11", "4", "2", "2", "40,50", "2", "1"]
    assert row(response, "26-59 ans") == ["1", "25 %"]
    assert row(response, "Enfants") == ["7", "10,50"]
    # Anonymous figures: no name of anybody, and nothing of Centre Bêta.
    for person in world.people.values():
        assert person.last_name not in page
    assert "Activité secrète de Bêta" not in page
    assert "Lens" not in page


def test_the_report_shows_the_previous_month_by_default(client, world, director_a):
    client.force_login(director_a)
    response = client.get(reverse("activities:report"))
    assert response.status_code == 200
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert previous_month(timezone.localdate()) == f"{last_month:%Y-%m}"
    assert f'value="{last_month:%Y-%m}"' in response.content.decode()
    assert f"Bilan de fréquentation — {date_format(last_month, 'F Y')}" in text(response)


def test_a_period_of_dates_and_the_activity_filter(client, world, director_a):
    client.force_login(director_a)
    sewing = world.activities["sewing"]
    response = client.get(report_url(du="01/02/2025", au="31/03/2025", activite=sewing.pk))
    assert response.status_code == 200
    assert "Bilan de fréquentation — du 01/02/2025 au 31/03/2025" in text(response)
    assert row(response, "Séances tenues") == ["3"]  # February's, s1, s2
    assert row(response, "Participants différents") == ["4"]  # p1, p4 and p5 in February, p2
    assert row(response, "Présences") == ["6"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"du": "31/02/2025", "au": "31/03/2025"}, "Cette date n'existe pas"),
        ({"du": "n'importe quoi", "au": "31/03/2025"}, "Cette date n'existe pas"),
        ({"du": "01/04/2025", "au": "01/03/2025"}, "La date de fin est avant la date de début"),
        ({"du": "01/01/2020", "au": "01/01/2025"}, "Un bilan couvre au plus 3 ans"),
        ({"du": "01/01/2025"}, "Indiquez la date de fin de la période"),
        ({"mois": "2025-13"}, "Choisissez un mois valide"),
        ({"mois": "9999-01"}, "Choisissez un mois valide"),
        ({"du": "01/01/0001", "au": "02/01/0001"}, "Choisissez une date entre 1990 et 2099"),
        ({"mois": "2025-03", "activite": "abc"}, "Cette activité n'existe pas dans ce centre"),
        ({"mois": "2025-03", "activite": "999999"}, "Cette activité n'existe pas dans ce centre"),
    ],
)
def test_bad_parameters_get_a_french_message_next_to_the_field(client, world, director_a, params, message):
    client.force_login(director_a)
    for name in ("activities:report", "activities:report_pdf", "activities:report_xlsx"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert message in text(response)
        assert 'aria-invalid="true"' in response.content.decode()
        assert "Chiffres clés" not in text(response)


def test_another_centres_activity_is_an_unknown_activity(client, world, director_a):
    client.force_login(director_a)
    response = client.get(report_url(mois="2025-03", activite=world.activities["secret"].pk))
    assert response.status_code == 400
    assert "Cette activité n'existe pas dans ce centre" in text(response)
    assert "Activité secrète de Bêta" not in text(response)
    assert "Séances tenues" not in text(response)


@pytest.mark.parametrize("role", ["animator", "reception", "social_worker", "volunteer"])
def test_a_role_without_reports_gets_a_404(client, world, staff, role):
    client.force_login(staff(role, "a"))
    for name in (
        "activities:report",
        "activities:report_pdf",
        "activities:report_xlsx",
        "activities:report_network",
    ):
        assert client.get(reverse(name), {"mois": "2025-03"}).status_code == 404
    for name in ("activities:report_network_pdf", "activities:report_network_xlsx"):
        assert client.post(report_url(name, mois="2025-03")).status_code == 404
    assert not Job.objects.exists()


def test_a_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(report_url(mois="2025-03"))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_a_centre_director_sees_only_their_centre_in_the_roll_up(client, world, director_a):
    client.force_login(director_a)
    response = client.get(report_url("activities:report_network", mois="2025-03"))
    assert response.status_code == 200
    page = text(response)
    assert "Centre Alpha" in page
    assert "Centre Bêta" not in page and "Centre Gamma" not in page
    assert row(response, "Total") == ["4", "17", "11", "4", "2", "2", "40,50", "2", "1"]
    # Another territory's id: not theirs, a message and no figures.
    response = client.get(
        report_url("activities:report_network", mois="2025-03", territoire=world.centres["b"].territory_id)
    )
    assert response.status_code == 400
    assert "Ce territoire n'est pas parmi les vôtres" in text(response)
    assert "Territoire Sud" not in text(response)


def test_a_territory_coordinator_sees_their_territorys_centres(client, world):
    user = UserFactory()
    north = world.centres["a"].territory
    StaffRole.objects.create(user=user, role="territory_coordinator", territory=north)
    client.force_login(user)
    response = client.get(report_url("activities:report_network", mois="2025-03"))
    assert response.status_code == 200
    page = text(response)
    assert "Centre Alpha" in page and "Centre Gamma" in page
    assert "Centre Bêta" not in page and "Lens" not in page
    assert row(response, "Sous-total Territoire Nord") == ["5", "18", "11", "5", "3", "2", "42,00", "2", "1"]
    assert row(response, "Centre Gamma") == ["1", "1", "0", "1", "1", "0", "1,50", "0", "0"]
    # Their current centre's report works too.
    assert client.get(report_url(mois="2025-03")).status_code == 200


def test_the_federation_sees_every_territory_and_can_filter_one(client, world):
    user = UserFactory()
    federation = world.centres["a"].territory.federation
    StaffRole.objects.create(user=user, role="federation", federation=federation)
    client.force_login(user)
    response = client.get(report_url("activities:report_network", mois="2025-03"))
    assert row(response, "Sous-total Territoire Sud") == ["1", "2", "0", "2", "2", "0", "6,00", "0", "0"]
    assert row(response, "Total") == ["6", "20", "11", "7", "5", "2", "48,00", "2", "1"]
    response = client.get(
        report_url("activities:report_network", mois="2025-03", territoire=world.centres["b"].territory_id)
    )
    assert response.status_code == 200
    assert "Centre Alpha" not in text(response)
    assert row(response, "Total") == ["1", "2", "0", "2", "2", "0", "6,00", "0", "0"]


# --- Files -------------------------------------------------------------------------------------------


def test_the_pdf_of_the_month(client, world, director_a):
    client.force_login(director_a)
    response = client.get(report_url("activities:report_pdf", mois="2025-03"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bilan-centre-alpha-2025-03.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_the_pdf_of_the_network(client, world):
    user = UserFactory()
    StaffRole.objects.create(user=user, role="federation", federation=world.centres["a"].territory.federation)
    client.force_login(user)
    # The file is made in the background: the button's POST leads to the job's page.
    response = finished_file(client, report_url("activities:report_network_pdf", mois="2025-03"))
    assert response.status_code == 200
    assert 'filename="bilan-reseau-2025-03.pdf"' in response["Content-Disposition"]
    assert content(response).startswith(b"%PDF")


def test_the_networks_files_are_asked_for_with_the_pages_buttons(client, world):
    user = UserFactory()
    StaffRole.objects.create(user=user, role="federation", federation=world.centres["a"].territory.federation)
    client.force_login(user)
    # A POST (it starts a job), never a link followed.
    assert client.get(report_url("activities:report_network_pdf", mois="2025-03")).status_code == 405
    page = client.get(report_url("activities:report_network", mois="2025-03")).content.decode()
    assert f'<form method="post" action="{reverse("activities:report_network_pdf")}?mois=2025-03">' in page


def workbook(response):
    from openpyxl import load_workbook

    content = response if isinstance(response, bytes) else response.content
    return load_workbook(io.BytesIO(content))


def sheet_rows(book, name) -> dict:
    return {r[0]: r[1:] for r in book[name].iter_rows(values_only=True) if r and r[0] is not None}


def test_the_xlsx_of_the_month_holds_the_figures_as_numbers(client, world, director_a):
    client.force_login(director_a)
    response = client.get(report_url("activities:report_xlsx", mois="2025-03"))
    assert response.status_code == 200
    assert 'filename="bilan-centre-alpha-2025-03.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["Chiffres", "Par activité", "Âges", "Sexe", "QPV", "Communes", "Accueil libre"]
    figures = sheet_rows(book, "Chiffres")
    assert figures["Séances tenues"] == (4,)
    assert figures["Présences"] == (17,)
    assert figures["Participants différents"] == (4,)
    assert figures["Heures réalisées"] == (40.5,)
    per_activity = sheet_rows(book, "Par activité")
    assert per_activity["Atelier couture"] == ("Atelier", 2, 3, 0, 2, 1, 1, 6.0, 2, 1)
    assert per_activity["Total du centre"][1:] == (4, 17, 11, 4, 2, 2, 40.5, 2, 1)
    assert sheet_rows(book, "Communes")["Lille"] == (2, 0.5)
    assert sheet_rows(book, "Accueil libre")["Enfants"] == (7, 10.5)


def test_the_xlsx_of_the_network_has_the_subtotals(client, world):
    user = UserFactory()
    StaffRole.objects.create(user=user, role="federation", federation=world.centres["a"].territory.federation)
    client.force_login(user)
    response = finished_file(client, report_url("activities:report_network_xlsx", mois="2025-03"))
    book = workbook(content(response))
    lines = {r[1]: r[2:] for r in book["Par centre"].iter_rows(min_row=2, values_only=True)}
    assert lines["Centre Gamma"] == (1, 1, 0, 1, 1, 0, 1.5, 0, 0)
    assert lines["Sous-total Territoire Nord"] == (5, 18, 11, 5, 3, 2, 42.0, 2, 1)
    assert sheet_rows(book, "Chiffres")["Participants différents"] == (7,)


# --- Query counts ------------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """n more activities, people and sessions with attendance in Alpha, and n more centres in the north."""
    a = world.centres["a"]
    for i in range(n):
        extra = activity(a, f"Atelier {i}")
        s = session(extra, date(2025, 3, 20), (14, 0), (15, 0))
        for _ in range(3):
            mark(s, PersonFactory(centre=a, city=f"Ville {i}"))
        other = CentreFactory(territory=a.territory)
        mark(
            session(activity(other, "Atelier"), date(2025, 3, 20), (9, 0), (10, 0)),
            PersonFactory(centre=other),
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_reports_make_the_same_number_of_queries_whatever_the_data(
    client, world, director_a, django_assert_max_num_queries
):
    user = UserFactory()
    StaffRole.objects.create(user=user, role="territory_coordinator", territory=world.centres["a"].territory)
    centre_url = report_url(mois="2025-03")
    network_url = report_url("activities:report_network", mois="2025-03")
    client.force_login(director_a)
    centre_before = count_queries(client, centre_url)
    client.force_login(user)
    network_before = count_queries(client, network_url)
    grow(world, 6)
    client.force_login(director_a)
    with django_assert_max_num_queries(centre_before):
        client.get(centre_url)
    for name in ("activities:report_pdf", "activities:report_xlsx"):
        with django_assert_max_num_queries(centre_before):
            client.get(report_url(name, mois="2025-03"))
    client.force_login(user)
    with django_assert_max_num_queries(network_before):
        response = client.get(network_url)
    assert text(response).count("Sous-total Territoire Nord") == 1
    assert centre_before <= 12 and network_before <= 12


# --- Rules that hold whatever the attendance -----------------------------------------------------------


HOURS = [D("2.00"), D("6.00"), D("1.50"), D("0.75")]


@pytest.fixture
def playground(network):
    """Two activities of Alpha, sessions before and during March with various counted hours, people."""
    a = network["a"]
    acts = [activity(a, "Un"), activity(a, "Deux")]
    days = [date(2025, 2, 20), date(2025, 3, 3), date(2025, 3, 17), date(2025, 3, 31)]
    all_sessions = []
    for i, day in enumerate(days):
        for j, act in enumerate(acts):
            s = Session.objects.create(
                centre=a,
                activity=act,
                date=day,
                start_time=time(9),
                end_time=time(18),
                counted_hours=HOURS[(i + j) % len(HOURS)],
            )
            all_sessions.append(s)
    people = [
        PersonFactory(
            centre=a,
            birth_date=date(1950 + 12 * k, 3, 1),
            sex="FMX"[k % 3],
            city=["Lille", "Lomme", ""][k % 3],
        )
        for k in range(5)
    ]
    return a, acts, all_sessions, people


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    marks=st.dictionaries(
        keys=st.tuples(st.integers(0, 7), st.integers(0, 4)),
        values=st.sampled_from([PRESENT, PRESENT, ABSENT, EXCUSED]),
        max_size=40,
    ),
    counts=st.dictionaries(keys=st.integers(0, 7), values=st.integers(0, 30), max_size=4),
)
def test_report_rules_hold_whatever_the_attendance(playground, marks, counts):
    centre, acts, all_sessions, people = playground
    Attendance.objects.all().delete()
    HeadCount.objects.all().delete()
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            session=all_sessions[s],
            person=people[p],
            centre=centre,
            activity_id=all_sessions[s].activity_id,
            date=all_sessions[s].date,
            hours=all_sessions[s].counted_hours,
            status=status,
            recorded_at=now,
        )
        for (s, p), status in marks.items()
    )
    HeadCount.objects.bulk_create(
        HeadCount(
            session=all_sessions[s],
            centre=centre,
            activity_id=all_sessions[s].activity_id,
            date=all_sessions[s].date,
            category="enfants",
            count=n,
            recorded_at=now,
        )
        for s, n in counts.items()
    )
    report = reports.centre_report([centre.pk], *MARCH, today=TODAY)
    totals = report.totals
    in_march = {i for i, s in enumerate(all_sessions) if MARCH[0] <= s.date <= MARCH[1]}
    present = [(s, p) for (s, p), status in marks.items() if status == PRESENT and s in in_march]

    # Hours are Σ presences × counted hours, plus the people counted × counted hours.
    expected_hours = sum((all_sessions[s].counted_hours for s, _ in present), D("0")) + sum(
        (n * all_sessions[s].counted_hours for s, n in counts.items() if s in in_march), D("0")
    )
    assert totals.hours == expected_hours
    assert totals.named_presences == len(present)
    assert totals.participants == len({p for _, p in present})
    assert totals.participants <= totals.named_presences
    assert 0 <= totals.new <= totals.participants
    earlier = {p for (s, p), status in marks.items() if status == PRESENT and s not in in_march}
    assert totals.returning == len({p for _, p in present} & earlier)

    # The activities' additive figures add up to the centre's; participants can only overlap.
    lines = [line.figures for line in report.activities]
    for attribute in ("sessions", "presences", "hours", "absent", "excused", "counted_presences"):
        assert sum((getattr(f, attribute) for f in lines), 0) == getattr(totals, attribute)
    assert max((f.participants for f in lines), default=0) <= totals.participants
    assert totals.participants <= sum(f.participants for f in lines)
    for f in lines:
        assert f.participants <= f.named_presences

    # Every typology table covers every participant once.
    for _, _, table in report.typology.tables():
        assert sum(share.count for share in table) == totals.participants

    # The roll-up of the one centre says the same.
    info = reports.CentreInfo(centre.pk, centre.name, centre.territory_id, "Nord")
    network = reports.network_report([info], *MARCH, today=TODAY)
    assert network.totals == totals
