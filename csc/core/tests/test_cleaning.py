"""Every text that reaches the database passes the same cleaning, whatever the view (issue 18, item 5):
the policy, the forms that apply it, the query strings, and the last line under every save and query."""

import importlib
import json
import pkgutil

import pytest
from django import forms
from django.db import transaction
from django.test import RequestFactory

import csc
from csc.core.cleaning import (
    CleanTextMixin,
    TextCleaningMiddleware,
    UnsafeText,
    is_invisible,
    query_value,
    refusal,
    refuse_unsafe_texts,
    tidy,
)
from csc.core.forms import AccessibleFormMixin
from csc.core.models import Centre
from csc.testing.pages import page_text, visible_text

RTL_OVERRIDE = "facture\u202efdp.exe"


# --- The policy ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b", "a\ud800b", "a\uffffb"])
def test_control_characters_and_lone_surrogates_are_refused_in_french(text):
    assert "caractère de contrôle invisible" in refusal(text)
    assert "retapez-le au clavier" in refusal(text)


@pytest.mark.parametrize("mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"])
def test_bidirectional_overrides_embeddings_and_isolates_are_refused(mark):
    assert "inverse le sens de l'écriture" in refusal(f"facture{mark}fdp.exe")


@pytest.mark.parametrize(
    "text",
    [
        "Élodie Lefèvre",
        "ligne 1\nligne 2\r\n\tfin",
        "مرحبا بكم",
        "\u200e+33 6 12\u200f",
        "👨\u200d👩\u200d👧",
    ],
)
def test_what_people_type_is_accepted(text):
    assert refusal(text) is None


@pytest.mark.parametrize("text", ["\u200b\u200b", " \ufeff ", "\u2060", "\u3164", "\u00ad", "\u202e"])
def test_a_value_made_only_of_invisible_characters_is_empty(text):
    assert is_invisible(text)
    assert tidy(text, multiline=True) == ""
    assert query_value(text) == ""


def test_visible_text_around_invisible_characters_is_kept():
    assert not is_invisible("a\u200b")
    assert tidy("a\u200bb", multiline=False) == "a\u200bb"


def test_a_one_line_value_has_no_line_break_and_a_text_area_keeps_them():
    assert tidy("Objet\r\nBcc: pirate@example.org", multiline=False) == "Objet  Bcc: pirate@example.org"
    assert tidy("ligne 1\r\nligne 2", multiline=True) == "ligne 1\r\nligne 2"


def test_a_query_value_loses_its_refused_characters():
    assert query_value("carte\x00 vitale\u202e") == "carte vitale"


# --- 1. Forms ----------------------------------------------------------------------------------------------


class NoteForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Titre", max_length=100)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    count = forms.IntegerField(label="Nombre", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.CharField(label="Ajouté", required=False)


@pytest.mark.parametrize("field", ["title", "note", "added_later"])
@pytest.mark.parametrize("value", ["Atelier\x00", RTL_OVERRIDE, "a\x1b[31m"])
def test_a_form_refuses_refused_characters_next_to_the_field_and_keeps_the_rest(field, value):
    data = {"title": "Atelier cuisine", "note": "Apporter un tablier", field: value}
    form = NoteForm(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert "retapez-le au clavier plutôt que de le coller" in form.errors[field][0]
    assert len(form.errors[field]) == 1  # Django's own NUL message is not added to ours
    assert form.cleaned_data["note" if field != "note" else "title"]


def test_an_invisible_only_value_is_an_empty_one():
    form = NoteForm({"title": "\u200b\u200b", "note": "\ufeff"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Ce champ est obligatoire."]
    assert "note" not in form.errors


def test_a_one_line_field_gets_no_line_break_a_text_area_keeps_them():
    form = NoteForm({"title": "Atelier\r\ncuisine", "note": "ligne 1\r\nligne 2"})
    assert form.is_valid()
    assert form.cleaned_data["title"] == "Atelier  cuisine"
    assert form.cleaned_data["note"] == "ligne 1\r\nligne 2"


def test_a_text_without_a_length_of_its_own_is_capped():
    form = NoteForm({"title": "Atelier", "note": "a" * 100_000})
    assert not form.is_valid()
    assert form.errors["note"] == ["Ce texte est trop long : 20000 caractères au plus (il en compte 100000)."]


def test_an_email_address_without_a_length_of_its_own_fits_the_email_columns():
    class ContactForm(AccessibleFormMixin, forms.Form):
        email = forms.EmailField(label="Adresse e-mail")

    # Valid for Django's validator (64 + 1 + 246 characters), but longer than any e-mail column.
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".fr"
    form = ContactForm({"email": address})
    assert not form.is_valid()
    assert form.errors["email"] == [
        f"Cette adresse e-mail est trop longue : 254 caractères au plus (elle en compte {len(address)})."
    ]
    assert ContactForm({"email": "lea.martin@exemple.fr"}).is_valid()


@pytest.mark.parametrize("number", [str(10**40), str(-(10**40)), "2147483648"])
def test_an_integer_without_bounds_of_its_own_stays_inside_a_database_integer(number):
    form = NoteForm({"title": "Atelier", "count": number})
    assert not form.is_valid()
    assert form.errors["count"][0] in (
        "Ce nombre est trop grand : vérifiez-le.",
        "Ce nombre est trop petit : vérifiez-le.",
    )


@pytest.mark.django_db
def test_an_id_past_a_database_integer_is_a_wrong_choice_not_a_server_error(centre_a):
    class CentresForm(AccessibleFormMixin, forms.Form):
        centres = forms.ModelMultipleChoiceField(label="Centres", queryset=Centre.objects.all())

    form = CentresForm({"centres": [str(centre_a.pk), str(10**40)]})
    assert not form.is_valid()  # SQLite raised OverflowError on « id IN (…) »
    assert str(10**40) in form.errors["centres"][0]
    assert CentresForm({"centres": [str(centre_a.pk)]}).is_valid()


def test_the_cleaning_does_not_leak_into_the_form_class():
    NoteForm({"title": "x"}).is_valid()
    assert all(not getattr(field, "_csc_cleaning", False) for field in NoteForm.base_fields.values())


def _project_form_classes():
    for module in pkgutil.walk_packages(csc.__path__, "csc."):
        if ".tests" in module.name or module.name.startswith(("csc.testing", "csc.settings")):
            continue
        importlib.import_module(module.name)
    seen, pending = set(), [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                pending.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("csc.") and ".tests" not in cls.__module__]


def test_every_form_of_the_project_applies_the_cleaning():
    classes = _project_form_classes()
    assert len(classes) > 50
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}" for cls in classes if not issubclass(cls, CleanTextMixin)
    )
    assert not missing, f"Ces formulaires n'appliquent pas csc.core.cleaning.CleanTextMixin : {missing}"


# --- 2. Query strings -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_kiosk_search_with_a_nul_searches_the_words_around_it(client, centre_a):
    from csc.kiosk import services
    from csc.kiosk.models import KioskEvent

    services.kiosk_for(centre_a)
    response = client.get(f"/borne/{centre_a.slug}/recherche/?q=carte%00+vitale%E2%80%AE")
    assert response.status_code == 200
    text = visible_text(response)
    assert "« carte vitale »" in text and "Ameli" in text, text[:3000]
    assert list(KioskEvent.objects.values_list("query", flat=True)) == ["carte vitale"]


@pytest.mark.django_db
def test_a_staff_search_with_invisible_characters_only_is_an_empty_search(client, reception_a):
    client.force_login(reception_a)
    response = client.get("/personnes/", {"q": "\u200b\u200b"})
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == ""


# --- 3. The last line --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_model_saves_a_refused_character(centre_a):
    centre_a.name = RTL_OVERRIDE
    with pytest.raises(UnsafeText, match="inverse le sens"):
        centre_a.save()
    centre_a.name = "Centre\x00Alpha"
    with pytest.raises(UnsafeText, match="contrôle"):
        centre_a.save(update_fields=["name"])
    centre_a.refresh_from_db()
    assert centre_a.name == "Centre Alpha"


def test_a_json_field_holding_a_refused_character_is_not_saved():
    from csc.directory.models import Structure

    entry = Structure(name="Centre Alpha", hours=[{"jour": 0, "note": ["ok", {"x": "\x00"}]}])
    with pytest.raises(UnsafeText):
        refuse_unsafe_texts(sender=Structure, instance=entry)


@pytest.mark.django_db
def test_nothing_postgresql_refuses_leaves_for_the_database_even_without_a_save(centre_a):
    # update(), bulk_create() and filters send no pre_save: the guard on the statement's parameters
    # refuses on SQLite too what PostgreSQL would refuse with a server error.
    with pytest.raises(UnsafeText), transaction.atomic():
        Centre.objects.filter(pk=centre_a.pk).update(name="Centre\x00")
    with pytest.raises(UnsafeText), transaction.atomic():
        list(Centre.objects.filter(name="\x00"))
    assert Centre.objects.get(pk=centre_a.pk).name == "Centre Alpha"


@pytest.mark.django_db
def test_an_address_holding_a_nul_gets_the_french_page_not_a_database_error(client):
    # A path parameter reaches a query without any form: PostgreSQL answered a DataError (500).
    response = client.get("/programme/abc%00def/")
    assert response.status_code == 400
    assert "Votre demande contient un caractère refusé" in visible_text(response)
    assert "(U+0000)" in visible_text(response)


def test_a_refusal_of_the_last_line_is_a_french_400_page_not_a_server_error():
    middleware = TextCleaningMiddleware(lambda request: None)
    page = middleware.process_exception(RequestFactory().post("/x/"), UnsafeText(refusal("a\x00")))
    assert page.status_code == 400
    assert "Votre demande contient un caractère refusé" in page_text(page)
    assert "retapez-le au clavier" in page_text(page)
    api = middleware.process_exception(RequestFactory().post("/api/v1/x"), UnsafeText(refusal("a\x00")))
    assert api.status_code == 400 and "caractère de contrôle" in json.loads(api.content)["detail"]
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("autre")) is None


@pytest.mark.parametrize("month", ["²/2026", "2026-²", "١٢/2026"])
def test_a_digit_that_int_refuses_is_not_a_month(month):
    # str.isdigit() accepts « ² », int() does not: the checks before int() use str.isdecimal().
    from csc.core.forms import parse_month

    assert parse_month(month) == ((2026, 12) if month == "١٢/2026" else None)


def test_a_forged_number_of_forms_builds_no_more_than_the_household_holds():
    from csc.people.forms import MemberFormSet

    formset = MemberFormSet({"form-TOTAL_FORMS": str(10**40), "form-INITIAL_FORMS": "0"})
    assert len(formset.forms) == 12  # was 1,012, each rendered back in the page
    assert not formset.is_valid()
