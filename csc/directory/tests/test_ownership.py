"""Who changes an entry of the directory (issue « Hardening », item 3): the reception of one centre
changed the entry that feeds another centre's public kiosk (« Fermé aujourd'hui… Téléphone : 0 899… »)
and could withdraw it. The directory stays shared for reading; an entry is changed and withdrawn only by
its owner, and the other centres propose corrections the owner accepts or refuses."""

import importlib
import re
import threading
from datetime import time

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from csc.core import audit
from csc.core import services as core_services
from csc.core.models import AuditEvent, StaffRole
from csc.directory import corrections, services
from csc.directory.forms import seen_token
from csc.directory.models import Correction, ServiceCategory, Structure
from csc.testing import factories
from csc.testing.pages import page_text, visible_text

MONDAY_MORNING = "2027-01-04 10:00"  # a Monday: the kiosk says what today's hours are
PREMIUM_RATE = "08 99 00 00 00"


def week(monday, other_weekdays=((time(9), time(12)),)):
    return [list(monday)] + [list(other_weekdays)] * 4 + [[], []]


@pytest.fixture
def entry_a(centre_a):
    """Centre A's own entry: the hours and phone its kiosk shows."""
    entry = services.entry_of_centre(centre_a)
    entry.phone = "+33320000001"
    entry.hours = services.check_week(week([(time(9), time(12)), (time(14), time(17))]))
    entry.save()
    return entry


def form_of(structure, **overrides):
    """The edit form as the page fills it for this entry, with some fields changed."""
    data = {
        "name": structure.name,
        "kind": structure.kind,
        "description": structure.description,
        "address": structure.address,
        "postcode": structure.postcode,
        "city": structure.city,
        "latitude": "" if structure.latitude is None else str(structure.latitude),
        "longitude": "" if structure.longitude is None else str(structure.longitude),
        "phone": structure.phone,
        "email": structure.email,
        "website": structure.website,
        "hours_note": structure.hours_note,
        "categories": [c.pk for c in structure.categories.all()] if structure.pk else [],
    }
    for weekday, day in enumerate(services.WEEKDAYS):
        for index, (opens, closes) in enumerate(services.intervals_on(structure, weekday), start=1):
            data[f"{day}_{index}_ouvre"] = opens.strftime("%H:%M")
            data[f"{day}_{index}_ferme"] = closes.strftime("%H:%M")
    if structure.pk:
        data["vu"] = seen_token(structure)  # what the page sends back of the entry it showed
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def opened(client, structure, **changes):
    """The edit page opened now, then typed into: what its form will post, whenever that is."""
    page = client.get(f"/annuaire/{structure.pk}/modifier/").content.decode()
    seen = re.search(r'name="vu" value="([^"]+)"', page)
    return form_of(structure, **changes) | {"vu": seen.group(1) if seen else ""}


def kiosk_help(client, centre):
    return visible_text(client.get(f"/borne/{centre.slug}/besoin-d-aide/"))


def state(structure):
    structure.refresh_from_db()
    return (structure.name, structure.phone, structure.hours, structure.is_active)


# --- The scenario: centre B's reception and centre A's entry ----------------------------------


def test_centre_b_cannot_change_centre_a_hours_or_phone_nor_withdraw_it(
    client, centre_a, centre_b, entry_a, staff, clock
):
    clock(MONDAY_MORNING)
    before = state(entry_a)
    kiosk_before = kiosk_help(client, centre_a)
    assert "Ouvert maintenant, jusqu'à 12 h" in kiosk_before and "03 20 00 00 01" in kiosk_before
    client.force_login(staff("reception", "b"))

    # The page still reads it: the directory is shared.
    page = visible_text(client.get(f"/annuaire/{entry_a.pk}/"))
    assert "Fiche tenue par Centre Alpha" in page and "Proposer une correction" in page
    assert "Modifier la fiche" not in page and "Retirer de l'annuaire" not in page

    monday_closed = dict.fromkeys(["lundi_1_ouvre", "lundi_1_ferme", "lundi_2_ouvre", "lundi_2_ferme"])
    hostile = form_of(entry_a, phone=PREMIUM_RATE, vu=None, **monday_closed)  # no edit page was served
    for method, url, data in [
        ("get", f"/annuaire/{entry_a.pk}/modifier/", None),
        ("post", f"/annuaire/{entry_a.pk}/modifier/", hostile),
        ("get", f"/annuaire/{entry_a.pk}/retirer/", None),
        ("post", f"/annuaire/{entry_a.pk}/retirer/", {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
        text = visible_text(response)
        assert "Vous ne pouvez pas modifier cette fiche" in text
        assert (
            "« Centre Alpha » est tenue par Centre Alpha : seule son équipe la modifie ou la retire." in text
        )
        assert "Rien n'a été changé." in text
        assert "Proposer une correction" in text

    assert state(entry_a) == before
    kiosk_after = kiosk_help(client, centre_a)
    assert "Ouvert maintenant, jusqu'à 12 h" in kiosk_after and "03 20 00 00 01" in kiosk_after
    assert "Fermé aujourd'hui" not in kiosk_after and "08 99" not in kiosk_after


def test_the_services_themselves_refuse_a_change_by_another_centre(centre_a, centre_b, entry_a, staff):
    """Not only the pages: any code path calling the services (a future API, a command) is refused."""
    intruder = staff("reception", "b")
    before = state(entry_a)
    entry_a.phone = "+33899000000"
    with pytest.raises(services.NotKeeper, match="tenue par Centre Alpha"):
        services.save_structure(entry_a, centre=centre_b, user=intruder, categories=[], week=[[]] * 7)
    with pytest.raises(services.NotKeeper):
        services.set_listed(entry_a, listed=False, centre=centre_b, user=intruder)
    assert state(entry_a) == before
    # The kiosk's settings change the centre's own hours: the owner, through its own entry.
    assert services.may_keep(entry_a, staff("kiosk_referent", "a"), centre_a)
    assert not services.may_keep(entry_a, staff("kiosk_referent", "b"), centre_b)


def test_the_api_offers_no_way_to_change_the_directory(client, centre_a, entry_a, staff):
    """The directory has no API route: if one is added, it must go through check_keeper, and this
    test fails to say so."""
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if re.search(r"annuaire|structure|directory", path):
            assert not set(operations) & {"post", "put", "patch", "delete"}, path
    _, secret = core_services.create_api_token(user=staff("reception", "b"), name="jeton B")
    before = state(entry_a)
    for method in ("post", "put", "patch", "delete"):
        for url in (f"/api/v1/structures/{entry_a.pk}", f"/api/v1/annuaire/{entry_a.pk}"):
            response = getattr(client, method)(
                url,
                data={"phone": "+33899000000", "is_active": False},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            assert response.status_code in (404, 405), (method, url)
    assert state(entry_a) == before


def test_the_owner_keeps_its_entry_and_the_others_their_own(
    client, centre_a, centre_b, entry_a, staff, otp_verified
):
    client.force_login(staff("reception", "a"))
    response = client.post(f"/annuaire/{entry_a.pk}/modifier/", form_of(entry_a, phone="03 20 11 22 33"))
    assert response.status_code == 302
    assert state(entry_a)[1] == "+33320112233"
    client.post(f"/annuaire/{entry_a.pk}/retirer/")
    assert state(entry_a)[3] is False

    # A place centre B added is centre B's: centre A proposes, it does not edit.
    client.force_login(staff("reception", "b"))
    client.post("/annuaire/nouvelle/", form_of(Structure(name="Permanence CAF", city="Roubaix", hours=[])))
    place = Structure.objects.get(name="Permanence CAF")
    assert place.kept_by == centre_b and place.owner_id == centre_b.pk
    client.force_login(staff("director", "a"))
    assert client.post(f"/annuaire/{place.pk}/retirer/").status_code == 403
    assert state(place)[3] is True


def test_an_entry_no_centre_owns_is_kept_by_the_federation(client, centre_a, entry_a, staff, otp_verified):
    common = Structure.objects.create(
        federation_id=centre_a.territory.federation_id, name="Mairie de Lille", city="Lille"
    )
    client.force_login(staff("reception", "a"))
    response = client.post(f"/annuaire/{common.pk}/modifier/", form_of(common, name="Piratée", vu=None))
    assert response.status_code == 403
    assert "fiche commune du réseau : seule la fédération la modifie ou la retire" in visible_text(response)
    assert "Proposer une correction" in visible_text(client.get(f"/annuaire/{common.pk}/"))

    federation = factories.UserFactory()
    StaffRole.objects.create(user=federation, federation=centre_a.territory.federation, role="federation")
    client.force_login(federation)
    assert "Modifier la fiche" in visible_text(client.get(f"/annuaire/{common.pk}/"))
    response = client.post(f"/annuaire/{common.pk}/modifier/", form_of(common, phone="03 20 49 50 00"))
    assert response.status_code == 302
    assert state(common)[1] == "+33320495000"
    # The federation keeps the network's common entries, not the centres' own.
    assert client.post(f"/annuaire/{entry_a.pk}/retirer/").status_code == 403
    assert state(entry_a)[3] is True


# --- Corrections ----------------------------------------------------------------------------------------


def propose(client, structure, **changes):
    response = client.post(f"/annuaire/{structure.pk}/proposer/", form_of(structure, **changes))
    assert response.status_code == 302, page_text(response)
    return Correction.objects.latest("pk")


def test_a_correction_accepted_changes_the_entry_and_the_kiosk(
    client, centre_a, centre_b, entry_a, staff, clock
):
    clock(MONDAY_MORNING)
    client.force_login(staff("reception", "b"))
    form = page_text(client.get(f"/annuaire/{entry_a.pk}/proposer/"))
    assert 'value="+33320000001"' in form or "03 20 00 00 01" in form  # filled with the entry as it is
    correction = propose(
        client,
        entry_a,
        phone="03 20 11 22 33",
        lundi_1_ouvre="08:30",
        lundi_2_ouvre="",
        lundi_2_ferme="",
        comment="Horaires lus sur leur porte ce matin.",
    )
    assert set(correction.changes) == {"phone", "hours"}
    assert correction.proposed_by == centre_b and correction.status == Correction.Status.PENDING
    assert "Votre proposition est envoyée à Centre Alpha" in visible_text(
        client.get(f"/annuaire/corrections/{correction.pk}/")
    )
    assert state(entry_a)[1] == "+33320000001"  # nothing changes before the owner accepts
    assert "Accepter la correction" not in visible_text(client.get(f"/annuaire/corrections/{correction.pk}/"))
    assert client.post(f"/annuaire/corrections/{correction.pk}/accepter/").status_code == 403

    client.force_login(staff("reception", "a"))
    home = visible_text(client.get(reverse("core:staff_home")))
    assert "1 correction de l'annuaire à examiner" in home
    listed = visible_text(client.get("/annuaire/corrections/"))
    assert "Centre Alpha" in listed and "Centre Bêta" in listed
    page = visible_text(client.get(f"/annuaire/corrections/{correction.pk}/"))
    assert "Horaires lus sur leur porte ce matin." in page
    assert "Téléphone 03 20 00 00 01 03 20 11 22 33" in page
    assert "Horaires du lundi 9 h – 12 h, 14 h – 17 h 8 h 30 – 12 h" in page
    assert "Horaires du mardi" not in page  # only what changes

    response = client.post(f"/annuaire/corrections/{correction.pk}/accepter/")
    assert response.status_code == 302 and response["Location"] == f"/annuaire/{entry_a.pk}/"
    assert state(entry_a)[1:3] == ("+33320112233", services.check_week(week([(time(8, 30), time(12))])))
    kiosk = kiosk_help(client, centre_a)
    assert "Lundi (aujourd'hui) 8 h 30 – 12 h" in kiosk and "03 20 11 22 33" in kiosk
    assert "correction de l'annuaire" not in visible_text(client.get(reverse("core:staff_home")))
    journal = set(AuditEvent.objects.filter(centre=centre_a).values_list("action", "detail"))
    assert ("directory.correction_accepted", "champs : phone, hours") in journal
    assert ("update", "champs : phone, hours, updated_by") in journal

    client.force_login(staff("reception", "b"))
    sent = visible_text(client.get("/annuaire/corrections/?vue=envoyees"))
    assert "Centre Alpha Acceptée" in sent
    # Accepting again changes nothing: the decision is taken.
    client.force_login(staff("reception", "a"))
    client.post(f"/annuaire/corrections/{correction.pk}/accepter/")
    assert Correction.objects.get().status == Correction.Status.ACCEPTED


def test_a_refused_correction_leaves_the_entry_and_the_proposer_reads_why(client, centre_a, entry_a, staff):
    client.force_login(staff("reception", "b"))
    correction = propose(client, entry_a, phone=PREMIUM_RATE)
    before = state(entry_a)

    client.force_login(staff("reception", "a"))
    response = client.post(f"/annuaire/corrections/{correction.pk}/refuser/", {"reason": "   "})
    assert response.status_code == 400
    assert "Dites en quelques mots pourquoi vous refusez" in visible_text(response)
    response = client.post(
        f"/annuaire/corrections/{correction.pk}/refuser/",
        {"reason": "Notre numéro est bien le 03 20 00 00 01."},
    )
    assert response.status_code == 302
    assert state(entry_a) == before
    assert ("directory.correction_refused", centre_a.pk) in set(
        AuditEvent.objects.values_list("action", "centre_id")
    )

    client.force_login(staff("reception", "b"))
    page = visible_text(client.get(f"/annuaire/corrections/{correction.pk}/"))
    assert "Refusée le" in page and "Notre numéro est bien le 03 20 00 00 01." in page
    assert "Centre Alpha Refusée" in visible_text(client.get("/annuaire/corrections/?vue=envoyees"))


def test_a_proposal_must_change_something_and_keeps_what_was_typed(client, entry_a, staff):
    client.force_login(staff("reception", "b"))
    response = client.post(f"/annuaire/{entry_a.pk}/proposer/", form_of(entry_a, comment="Rien à dire"))
    assert response.status_code == 200
    assert "Votre proposition ne change rien à la fiche" in visible_text(response)
    response = client.post(f"/annuaire/{entry_a.pk}/proposer/", form_of(entry_a, phone="12"))
    assert "Ce numéro de téléphone n'est pas" in visible_text(response)
    assert 'value="12"' in page_text(response)
    assert not Correction.objects.exists()


def test_the_owner_edits_rather_than_proposes_and_strangers_see_no_correction(
    client, centre_a, entry_a, staff, otp_verified
):
    client.force_login(staff("reception", "a"))
    response = client.get(f"/annuaire/{entry_a.pk}/proposer/")
    assert response.status_code == 302 and response["Location"] == f"/annuaire/{entry_a.pk}/modifier/"

    client.force_login(staff("reception", "b"))
    correction = propose(client, entry_a, phone="03 20 11 22 33", comment="Message pour le centre A")
    # A third centre of the network, an animator of the owner, another network: nothing to read.
    third = factories.CentreFactory(name="Centre Gamma", territory=centre_a.territory)
    for user in (
        factories.StaffRoleFactory(role="director", centre=third).user,
        staff("animator", "a"),
    ):
        client.force_login(user)
        assert client.get(f"/annuaire/corrections/{correction.pk}/").status_code == 404
        assert client.post(f"/annuaire/corrections/{correction.pk}/accepter/").status_code == 404
        assert (
            client.post(f"/annuaire/corrections/{correction.pk}/refuser/", {"reason": "x"}).status_code == 404
        )
        assert "Message pour le centre A" not in visible_text(client.get("/annuaire/corrections/"))
    assert state(entry_a)[1] == "+33320000001"


# --- Stale proposals: the owner reviews before anything newer is overwritten ---------------------------


def test_a_stale_proposal_is_not_applied_until_the_owner_has_seen_the_entry_as_it_is(
    client, centre_a, entry_a, staff
):
    client.force_login(staff("reception", "b"))
    first = propose(client, entry_a, phone="03 20 11 22 33")
    second = propose(client, entry_a, phone="03 20 44 55 66", hours_note="Fermé en août")

    client.force_login(staff("reception", "a"))
    client.post(f"/annuaire/corrections/{first.pk}/accepter/")
    assert state(entry_a)[1] == "+33320112233"

    response = client.post(f"/annuaire/corrections/{second.pk}/accepter/")
    assert response.status_code == 409
    text = visible_text(response)
    assert "La fiche a changé depuis cette proposition (téléphone)" in text
    assert "Téléphone 03 20 00 00 01 03 20 44 55 66 03 20 11 22 33" in text  # avant, proposé, maintenant
    assert "Accepter quand même" in text
    entry_a.refresh_from_db()
    assert entry_a.phone == "+33320112233" and entry_a.hours_note == ""  # nothing applied, not even half
    assert Correction.objects.get(pk=second.pk).status == Correction.Status.PENDING

    # The entry changes again while the owner reads: what they saw is no longer true.
    seen = re.search(r'name="vu" value="(\w+)"', response.content.decode()).group(1)
    entry_a.refresh_from_db()
    entry_a.phone = "+33320777777"
    entry_a.save()
    assert client.post(f"/annuaire/corrections/{second.pk}/accepter/", {"vu": seen}).status_code == 409
    assert state(entry_a)[1] == "+33320777777"

    # Reviewed as it is now, the owner accepts on purpose.
    page = client.get(f"/annuaire/corrections/{second.pk}/").content.decode()
    seen = re.search(r'name="vu" value="(\w+)"', page).group(1)
    assert client.post(f"/annuaire/corrections/{second.pk}/accepter/", {"vu": seen}).status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.phone == "+33320445566" and entry_a.hours_note == "Fermé en août"


def test_a_proposal_on_other_fields_keeps_the_newer_edits(client, entry_a, staff):
    client.force_login(staff("reception", "b"))
    correction = propose(client, entry_a, hours_note="Fermé en août")
    client.force_login(staff("reception", "a"))
    client.post(f"/annuaire/{entry_a.pk}/modifier/", form_of(entry_a, phone="03 20 99 99 99"))
    assert client.post(f"/annuaire/corrections/{correction.pk}/accepter/").status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.phone == "+33320999999" and entry_a.hours_note == "Fermé en août"


def phone_proposal(entry, phone, centre, user) -> Correction:
    proposed = Structure.objects.get(pk=entry.pk)
    proposed.phone = phone
    return corrections.propose(
        entry, proposed, categories=[], week=[[]] * 7, comment="", centre=centre, user=user
    )


def at_once(**work) -> dict[str, str]:
    """Runs each change in its own thread (its own database connection), all released together:
    {name: "saved" or "refused"}."""
    barrier = threading.Barrier(len(work))
    outcomes = {}

    def run(name, change):
        from django.db import connections

        try:
            barrier.wait()
            change()
            outcomes[name] = "saved"
        except services.DirectoryRefused:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in work.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_owners_accepting_two_stale_proposals_at_once_never_overwrite_each_other(network, staff):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises every write anyway)")
    centre_a, centre_b = network["a"], network["b"]
    entry = services.entry_of_centre(centre_a)
    phones = ("+33320111111", "+33320222222")
    proposals = [phone_proposal(entry, phone, centre_b, staff("reception", "b")) for phone in phones]
    owners = [staff("reception", "a"), staff("director", "a")]
    outcomes = at_once(
        **{
            phone: lambda i=i: corrections.accept(proposals[i], centre=centre_a, user=owners[i])
            for i, phone in enumerate(phones)
        }
    )
    assert sorted(outcomes.values()) == ["refused", "saved"]
    entry.refresh_from_db()
    assert entry.phone == next(phone for phone, outcome in outcomes.items() if outcome == "saved")
    assert Correction.objects.filter(status=Correction.Status.PENDING).count() == 1


# --- An edit form left open: what changed meanwhile is never silently undone ---------------------------


def test_an_edit_does_not_undo_a_correction_accepted_while_its_form_was_open(client, entry_a, staff):
    client.force_login(staff("reception", "b"))
    correction = propose(client, entry_a, phone="03 20 11 22 33")
    client.force_login(staff("reception", "a"))
    typed = opened(client, entry_a, hours_note="Fermé en août", lundi_1_ouvre="08:30")
    # Meanwhile a colleague of the same centre accepts the new phone number.
    corrections.accept(correction, centre=entry_a.centre, user=staff("director", "a"))

    response = client.post(f"/annuaire/{entry_a.pk}/modifier/", typed)
    assert response.status_code == 409
    text = visible_text(response)
    assert "La fiche a changé pendant que vous la modifiiez" in text and "rien n'a été enregistré" in text
    assert "Téléphone 03 20 00 00 01 03 20 11 22 33" in text  # when the page was opened, now
    entry_a.refresh_from_db()
    assert (entry_a.phone, entry_a.hours_note) == ("+33320112233", "")  # nothing saved, nothing undone
    # The form comes back with the typing kept and the untouched phone as it is now.
    page = page_text(response)
    assert 'value="Fermé en août"' in page and 'value="08:30"' in page
    assert 'value="+33320112233"' in page and 'value="+33320000001"' not in page

    again = typed | {"phone": "+33320112233", "vu": re.search(r'name="vu" value="([^"]+)"', page).group(1)}
    assert client.post(f"/annuaire/{entry_a.pk}/modifier/", again).status_code == 302
    entry_a.refresh_from_db()
    assert (entry_a.phone, entry_a.hours_note) == ("+33320112233", "Fermé en août")
    assert entry_a.hours[0][0] == ["08:30", "12:00"]


def test_an_edit_does_not_bring_back_an_entry_withdrawn_while_its_form_was_open(
    client, centre_a, entry_a, staff
):
    client.force_login(staff("reception", "a"))
    typed = opened(client, entry_a, hours_note="Fermé en août")
    services.set_listed(entry_a, listed=False, centre=centre_a, user=staff("director", "a"))

    response = client.post(f"/annuaire/{entry_a.pk}/modifier/", typed)
    assert response.status_code == 409
    assert "retirée de l'annuaire entre-temps : l'enregistrer ne l'y remet pas" in visible_text(response)
    assert state(entry_a)[3] is False
    again = typed | {"vu": re.search(r'name="vu" value="([^"]+)"', page_text(response)).group(1)}
    assert client.post(f"/annuaire/{entry_a.pk}/modifier/", again).status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.hours_note == "Fermé en août" and entry_a.is_active is False


def test_an_edit_that_does_not_say_what_it_showed_saves_nothing_and_keeps_the_typing(client, entry_a, staff):
    client.force_login(staff("reception", "a"))
    for vu in ("", "forgé", seen_token(entry_a) + "x", "a" * 100_000):
        response = client.post(
            f"/annuaire/{entry_a.pk}/modifier/", form_of(entry_a, phone="0320999999", vu=vu)
        )
        assert response.status_code == 409
        assert "Cette page ne dit plus quelle version de la fiche vous aviez ouverte" in visible_text(
            response
        )
        assert 'value="0320999999"' in page_text(response)
        assert state(entry_a)[1] == "+33320000001"


def test_an_entry_passed_to_another_keeper_while_its_form_was_open_offers_to_propose_the_typing(
    client, centre_a, entry_a, staff
):
    place = Structure.objects.create(
        federation_id=centre_a.territory.federation_id, kept_by=centre_a, name="Médiathèque", city="Lille"
    )
    client.force_login(staff("reception", "a"))
    typed = opened(client, place, phone="03 20 12 12 12")
    Structure.objects.filter(pk=place.pk).update(kept_by=None)  # its centre gave it to the network

    response = client.post(f"/annuaire/{place.pk}/modifier/", typed)
    assert response.status_code == 409
    text = visible_text(response)
    assert "fiche commune du réseau" in text and "votre saisie est conservée ci-dessous" in text
    page = page_text(response)
    assert 'value="03 20 12 12 12"' in page and f'action="/annuaire/{place.pk}/proposer/"' in page
    assert propose(client, place, phone="03 20 12 12 12").changes["phone"]["new"] == "+33320121212"
    assert state(place)[1] == ""


@pytest.mark.django_db(transaction=True)
def test_an_edit_and_an_acceptance_at_once_never_undo_each_other(network, staff):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises every write anyway)")
    centre_a, centre_b = network["a"], network["b"]
    entry = services.entry_of_centre(centre_a)
    correction = phone_proposal(entry, "+33320111111", centre_b, staff("reception", "b"))
    # The owner's form, opened before either change.
    seen = services.edit_values(entry)
    edited = Structure.objects.get(pk=entry.pk)
    edited.phone = "+33320222222"
    editor, acceptor = staff("reception", "a"), staff("director", "a")
    outcomes = at_once(
        edit=lambda: services.save_structure(
            edited, centre=centre_a, user=editor, categories=[], week=[[]] * 7, seen=seen
        ),
        accept=lambda: corrections.accept(correction, centre=centre_a, user=acceptor),
    )
    assert sorted(outcomes.values()) == ["refused", "saved"]
    entry.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert entry.phone == {"edit": "+33320222222", "accept": "+33320111111"}[winner]


# --- Owners recorded for the entries that existed before -----------------------------------------------


def test_the_migration_gives_every_entry_its_owner(centre_a, centre_b):
    migration = importlib.import_module("csc.directory.migrations.0003_owners_and_corrections")
    federation_id = centre_a.territory.federation_id
    # A centre's own entry recorded as kept by another centre: the centre it represents owns it.
    own = Structure.objects.create(
        federation_id=federation_id, centre=centre_a, kept_by=centre_b, name="A", city="L"
    )
    added = Structure.objects.create(federation_id=federation_id, kept_by=centre_b, name="B", city="L")
    # Entries whose owner was emptied (their centre left): the journal remembers who created them.
    orphan = Structure.objects.create(federation_id=federation_id, name="Créée par A", city="L")
    audit.record("create", centre=centre_a, object_type="directory.structure", object_id=str(orphan.pk))
    foreign = factories.CentreFactory(
        territory=factories.TerritoryFactory(federation=factories.FederationFactory(slug="ailleurs"))
    )
    elsewhere = Structure.objects.create(federation_id=federation_id, name="Créée ailleurs", city="L")
    audit.record("create", centre=foreign, object_type="directory.structure", object_id=str(elsewhere.pk))
    common = Structure.objects.create(federation_id=federation_id, name="Mairie", city="L")

    migration.assign_owners(apps, None)

    owners = dict(Structure.objects.values_list("name", "kept_by_id"))
    assert owners == {
        own.name: centre_a.pk,
        added.name: centre_b.pk,
        orphan.name: centre_a.pk,
        elsewhere.name: None,
        common.name: None,
    }


def test_the_categories_of_a_correction_are_applied(client, centre_a, entry_a, staff):
    online = ServiceCategory.objects.get(slug="demarches-en-ligne")
    client.force_login(staff("reception", "b"))
    correction = propose(client, entry_a, categories=[online.pk])
    assert correction.changes["categories"] == {"old": [], "new": ["demarches-en-ligne"]}
    client.force_login(staff("reception", "a"))
    assert "Ce qu'on y trouve (vide) Aide aux démarches en ligne" in visible_text(
        client.get(f"/annuaire/corrections/{correction.pk}/")
    )
    client.post(f"/annuaire/corrections/{correction.pk}/accepter/")
    assert list(entry_a.categories.all()) == [online]
