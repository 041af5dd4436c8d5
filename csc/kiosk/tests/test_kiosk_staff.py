"""The staff side of the kiosk: the referent's settings (journaled, https only), help sheets shared in
the network, the reception's help log (anonymous unless the person agrees), the statistics and the CAF
report with its roll-up. Wrong roles get a 404; bad input a French message and nothing lost."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from openpyxl import load_workbook

from csc.core.models import AuditEvent, StaffRole
from csc.kiosk import services, stats
from csc.kiosk.models import AssistedProcedure, HelpSheet, Kiosk, KioskEvent, Procedure, SurveyAnswer, Tile
from csc.testing.factories import PersonFactory, UserFactory
from csc.testing.pages import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent(staff, login):
    return login(staff("kiosk_referent"))


def tiles(centre):
    services.kiosk_for(centre)
    return {t.procedure.slug if t.procedure else t.title: t for t in Tile.objects.filter(centre=centre)}


# --- Settings -------------------------------------------------------------------------------------------


def test_roles_without_the_kiosk_get_a_404(client, staff):
    client.force_login(staff("animator"))
    for url in (
        "/ma-borne/",
        "/fiches-demarches/",
        "/ma-borne/statistiques/",
        "/aides-numeriques/rapport-caf/",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/aides-numeriques/").status_code == 404


def test_the_referent_sees_the_kiosk_address_and_its_tiles(referent, centre_a):
    body = visible_text(referent.get("/ma-borne/"))
    assert f"/borne/{centre_a.slug}/" in body
    assert "Ameli - Assurance Maladie ameli.fr" in body
    assert "Aperçu de la borne" in body


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(document.cookie)", "L'adresse du site doit commencer par https://"),
        ("http://www.lille.fr/cantine", "L'adresse du site doit commencer par https://"),
        ("https://", "L'adresse du site doit commencer par https://"),
        ("", "Indiquez l'adresse du site, qui commence par https://."),
    ],
)
def test_a_local_link_must_be_https_and_nothing_typed_is_lost(referent, centre_a, url, message):
    response = referent.post(
        "/ma-borne/liens/nouveau/",
        {
            "title": "Cantine scolaire",
            "url": url,
            "theme": tiles(centre_a)["ameli"].theme_id,
            "keywords": "cantine",
        },
    )
    assert response.status_code == 400
    body = visible_text(response)
    assert message in body
    assert 'value="Cantine scolaire"' in response.content.decode()
    assert not Tile.objects.filter(title="Cantine scolaire").exists()


def test_a_local_link_appears_on_the_kiosk_at_once_and_is_journaled(referent, client, centre_a):
    home = f"/borne/{centre_a.slug}/"
    client.get(home)  # cached before the change
    local = tiles(centre_a)["ville-lille"].theme_id
    response = referent.post(
        "/ma-borne/liens/nouveau/",
        {
            "title": "Cantine scolaire",
            "url": "https://www.lille.fr/cantine",
            "theme": local,
            "keywords": "cantine",
        },
    )
    assert response.status_code == 302
    tile = Tile.objects.get(title="Cantine scolaire")
    assert AuditEvent.objects.filter(
        object_type="kiosk.tile", object_id=str(tile.pk), action="create"
    ).exists()
    body = client.get(home).content.decode()
    assert "Cantine scolaire" in body and 'href="https://www.lille.fr/cantine"' in body


def test_tiles_move_within_their_theme_hide_and_come_back(referent, centre_a):
    all_tiles = tiles(centre_a)
    caf, msa = all_tiles["caf"], all_tiles["msa"]
    assert referent.post(f"/ma-borne/tuiles/{msa.pk}/monter/").status_code == 302
    order = [
        t.procedure.slug for t in Tile.objects.filter(centre=centre_a, theme=caf.theme).order_by("position")
    ]
    assert order == ["msa", "caf", "bourses-college-lycee"]  # the last one is the project's own addition
    referent.post(f"/ma-borne/tuiles/{caf.pk}/masquer/")
    assert Tile.objects.get(pk=caf.pk).is_hidden
    assert "Tuiles masquées" in visible_text(referent.get("/ma-borne/"))
    referent.post(f"/ma-borne/tuiles/{caf.pk}/afficher/")
    assert not Tile.objects.get(pk=caf.pk).is_hidden
    response = referent.post(f"/ma-borne/tuiles/{caf.pk}/supprimer-tout/", follow=True)
    assert "Cette action n'existe pas." in visible_text(response)


def test_moving_keeps_every_tile_and_every_position_distinct(referent, centre_a):
    all_tiles = list(tiles(centre_a).values())
    for tile in all_tiles[:8]:
        referent.post(f"/ma-borne/tuiles/{tile.pk}/descendre/")
        referent.post(f"/ma-borne/tuiles/{tile.pk}/monter/")
    positions = list(Tile.objects.filter(centre=centre_a).values_list("position", flat=True))
    assert len(positions) == len(all_tiles) == len(set(positions))


def test_procedures_come_back_from_the_catalogue(referent, centre_a):
    msa = tiles(centre_a)["msa"]
    services.set_hidden(msa, hidden=True)
    roubaix = Procedure.objects.get(slug="ville-roubaix")
    response = referent.post("/ma-borne/ajouter/", {"procedures": [msa.procedure_id, roubaix.pk]})
    assert response.status_code == 302
    assert not Tile.objects.get(pk=msa.pk).is_hidden
    assert Tile.objects.filter(centre=centre_a, procedure=roubaix, is_hidden=False).exists()
    response = referent.post("/ma-borne/ajouter/", {"procedures": ["999999"]})
    assert response.status_code == 400
    assert "Cette démarche n'est plus proposée." in visible_text(response)


def test_settings_refuse_an_idle_time_out_of_range(referent, centre_a):
    response = referent.post("/ma-borne/reglages/", {"welcome_text": "Bonjour !", "idle_minutes": "0"})
    assert response.status_code == 400
    assert "Au moins 1 minute." in visible_text(response)
    assert "Bonjour !" in response.content.decode()
    response = referent.post("/ma-borne/reglages/", {"welcome_text": "Bonjour !", "idle_minutes": "abc"})
    assert "Écrivez un nombre de minutes, par exemple 3." in visible_text(response)
    referent.post("/ma-borne/reglages/", {"welcome_text": "Bonjour <b>vous</b> !", "idle_minutes": "5"})
    kiosk = Kiosk.objects.get(centre=centre_a)
    assert (kiosk.welcome_text, kiosk.idle_minutes) == ("Bonjour <b>vous</b> !", 5)
    assert "Bonjour &lt;b&gt;vous&lt;/b&gt; !" in referent.get(f"/borne/{centre_a.slug}/").content.decode()


def test_the_reception_hours_are_the_centres_directory_entry(referent, centre_a):
    response = referent.post("/ma-borne/horaires/", {"lundi_1_ouvre": "14:00", "lundi_1_ferme": "09:00"})
    assert response.status_code == 400
    assert "l'heure de fermeture (9 h) doit venir après celle d'ouverture (14 h)" in visible_text(response)
    response = referent.post("/ma-borne/horaires/", {"lundi_1_ouvre": "09:00", "lundi_1_ferme": "12:00"})
    assert response.status_code == 302
    assert centre_a.directory_entry.hours[0] == [["09:00", "12:00"]]


# --- Help sheets ----------------------------------------------------------------------------------------


def test_a_sheet_is_written_in_markdown_shared_and_adapted_by_another_centre(
    referent, staff, client, centre_b
):
    ameli = Procedure.objects.get(slug="ameli")
    response = referent.post(
        "/fiches-demarches/nouvelle/",
        {
            "procedure": ameli.pk,
            "title": "Télécharger son attestation",
            "to_bring": "- la **carte Vitale**\n<script>alert(1)</script>",
            "steps": "1. Ouvrir ameli.fr\n2. [Se connecter](javascript:alert(1))",
            "is_shared": "on",
        },
    )
    sheet = HelpSheet.objects.get()
    assert response.status_code == 302
    body = referent.get(f"/fiches-demarches/{sheet.pk}/").content.decode()
    assert "<strong>carte Vitale</strong>" in body and "<script>alert" not in body
    assert 'href="javascript' not in body

    client.force_login(staff("kiosk_referent", "b"))
    assert "Télécharger son attestation" in visible_text(client.get("/fiches-demarches/"))
    assert client.get(f"/fiches-demarches/{sheet.pk}/modifier/").status_code == 404
    response = client.post(f"/fiches-demarches/{sheet.pk}/adapter/")
    copy = HelpSheet.objects.get(centre=centre_b)
    assert response.status_code == 302 and copy.copied_from == sheet and not copy.is_shared
    assert copy.to_bring == sheet.to_bring


def test_a_sheet_kept_to_its_centre_is_not_seen_elsewhere(staff, client, centre_a):
    sheet = HelpSheet.objects.create(
        centre=centre_a, procedure=Procedure.objects.get(slug="caf"), title="Notre brouillon", is_shared=False
    )
    client.force_login(staff("kiosk_referent", "b"))
    assert "Notre brouillon" not in visible_text(client.get("/fiches-demarches/"))
    assert client.get(f"/fiches-demarches/{sheet.pk}/").status_code == 404
    assert client.post(f"/fiches-demarches/{sheet.pk}/adapter/").status_code == 404


def test_a_sheet_without_title_or_procedure_keeps_what_was_typed(referent):
    response = referent.post("/fiches-demarches/nouvelle/", {"steps": "1. Première étape"})
    assert response.status_code == 400
    body = visible_text(response)
    assert "Choisissez la démarche." in body and "Donnez un titre à la fiche." in body
    assert "1. Première étape" in response.content.decode()


def test_the_sheet_list_costs_the_same_queries_whatever_its_length(
    referent, centre_a, django_assert_max_num_queries
):
    caf = Procedure.objects.get(slug="caf")
    HelpSheet.objects.bulk_create(
        [HelpSheet(centre=centre_a, procedure=caf, title=f"Fiche {i}") for i in range(40)]
    )
    with django_assert_max_num_queries(8):
        response = referent.get("/fiches-demarches/")
    assert "40 fiches" in visible_text(response)


# --- Help log -------------------------------------------------------------------------------------------

QUICK = {"organisation": "caf", "kind": "declaration", "autonomy": "with", "duration": "10-30"}


def test_reception_notes_a_help_in_one_post_anonymous_by_default(staff, client, centre_a):
    client.force_login(staff("reception"))
    response = client.post("/aides-numeriques/", QUICK | {"computer_help": "on"}, follow=True)
    assert "Aide notée. Merci !" in visible_text(response)
    record = AssistedProcedure.objects.get()
    assert (record.centre, record.person, record.consent, record.computer_help) == (
        centre_a,
        None,
        False,
        True,
    )
    assert "Déclaration (ressources, situation, revenus)" in visible_text(response)


def test_a_help_missing_a_choice_says_which_one(staff, client):
    client.force_login(staff("reception"))
    response = client.post("/aides-numeriques/", {"organisation": "caf", "kind": "pirate"})
    assert response.status_code == 400
    body = visible_text(response)
    assert "Dites si la personne a fait seule, avec vous ou si vous avez fait pour elle." in body
    assert "Choisissez la durée." in body
    assert not AssistedProcedure.objects.exists()


def test_a_help_goes_in_a_persons_file_only_with_consent(staff, client, centre_a, centre_b):
    person = PersonFactory(centre=centre_a, last_name="Martin")
    client.force_login(staff("reception"))
    response = client.post("/aides-numeriques/", QUICK | {"personne": person.pk})
    assert response.status_code == 400
    assert "il faut son accord" in visible_text(response)
    assert not AssistedProcedure.objects.exists()
    client.post("/aides-numeriques/", QUICK | {"personne": person.pk, "accord": "1"})
    assert AssistedProcedure.objects.get().person == person
    stranger = PersonFactory(centre=centre_b)
    client.post("/aides-numeriques/", QUICK | {"personne": stranger.pk, "accord": "1"})
    assert AssistedProcedure.objects.filter(person=stranger).count() == 0


def test_a_volunteer_notes_helps_but_never_sees_names_and_takes_back_only_theirs(staff, client, centre_a):
    person = PersonFactory(centre=centre_a, last_name="Secretnom")
    services.record_assisted(centre_a, user=None, person=person, consent=True, **QUICK)
    client.force_login(staff("volunteer"))
    body = visible_text(client.get("/aides-numeriques/"))
    assert "Secretnom" not in body and "dans le dossier d'une personne" in body
    other = AssistedProcedure.objects.get()
    assert client.post(f"/aides-numeriques/{other.pk}/annuler/").status_code == 404
    client.post("/aides-numeriques/", QUICK)
    mine = AssistedProcedure.objects.exclude(pk=other.pk).get()
    assert client.post(f"/aides-numeriques/{mine.pk}/annuler/").status_code == 302
    assert list(AssistedProcedure.objects.all()) == [other]


# --- Statistics -----------------------------------------------------------------------------------------


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def test_statistics_count_visits_clicks_and_searches_that_found_nothing(staff, client, centre_a, centre_b):
    all_tiles = tiles(centre_a)
    today = timezone.localdate()
    event = KioskEvent.Kind
    KioskEvent.objects.bulk_create(
        [
            KioskEvent(centre=centre_a, kind=event.VISIT, at=at(today, 10)),
            KioskEvent(centre=centre_a, kind=event.VISIT, at=at(today, 10)),
            KioskEvent(centre=centre_a, kind=event.CLICK, tile=all_tiles["ameli"], at=at(today, 10)),
            KioskEvent(centre=centre_a, kind=event.CLICK, tile=all_tiles["ameli"], at=at(today, 11)),
            KioskEvent(centre=centre_a, kind=event.CLICK, tile=all_tiles["caf"], at=at(today, 11)),
            KioskEvent(centre=centre_a, kind=event.SEARCH, query="cantine", results=0, at=at(today, 11)),
            KioskEvent(centre=centre_a, kind=event.SEARCH, query="caf", results=1, at=at(today, 11)),
            KioskEvent(centre=centre_b, kind=event.VISIT, at=at(today, 11)),  # another centre's
        ]
    )
    SurveyAnswer.objects.create(centre=centre_a, outcome="alone", organisation="caf", age_band="60+")
    client.force_login(staff("kiosk_referent"))
    body = visible_text(client.get("/ma-borne/statistiques/"))
    assert "2 visites" in body and "3 clics sur une démarche" in body
    assert "2 recherches, dont 1 sans résultat" in body
    assert "Recherche Fois Ajouter comme mot-clé cantine 1" in body
    assert "Ameli - Assurance Maladie 2" in body
    assert "Oui, tout(e) seul(e) 1" in body
    this_month = date_format(today, "F Y").capitalize()
    assert f"{this_month} 2 3 2" in body  # the twelve months' table

    csv = client.get("/ma-borne/statistiques/statistiques.csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Jour;Visites;Clics sur une démarche")
    assert f"{today:%d/%m/%Y};2;3;2;1;0" in lines
    workbook = load_workbook(io.BytesIO(client.get("/ma-borne/statistiques/statistiques.xlsx").content))
    rows = list(workbook["Par démarche"].iter_rows(values_only=True))
    assert rows[1] == ("Ameli - Assurance Maladie", 2)
    assert list(workbook["Sans résultat"].iter_rows(values_only=True))[1] == ("cantine", 1)

    live = visible_text(client.get("/ma-borne/statistiques/aujourdhui/"))
    assert "2 visites" in live and "Recherche « cantine » (aucun résultat)" in live


def failed_search(centre, words, number=1):
    KioskEvent.objects.bulk_create(
        [
            KioskEvent(centre=centre, kind=KioskEvent.Kind.SEARCH, query=words, results=0)
            for _ in range(number)
        ]
    )


def kiosk_search(client, centre, words) -> str:
    return visible_text(client.get(f"/borne/{centre.slug}/recherche/", {"q": words, "apercu": "1"}))


def test_the_referent_attaches_a_failed_search_to_a_procedure_in_one_click(staff, client, centre_a, centre_b):
    own, other = tiles(centre_a), tiles(centre_b)
    failed_search(centre_a, "bafa", 3)
    client.force_login(staff("kiosk_referent"))
    page = client.get("/ma-borne/statistiques/")
    html = page.content.decode()
    assert 'action="/ma-borne/statistiques/mot-cle/"' in html and "csrfmiddlewaretoken" in html
    assert '<label for="mot-cle-1">Démarche pour « bafa »</label>' in html
    assert f'<option value="{own["1jeune1solution"].pk}">1 jeune 1 solution</option>' in html
    assert f'value="{other["1jeune1solution"].pk}"' not in html  # only the centre's own tiles
    assert "Aucune démarche ne correspond" in kiosk_search(client, centre_a, "bafa")

    response = client.post(
        "/ma-borne/statistiques/mot-cle/", {"word": "bafa", "tile": own["1jeune1solution"].pk}, follow=True
    )
    body = visible_text(response)
    assert "« bafa » trouve maintenant « 1 jeune 1 solution » sur la borne." in body
    # The row now says what the word finds instead of offering the action again.
    assert "bafa 3 Trouve maintenant : 1 jeune 1 solution" in body
    assert "1 jeune 1 solution" in kiosk_search(client, centre_a, "BAFA")
    assert "Aucune démarche ne correspond" in kiosk_search(client, centre_b, "bafa")  # this centre only
    event = AuditEvent.objects.get(action="kiosk.synonym_added")
    assert (event.centre_id, event.object_id, event.detail) == (
        centre_a.pk,
        str(own["1jeune1solution"].pk),
        "bafa",
    )


def test_another_centres_referent_cannot_add_a_word_to_a_kiosk(staff, client, centre_a, centre_b):
    own = tiles(centre_a)
    tiles(centre_b)
    client.force_login(staff("kiosk_referent", "b"))
    response = client.post("/ma-borne/statistiques/mot-cle/", {"word": "bafa", "tile": own["caf"].pk})
    assert response.status_code == 404
    # A tile that does not exist is no different.
    response = client.post("/ma-borne/statistiques/mot-cle/", {"word": "bafa", "tile": "999999"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="kiosk.synonym_added").exists()
    assert Tile.objects.get(pk=own["caf"].pk).keywords == ""
    client.force_login(staff("animator"))
    response = client.post("/ma-borne/statistiques/mot-cle/", {"word": "bafa", "tile": own["caf"].pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"word": "", "tile": "CAF"}, "Le mot à ajouter manque."),
        ({"word": "bafa"}, "Choisissez la démarche que ce mot doit trouver."),
        ({"word": "bafa", "tile": "abc"}, "Choisissez une démarche de la liste."),
        ({"word": "bafa", "tile": "HIDDEN"}, "Choisissez une démarche de la liste."),
        ({"word": "06 12 34 56 78", "tile": "CAF"}, "Le mot à ajouter manque."),
        ({"word": "x" * 61, "tile": "CAF"}, "Un mot-clé tient en 60 caractères au plus."),
        ({"word": "allocations", "tile": "CAF"}, "« allocations » trouve déjà « CAF - Caisse d'allocations"),
    ],
)
def test_a_word_that_cannot_be_added_is_refused_in_french(staff, client, centre_a, data, message):
    own = tiles(centre_a)
    failed_search(centre_a, "bafa")
    services.set_hidden(own["msa"], hidden=True)
    if data.get("tile") in ("CAF", "HIDDEN"):
        data = data | {"tile": own["caf" if data["tile"] == "CAF" else "msa"].pk}
    client.force_login(staff("kiosk_referent"))
    response = client.post("/ma-borne/statistiques/mot-cle/", data)
    assert response.status_code == 400
    assert message in visible_text(response)
    assert Tile.objects.get(pk=own["caf"].pk).keywords == ""
    assert not AuditEvent.objects.filter(action="kiosk.synonym_added").exists()


def test_a_word_on_a_catalogue_tile_is_added_to_the_procedures_own_words(centre_a):
    tile = tiles(centre_a)["caf"]
    services.add_synonym(tile, "Cheque   Rentrée", user=None)
    tile.refresh_from_db()
    assert tile.keywords == "cheque rentrée"
    assert "cheque rentrée" in tile.words and "allocations" in tile.words
    with pytest.raises(services.KioskRefused):
        services.add_synonym(tile, "chèque rentrée", user=None)  # already there, accents aside


def test_the_twelve_months_leave_out_older_events_and_keep_empty_months(centre_a):
    today = timezone.localdate()
    long_ago = today.replace(day=1) - timedelta(days=400)
    KioskEvent.objects.bulk_create(
        [
            KioskEvent(centre=centre_a, kind=KioskEvent.Kind.VISIT, at=at(today, 10)),
            KioskEvent(centre=centre_a, kind=KioskEvent.Kind.VISIT, at=at(long_ago, 10)),
        ]
    )
    lines = stats.months(centre_a.pk, today)
    assert len(lines) == 12
    assert sum(line.counts.visits for line in lines) == 1
    assert lines[-1].counts.visits == 1 and lines[-1].share == 100
    assert [line.day.month for line in lines][-1] == today.month


def test_a_search_typed_as_a_formula_is_exported_as_text(staff, client, centre_a):
    KioskEvent.objects.create(centre=centre_a, kind=KioskEvent.Kind.SEARCH, query="=cmd|x", results=0)
    client.force_login(staff("kiosk_referent"))
    workbook = load_workbook(io.BytesIO(client.get("/ma-borne/statistiques/statistiques.xlsx").content))
    assert list(workbook["Sans résultat"].iter_rows(values_only=True))[1][0] == "'=cmd|x"


@pytest.mark.parametrize("month", ["2026-13", "demain", "2099-01", "'; DROP TABLE"])
def test_a_month_that_cannot_be_read_is_a_french_message(staff, client, month):
    client.force_login(staff("kiosk_referent"))
    for url in (
        "/ma-borne/statistiques/",
        "/aides-numeriques/rapport-caf/",
        "/ma-borne/statistiques/statistiques.csv",
    ):
        response = client.get(url, {"mois": month})
        assert response.status_code == 400, url
        assert "Ce mois n'est pas reconnu" in visible_text(response)


def test_statistics_cost_the_same_queries_whatever_the_number_of_events(
    staff, client, centre_a, django_assert_max_num_queries
):
    all_tiles = list(tiles(centre_a).values())
    KioskEvent.objects.bulk_create(
        [KioskEvent(centre=centre_a, kind=KioskEvent.Kind.CLICK, tile=all_tiles[i % 10]) for i in range(300)]
    )
    client.force_login(staff("kiosk_referent"))
    with django_assert_max_num_queries(14):
        response = client.get("/ma-borne/statistiques/")
    assert "300 clics" in visible_text(response)


# --- CAF report -----------------------------------------------------------------------------------------


def last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=1)


def test_the_caf_report_counts_helps_by_organisation_and_referrals_by_reason(
    staff, client, centre_a, centre_b
):
    day = last_month()
    for organisation, reason, computer in [
        ("caf", "complexe", True),
        ("caf", "", False),
        ("cpam", "piece", True),
    ]:
        services.record_assisted(
            centre_a,
            user=None,
            organisation=organisation,
            kind="declaration",
            autonomy="with",
            duration="10-30",
            computer_help=computer,
            referral_reason=reason,
            day=day,
        )
    services.record_assisted(centre_b, user=None, day=day, **QUICK)  # another centre's
    KioskEvent.objects.create(centre=centre_a, kind=KioskEvent.Kind.VISIT, at=at(day, 10))
    client.force_login(staff("kiosk_referent"))
    body = visible_text(client.get("/aides-numeriques/rapport-caf/"))
    assert "Personnes aidées 3" in body
    assert "Aides à l'utilisation de l'outil informatique 2" in body
    assert "Personnes orientées vers l'organisme 2" in body
    assert "Visites de la borne en libre-service 1" in body
    caf_line = (
        "CAF 2 Déclaration (ressources, situation, revenus) : 2 1 Situation complexe, il faut un conseiller"
    )
    assert f"{caf_line} : 1" in body
    pdf = client.get("/aides-numeriques/rapport-caf/rapport.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    workbook = load_workbook(io.BytesIO(client.get("/aides-numeriques/rapport-caf/rapport.xlsx").content))
    figures = {row[0]: row[1] for row in workbook["Chiffres"].iter_rows(values_only=True) if row and row[0]}
    assert figures["Personnes aidées"] == 3 and figures["Orientées vers l'organisme"] == 2
    reasons = list(workbook["Orientations"].iter_rows(values_only=True))[1:]
    assert ("CAF", "Situation complexe, il faut un conseiller", 1) in reasons


def test_the_territory_coordinator_rolls_up_the_centres_they_oversee(
    otp_verified, client, centre_a, centre_b, django_assert_max_num_queries
):
    day = last_month()
    services.record_assisted(centre_a, user=None, day=day, **QUICK)
    services.record_assisted(centre_b, user=None, day=day, **QUICK | {"referral_reason": "piece"})
    federation_user = UserFactory()
    StaffRole.objects.create(
        user=federation_user, role="federation", federation=centre_a.territory.federation
    )
    client.force_login(federation_user)
    with django_assert_max_num_queries(14):
        response = client.get("/aides-numeriques/rapport-caf/reseau/")
    body = visible_text(response)
    assert "Sous-total Territoire Nord 1 0 0 0" in body
    assert "Sous-total Territoire Sud 1 0 1 0" in body
    assert "Total 2 0 1 0" in body
    north = centre_a.territory_id
    body = visible_text(client.get("/aides-numeriques/rapport-caf/reseau/", {"territoire": north}))
    assert "Sous-total Territoire Sud" not in body and "Total 1 0 0 0" in body
    assert client.get("/aides-numeriques/rapport-caf/reseau/", {"territoire": "999"}).status_code == 400
    workbook = load_workbook(
        io.BytesIO(client.get("/aides-numeriques/rapport-caf/reseau/rapport.xlsx").content)
    )
    assert ("Total", None, 2, 0, 1, 0) in list(workbook["Par centre"].iter_rows(values_only=True))
    assert client.get("/aides-numeriques/rapport-caf/reseau/rapport.pdf").content.startswith(b"%PDF")


def test_a_director_of_one_centre_rolls_up_only_that_centre(staff, client, otp_verified, centre_a, centre_b):
    services.record_assisted(centre_b, user=None, day=last_month(), **QUICK)
    client.force_login(staff("director"))
    body = visible_text(client.get("/aides-numeriques/rapport-caf/reseau/"))
    assert "Centre Bêta" not in body and "Total 0 0 0 0" in body
