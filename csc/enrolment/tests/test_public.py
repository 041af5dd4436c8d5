"""The public forms as a parent uses them: phone-sized pages, no account, every mistake explained."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csc.activities.demo import build_leisure_centre
from csc.activities.models import GroupDay
from csc.enrolment.models import Request
from csc.enrolment.notifications import request_from_token
from csc.testing.pages import page_text, visible_text

TODAY = date(2026, 11, 21)


@pytest.fixture
def leisure(centre_a, monkeypatch):
    # public_views imports `today` from forms: imported for the first time after forms.today is patched,
    # it would keep the patched one for good (monkeypatch would "restore" it), and every later test of
    # the process would live on TODAY. So it is imported, and patched, first.
    from csc.enrolment import public_views

    monkeypatch.setattr(public_views, "today", lambda: TODAY)
    monkeypatch.setattr("csc.enrolment.forms.today", lambda: TODAY)
    return build_leisure_centre(centre_a, today=TODAY, places=2, holiday_start=date(2026, 12, 21))


def family_fields(**overrides):
    data = {
        "famille-email": "nadia.martin@example.org",
        "famille-phone": "06 12 34 56 78",
        "famille-address": "3 rue des Lilas",
        "famille-postcode": "59000",
        "famille-city": "Lille",
        "famille-family_quotient": "612,50",
        "famille-consent_photos": "oui",
        "famille-consent_communications": "non",
        "famille-consent_data": "oui",
    }
    data.update(overrides)
    return data


# The people both public forms ask for, as a parent types them.
ONE_ADULT_ONE_CHILD = {
    "adulte-0-first_name": "Nadia",
    "adulte-0-last_name": "Martin",
    "enfant-0-first_name": "Léa",
    "enfant-0-last_name": "Martin",
    "enfant-0-birth_date": "2019-03-14",
}


def registration_data(leisure, key="6f1c2b1e-8c1e-4c55-9d1a-2b0a7d2f0c11", **overrides):
    days = list(leisure.period.days.all())
    day = leisure.units["day"]
    data = {
        "periode": str(leisure.period.pk),
        "key": key,
        "nombre_enfants": "1",
        **ONE_ADULT_ONE_CHILD,
        "enfant-0-choices": [f"{days[0].pk}:{day.pk}", f"{days[1].pk}:{day.pk}"],
        **family_fields(),
    }
    data.update(overrides)
    return data


def membership_data(key, **overrides):
    """A pré-adhésion as a parent sends it: one adult, one child, the family's fields."""
    return {
        "key": key,
        "nombre_adultes": "1",
        "nombre_enfants": "1",
        **ONE_ADULT_ONE_CHILD,
        "action": "envoyer",
        **family_fields(**overrides),
    }


def url(leisure, name="registration_form"):
    return reverse(f"enrolment:{name}", args=[leisure.activity.centre.slug, leisure.period.pk])


def test_the_centre_page_lists_open_periods(client, leisure):
    response = client.get(reverse("enrolment:centre_home", args=[leisure.activity.centre.slug]))
    text = page_text(response)
    assert "Faire une pré-adhésion" in text
    assert leisure.period.name in text
    assert "de 3 à 11 ans" in text


def test_the_centre_page_says_when_a_period_begins_and_ends(client, leisure):
    days = list(leisure.period.days.order_by("date").values_list("date", flat=True))
    response = client.get(reverse("enrolment:centre_home", args=[leisure.activity.centre.slug]))
    assert f"{len(days)} jours, du {days[0]:%d/%m/%Y} au {days[-1]:%d/%m/%Y}." in page_text(response)


@pytest.mark.parametrize("accept_language", ["en", "ar", "en-GB,en;q=0.9"])
def test_the_registration_page_is_wholly_french_whatever_the_browsers_language(
    client, leisure, accept_language
):
    """Until English and Arabic have their translations, a browser set to them gets the French page,
    Django's day and month names included."""
    client.cookies["django_language"] = accept_language[:2]
    response = client.get(url(leisure), HTTP_ACCEPT_LANGUAGE=accept_language)
    page = response.content.decode()
    assert '<html lang="fr">' in page
    first_day = leisure.period.days.order_by("date").first().date
    assert first_day == date(2026, 12, 21)
    assert "lundi 21 décembre" in page_text(response)
    for english in ("Monday", "Tuesday", "December"):
        assert english not in page
    assert "الاثنين" not in page and "ديسمبر" not in page

    sent = client.post(
        url(leisure),
        {**registration_data(leisure, **{"enfant-0-first_name": ""}), "action": "verifier"},
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    assert "Ce champ est obligatoire" in page_text(sent)
    assert "This field is required" not in sent.content.decode()


def test_a_parent_checks_then_sends_a_pre_registration_and_follows_it(
    client, leisure, django_capture_on_commit_callbacks
):
    response = client.post(url(leisure), {**registration_data(leisure), "action": "verifier"})
    text = page_text(response)
    assert "Vérifiez votre demande" in text
    assert "Léa Martin" in text and "groupe Moyens (6-8 ans)" in text
    assert "Total : 8,30" in text  # 2 days × 4,15 € (QF 612,50 → 0–650)
    draft = re.search(r'name="brouillon" value="([^"]+)"', response.content.decode()).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    assert sent.status_code == 302
    request = Request.objects.get()
    assert request.status == "recue"
    assert request.fee_total == __import__("decimal").Decimal("8.30")
    # The back button and a second click land on the same request.
    # The follow link is signed with the time it was made, so the two links may differ by a
    # second: what must match is the request each one opens.
    again = client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    assert again.status_code == 302
    assert request_from_token(again["Location"].split("/")[-2]) == request
    assert request_from_token(sent["Location"].split("/")[-2]) == request
    assert Request.objects.count() == 1
    assert GroupDay.objects.filter(group=leisure.groups[1], held=1).count() == 2

    follow = client.get(sent["Location"])
    assert "Statut : Reçue" in page_text(follow)
    cancel_url = reverse("enrolment:follow_cancel", args=[sent["Location"].split("/")[-2]])
    client.post(cancel_url)
    request.refresh_from_db()
    assert request.status == "annulee"
    assert GroupDay.objects.filter(held__gt=0).count() == 0


def test_a_tampered_summary_is_refused_and_nothing_is_created(client, leisure):
    response = client.post(url(leisure), {"brouillon": "abc:def", "action": "envoyer"})
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in page_text(response)
    assert Request.objects.count() == 0


def test_a_hidden_field_naming_another_centres_period_gets_a_message(client, leisure, centre_b):
    other = build_leisure_centre(centre_b, today=TODAY, holiday_start=date(2026, 12, 21))
    response = client.post(
        url(leisure), {**registration_data(leisure, periode=str(other.period.pk)), "action": "verifier"}
    )
    text = page_text(response)
    assert "Cette période n'est pas proposée par ce centre" in text
    assert 'value="Léa"' in response.content.decode()  # the rest is kept
    # Another centre's day in the choices is refused too.
    other_day = other.period.days.first()
    bad = registration_data(leisure, **{"enfant-0-choices": [f"{other_day.pk}:{other.units['day'].pk}"]})
    response = client.post(url(leisure), {**bad, "action": "verifier"})
    assert "n'est pas proposé sur cette période" in page_text(response)
    # And the URL naming another centre's period under this centre's address is a 404.
    assert (
        client.get(
            reverse("enrolment:registration_form", args=[leisure.activity.centre.slug, other.period.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("enfant-0-birth_date", "2024-01-05", "cet accueil reçoit les enfants de 3 à 11 ans"),
        ("enfant-0-birth_date", "2012-02-30", "Saisissez une date valide"),
        ("famille-family_quotient", "-12", "ne peut pas être négatif"),
        ("famille-family_quotient", "250000", "dépasse 10 000"),
        ("famille-family_quotient", "beaucoup", "Écrivez le quotient en chiffres"),
        ("famille-phone", "12", "numéro de téléphone"),
        ("famille-email", "nadia@", "adresse e-mail n'est pas valide"),
        ("famille-postcode", "5900", "5 chiffres"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_rest(client, leisure, field, value, message):
    response = client.post(
        url(leisure), {**registration_data(leisure, **{field: value}), "action": "verifier"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Le formulaire contient des erreurs" in text
    assert 'value="Nadia"' in response.content.decode()
    assert Request.objects.count() == 0


def test_a_day_with_other_units_is_explained(client, leisure):
    day = leisure.period.days.first()
    choices = [f"{day.pk}:{leisure.units['day'].pk}", f"{day.pk}:{leisure.units['meal'].pk}"]
    response = client.post(
        url(leisure), {**registration_data(leisure, **{"enfant-0-choices": choices}), "action": "verifier"}
    )
    assert "la journée comprend déjà tout" in page_text(response)


def pdf_upload(content=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="attestation.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_attestation_is_checked_by_content_and_size(client, leisure, settings):
    fake = SimpleUploadedFile(
        "attestation.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    response = client.post(
        url(leisure), {**registration_data(leisure), "famille-attestation": fake, "action": "verifier"}
    )
    assert "n'est pas un PDF, une photo JPG ou PNG" in page_text(response)
    settings.CSC_MAX_UPLOAD_BYTES = 1024
    big = pdf_upload(b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n")
    response = client.post(
        url(leisure), {**registration_data(leisure), "famille-attestation": big, "action": "verifier"}
    )
    assert "le maximum est" in page_text(response)


def test_a_good_attestation_survives_an_error_elsewhere_and_reaches_the_request(
    client, leisure, django_capture_on_commit_callbacks
):
    response = client.post(
        url(leisure),
        {
            **registration_data(leisure, **{"famille-phone": "12"}),
            "famille-attestation": pdf_upload(),
            "action": "verifier",
        },
    )
    assert "Votre attestation est bien reçue" in page_text(response)
    token = re.search(r'name="famille-attestation_token" value="([^"]+)"', response.content.decode()).group(1)
    response = client.post(
        url(leisure), {**registration_data(leisure), "famille-attestation_token": token, "action": "verifier"}
    )
    draft = re.search(r'name="brouillon" value="([^"]+)"', response.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    request = Request.objects.get()
    assert request.quotient_attestation.read().startswith(b"%PDF-")


def test_the_live_estimate_follows_the_choices(client, leisure):
    response = client.post(
        url(leisure, "fee_estimate"), registration_data(leisure, **{"famille-family_quotient": "2000"})
    )
    assert "Total : 22,40" in page_text(response)  # 2 × 11,20 (1051 € and more)
    # Half-filled: no quotient yet, the highest bracket; a bad quotient does not break it.
    response = client.post(
        url(leisure, "fee_estimate"), registration_data(leisure, **{"famille-family_quotient": "abc"})
    )
    assert "Total : 22,40" in page_text(response)
    # A child's name refused (a character no keyboard types) does not stop the figure: it is not in it.
    for name in ("\x00Léa", ""):
        response = client.post(
            url(leisure, "fee_estimate"),
            registration_data(leisure, **{"famille-family_quotient": "2000", "enfant-0-first_name": name}),
        )
        assert response.status_code == 200
        assert "Total : 22,40" in page_text(response)


def test_the_pre_membership_creates_a_request_with_its_people(
    client, leisure, django_capture_on_commit_callbacks
):
    form_url = reverse("enrolment:membership_form", args=[leisure.activity.centre.slug])
    assert "Pré-adhésion à" in page_text(client.get(form_url))
    data = membership_data(key="0a8f2f87-6a09-4c1e-a7a4-6f0f7f8a6d11")
    added = client.post(form_url, {**data, "action": "ajouter_enfant"})
    assert "Enfant 2" in page_text(added)
    assert "Le formulaire contient des erreurs" not in page_text(added)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {**data, "nombre_enfants": "2", "famille-attestation": pdf_upload()})
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.kind == "adhesion"
    assert [p.first_name for p in request.people.all()] == ["Nadia", "Léa"]
    assert request.fee_total == __import__("decimal").Decimal("5.00")


def test_follow_links_cannot_be_forged(client):
    assert client.get(reverse("enrolment:follow", args=["faux-jeton"])).status_code == 404


# --- the rules of real grids, as the family reads them ---------------------------------------------


def effort_grid(leisure, **rules):
    """A taux d'effort grid with a base and a CAF column: 1 % of the quotient between 3 and 15 € a day
    (base), 0,8 % between 2 and 12 € for CAF families; other units at a flat 2 €."""
    from decimal import Decimal as D

    from csc.activities.tariff_setup import GridSpec, save_grid
    from csc.activities.tariffs import Cell

    cells = {}
    for unit in leisure.units.values():
        for column, cell in (("base", Cell(D(3), D(15), D(1))), ("caf", Cell(D(2), D(12), D("0.8")))):
            if unit != leisure.units["day"]:
                cell = Cell(D(2), D(2), D("0.1"))
            cells[(0, unit.pk, column, 1)] = cell
    spec = GridSpec(
        brackets=[(D(0), None)], cells=cells, method="taux_effort", columns=["base", "caf"], **rules
    )
    save_grid(activity=leisure.activity, spec=spec)


def test_the_live_estimate_explains_a_taux_d_effort_fee_line_by_line(client, leisure):
    from decimal import Decimal as D

    from csc.activities.models import TariffAid, TariffAidAmount

    effort_grid(leisure)
    aid = TariffAid.objects.create(activity=leisure.activity, name="Aide aux temps libres CAF", funder="caf")
    TariffAidAmount.objects.create(aid=aid, unit=leisure.units["day"], value=D("1.50"))
    page = visible_text(
        client.post(
            url(leisure, "fee_estimate"),
            registration_data(
                leisure, **{"famille-family_quotient": "612,50", "famille-benefits_regime": "caf"}
            ),
        )
    )
    # 612,50 × 0,8 % = 4,90 € a day for a CAF family, two days; the CAF aid takes 1,50 € a day off.
    assert "Léa — Journée avec repas, Allocataires CAF : 2 × 4,90 € (quotient 612,50 € × 0,8 %)" in page
    assert "Léa — Aide aux temps libres CAF (2 × 1,50 €) −3,00 €" in page
    assert "Total : 6,80 €" in page
    # Without a quotient: the ceiling, and the estimate says why.
    page = visible_text(
        client.post(
            url(leisure, "fee_estimate"), registration_data(leisure, **{"famille-family_quotient": ""})
        )
    )
    assert "2 × 15,00 € (plafond, sans quotient)" in page
    assert "Sans quotient familial, le tarif le plus haut s'applique." in page


@pytest.mark.parametrize(
    "typed, message",
    [("-12", "ne peut pas être négatif"), ("250000", "dépasse 10 000"), ("beaucoup", "en chiffres")],
)
def test_an_out_of_range_quotient_is_warned_at_once_in_the_live_estimate(client, leisure, typed, message):
    response = client.post(
        url(leisure, "fee_estimate"), registration_data(leisure, **{"famille-family_quotient": typed})
    )
    page = visible_text(response)
    assert "Quotient familial :" in page and message in page
    assert "Le montant ci-dessous est celui sans quotient." in page
    # Without JavaScript, « Calculer » says it too.
    page = visible_text(
        client.post(
            url(leisure),
            {**registration_data(leisure, **{"famille-family_quotient": typed}), "action": "calculer"},
        )
    )
    assert "Le montant ci-dessous est celui sans quotient." in page


def test_the_regime_reaches_the_request_and_the_reception_lines(
    client, leisure, django_capture_on_commit_callbacks
):
    effort_grid(leisure)
    data = registration_data(leisure, **{"famille-benefits_regime": "caf"})
    response = client.post(url(leisure), {**data, "action": "verifier"})
    assert "Allocataires CAF : 2 × 4,90 €" in visible_text(response)
    draft = re.search(r'name="brouillon" value="([^"]+)"', response.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(leisure), {"brouillon": draft, "action": "envoyer"})
    request = Request.objects.get()
    assert request.benefits_regime == "caf"
    assert any("quotient 612,50\xa0€ × 0,8 %" in line["label"] for line in request.fee_lines)


def test_the_form_asks_where_a_parent_works_and_the_children_only_when_a_rule_needs_it(client, leisure):
    page = visible_text(client.get(url(leisure)))
    assert "Vos allocations familiales sont versées par" in page and "je ne sais pas" in page
    assert "Commune où travaille un des parents" not in page
    assert "Nombre d'enfants à charge" not in page
    leisure.activity.workers_count_as_residents = True
    leisure.activity.save()
    grid = leisure.activity.tariff_grids.get()
    grid.large_family_children = 3
    grid.save()
    page = visible_text(client.get(url(leisure)))
    assert "Commune où travaille un des parents" in page
    assert "Nombre d'enfants à charge" in page


def test_a_unit_kept_for_other_groups_is_refused_for_the_child(client, leisure):
    outing = leisure.units["afternoon"]
    outing.groups.set([leisure.groups[2]])
    page = visible_text(client.get(url(leisure)))
    assert f"Après-midi (réservé : {leisure.groups[2].name})" in page
    days = list(leisure.period.days.all())
    data = registration_data(leisure, **{"enfant-0-choices": [f"{days[0].pk}:{outing.pk}"]})
    response = client.post(url(leisure), {**data, "action": "verifier"})
    assert f"« Après-midi » est réservé aux groupes {leisure.groups[2].name}" in visible_text(response)
    # The ticked box stays so that it can be unticked; on the other days the unit is gone.
    body = response.content.decode()
    assert f'value="{days[0].pk}:{outing.pk}" checked' in body
    assert f'value="{days[1].pk}:{outing.pk}"' not in body
