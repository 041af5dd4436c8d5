"""One cleaning for every text that reaches the database, whatever the view.

What a person types, or pastes, is kept as typed, except what no keyboard produces and what makes a text lie
about itself. The policy, in one place:

- refused, with a French message next to the field: NUL and the other C0/C1 control characters (tab, line
  feed and carriage return excepted), lone surrogates and the non-characters U+FFFE/U+FFFF — PostgreSQL
  refuses NUL, psycopg cannot encode a lone surrogate, the .xlsx and PDF writers refuse the others — and
  the bidirectional override, embedding and isolate controls (U+202A–U+202E, U+2066–U+2069), which make a
  name, a file name or an amount read backwards (« facture + U+202E + fdp.exe, shown « factureexe.pdf » »);
- a value made only of spaces and invisible characters (zero-width space, word joiner, byte-order mark,
  soft hyphen, Hangul fillers…) is empty: « obligatoire » then means something;
- in a one-line input, tab and line breaks become spaces (no browser sends them from one; a subject with
  a line break would break the e-mail it heads);
- a text without a length of its own is capped at MAX_TEXT_LENGTH characters, an e-mail address at the
  length of the e-mail columns.

It is applied at three depths, so that no view can forget it:

1. every form of the project (`CleanTextMixin`, a base of `csc.core.forms.AccessibleFormMixin`; a test
   checks that every form class has it): the message goes next to the field and the rest is kept. The API
   validates its payloads with the same forms.
2. query strings (`TextCleaningMiddleware`): a search or a filter has nothing to say to a person about an
   invisible character, so refused characters are dropped from GET parameters before any view reads them.
3. the last line, for code that reaches the database without a form: a `pre_save` guard on the text and
   JSON fields of every model of the project (not the libraries': see `_text_fields`), and a guard on
   every statement's parameters against what PostgreSQL refuses (NUL, lone surrogates) — on SQLite too,
   so that the suite finds there what would fail in production. Both raise `UnsafeText`, which the
   middleware turns into a French 400 page (or a JSON answer on the API), never a 500.
"""

from __future__ import annotations

import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
SURROGATES = "\ud800-\udfff"
NONCHARACTERS = "\ufffe\uffff"
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
REFUSED = re.compile(f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}{BIDI_CONTROLS}]")
BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# What PostgreSQL itself refuses in a text or a jsonb value.
UNSTORABLE = re.compile(f"[\x00{SURROGATES}]")
# Characters that show nothing: a value made only of these and spaces says nothing.
INVISIBLES = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u2064\u206a-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
INVISIBLE_ONLY = re.compile(f"[\\s{INVISIBLES}{BIDI_CONTROLS}]+")
LINE_BREAKS = re.compile(r"[\t\r\n]")

MAX_TEXT_LENGTH = 20_000
# Every e-mail column of the project (Django's EmailField default): the validator alone accepts 320
# characters, which PostgreSQL then refuses in a server error.
MAX_EMAIL_LENGTH = 254
# The smallest integer column of the databases CSC runs on (PostgreSQL `integer`): a form integer
# without bounds of its own stays inside it.
MAX_INTEGER = 2**31 - 1
MAX_BIGINT = 2**63 - 1


class UnsafeText(ValueError):
    """A text holding characters the platform does not store reached the database layer."""


def describe(character: str) -> str:
    return f"U+{ord(character):04X}"


def refusal(text: str) -> str | None:
    """The French reason why `text` cannot be stored, or None when it can."""
    found = REFUSED.search(text)
    if found is None:
        return None
    character = found.group()
    if BIDI.fullmatch(character):
        return _(
            "Ce texte contient un caractère invisible qui inverse le sens de l'écriture "
            "(%(character)s) : retapez-le au clavier plutôt que de le coller."
        ) % {"character": describe(character)}
    return _(
        "Ce texte contient un caractère de contrôle invisible (%(character)s) qui ne peut pas être "
        "enregistré : retapez-le au clavier plutôt que de le coller."
    ) % {"character": describe(character)}


def is_invisible(text: str) -> bool:
    """True for a non-empty text that shows nothing: spaces, zero-width and other invisible characters."""
    return bool(text) and INVISIBLE_ONLY.fullmatch(text) is not None


def tidy(text: str, *, multiline: bool) -> str:
    """What a form field should read: an invisible-only value is empty, a one-line value has no breaks."""
    if is_invisible(text):
        return ""
    return text if multiline else LINE_BREAKS.sub(" ", text)


def query_value(text: str) -> str:
    """A GET parameter as views should read it: refused characters dropped, invisible-only is empty."""
    text = REFUSED.sub("", text)
    return "" if is_invisible(text) else text


def validate_text(value) -> None:
    """The validator every form text field gets (CleanTextMixin)."""
    if isinstance(value, str):
        reason = refusal(value)
        if reason:
            raise ValidationError(reason, code="refused_character")


# --- 1. Forms ------------------------------------------------------------------------------------------

TOO_LONG = gettext_lazy(
    "Ce texte est trop long : %(limit_value)s caractères au plus (il en compte %(show_value)s)."
)
EMAIL_TOO_LONG = gettext_lazy(
    "Cette adresse e-mail est trop longue : %(limit_value)s caractères au plus (elle en compte "
    "%(show_value)s)."
)
TOO_LARGE = gettext_lazy("Ce nombre est trop grand : vérifiez-le.")
TOO_SMALL = gettext_lazy("Ce nombre est trop petit : vérifiez-le.")


_max_text_length = validators.MaxLengthValidator(MAX_TEXT_LENGTH, message=TOO_LONG)


def validate_text_length(value) -> None:
    """The cap of a text field without a length of its own. Only on texts: a CharField subclass may
    clean to another type (UUIDField to a UUID), which has no length."""
    if isinstance(value, str):
        _max_text_length(value)


# Where a person types one line. A hidden input may carry a text typed on an earlier step: left alone.
ONE_LINE_INPUTS = (forms.TextInput, forms.EmailInput, forms.URLInput)
# Subclasses of IntegerField whose values a float or numeric column holds: their digits bound them.
DECIMALS = (forms.FloatField, forms.DecimalField)


def _guard(field: forms.Field) -> None:
    """Gives one field instance (a form's own copy) the policy's validators, once."""
    if getattr(field, "_csc_cleaning", False):
        return
    field._csc_cleaning = True
    if isinstance(field, forms.CharField):
        # Ours replaces Django's NUL check, so that a NUL gets one message, the same as other controls.
        field.validators = [
            v for v in field.validators if not isinstance(v, validators.ProhibitNullCharactersValidator)
        ]
        field.validators.append(validate_text)
        if isinstance(field, forms.EmailField) and (field.max_length or 321) > MAX_EMAIL_LENGTH:
            # Django's default is 320 (the longest address SMTP allows), more than the columns hold.
            field.max_length = MAX_EMAIL_LENGTH
            field.validators = [
                v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)
            ]
            field.validators.append(validators.MaxLengthValidator(MAX_EMAIL_LENGTH, message=EMAIL_TOO_LONG))
        elif field.max_length is None:
            field.validators.append(validate_text_length)
    elif isinstance(field, forms.ModelMultipleChoiceField) and _integer_key(field):
        field._check_values = _bounded_choices(field, field._check_values)
    elif isinstance(field, forms.IntegerField) and not isinstance(field, DECIMALS):
        if field.max_value is None:
            field.validators.append(validators.MaxValueValidator(MAX_INTEGER, message=TOO_LARGE))
        if field.min_value is None:
            field.validators.append(validators.MinValueValidator(-MAX_INTEGER, message=TOO_SMALL))


def _integer_key(field: forms.ModelChoiceField) -> bool:
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(key, (models.IntegerField, models.AutoField))


def _bounded_choices(field: forms.ModelMultipleChoiceField, check):
    """Several choices by id are looked up with `id IN (…)`: an id past a database integer is refused
    as a wrong choice before the query (SQLite cannot even send it: OverflowError, a server error)."""

    def checked(values):
        for value in values if isinstance(values, (list, tuple)) else ():
            text = str(value).strip().removeprefix("-")
            if text.isdecimal() and int(text) > MAX_BIGINT:
                raise ValidationError(
                    field.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": value}
                )
        return check(values)

    return checked


class CleanTextMixin:
    """The policy applied to a form: before its fields are cleaned, every text field gets the policy's
    validators and its submitted value is tidied (invisible-only is empty; no line break in one line).

    Done at validation time rather than in __init__, so that fields a form adds in its own __init__ are
    covered too."""

    def full_clean(self):
        if self.is_bound:
            for field in self.fields.values():
                _guard(field)
            self._tidy_submitted_texts()
        super().full_clean()

    def _tidy_submitted_texts(self) -> None:
        data = self.data
        many = hasattr(data, "getlist")
        changes = {}
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or field.disabled:
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = not isinstance(field.widget, ONE_LINE_INPUTS)
            values = data.getlist(key) if many else [data[key]]
            tidied = [
                tidy(value, multiline=multiline) if isinstance(value, str) else value for value in values
            ]
            if tidied != values:
                changes[key] = tidied
        if not changes:
            return
        data = data.copy()  # a request's QueryDict is immutable, and never changed in place
        for key, values in changes.items():
            if many:
                data.setlist(key, values)
            else:
                data[key] = values[0]
        self.data = data


# --- 2. Query strings ----------------------------------------------------------------------------------


class TextCleaningMiddleware:
    """Drops refused characters from GET parameters (a search for « caf%00 » searches « caf »), and turns
    `UnsafeText` raised by the last line below into a French 400 page instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING"):
            self._clean_query(request)
        return self.get_response(request)

    @staticmethod
    def _clean_query(request) -> None:
        query = request.GET
        changed = False
        cleaned = query.copy()
        for key, values in query.lists():
            tidied = [query_value(value) for value in values]
            clean_key = REFUSED.sub("", key)
            if tidied != values or clean_key != key:
                changed = True
                del cleaned[key]
                if clean_key:
                    cleaned.setlist(clean_key, tidied)
        if changed:
            cleaned._mutable = False
            request.GET = cleaned

    def process_exception(self, request, exception):
        if not isinstance(exception, UnsafeText):
            return None
        message = str(exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "core/refused_text.html", {"message": message}, status=400)


# --- 3. The last line ----------------------------------------------------------------------------------

_TEXT_FIELDS: dict[type, tuple[list[str], list[str]]] = {}


def _text_fields(model: type) -> tuple[list[str], list[str]]:
    """(text attributes, JSON attributes) of a model, read once per model.

    Only the project's own models are guarded. The libraries' rows record what was sent as it was sent,
    and refusing them refuses what they are for: django-axes stores a failed login's POST data, so a
    control character in any extra field of the login form used to stop the failure from being counted —
    wrong passwords then cost nothing. What PostgreSQL cannot store is still stopped for them by the
    statement guard below."""
    fields = _TEXT_FIELDS.get(model)
    if fields is None:
        texts, jsons = [], []
        own = model.__module__.startswith("csc.")
        for field in model._meta.concrete_fields if own else ():
            if isinstance(field, (models.CharField, models.TextField)):
                texts.append(field.attname)
            elif isinstance(field, models.JSONField):
                jsons.append(field.attname)
        fields = _TEXT_FIELDS[model] = (texts, jsons)
    return fields


def _strings_of(value):
    """Every string (keys included) inside a JSON value, without recursion: a deep value costs no stack."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)


def refuse_unsafe_texts(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save, every model of the project: a text or JSON field holding refused characters is not saved."""
    if raw:  # fixtures load what was dumped
        return
    texts, jsons = _text_fields(type(instance))
    if update_fields is not None:
        names = set(update_fields)
        texts = [a for a in texts if a in names]
        jsons = [a for a in jsons if a in names]
    # __dict__, not getattr: a deferred field is not saved, and reading it would cost a query.
    loaded = instance.__dict__
    for attname in texts:
        value = loaded.get(attname)
        if isinstance(value, str) and REFUSED.search(value):
            raise UnsafeText(refusal(value))
    for attname in jsons:
        for text in _strings_of(loaded.get(attname)):
            if REFUSED.search(text):
                raise UnsafeText(refusal(text))


def refuse_unstorable_parameters(execute, sql, params, many, context):
    """Database execute wrapper: what PostgreSQL would refuse with a DataError (or psycopg fail to encode)
    is refused before it leaves, with the same error on SQLite — an update(), a bulk_create(), a filter or
    raw SQL included, where no pre_save runs."""
    if params and not many:
        values = params.values() if isinstance(params, dict) else params
        for value in values:
            if isinstance(value, str):
                if UNSTORABLE.search(value):
                    raise UnsafeText(refusal(value))
            elif hasattr(value, "obj"):  # psycopg's Jsonb adapter
                for text in _strings_of(value.obj):
                    if UNSTORABLE.search(text):
                        raise UnsafeText(refusal(text))
    return execute(sql, params, many, context)


def install_guard(sender, connection, **kwargs) -> None:
    """connection_created: every database connection gets the parameter guard, once."""
    if refuse_unstorable_parameters not in connection.execute_wrappers:
        connection.execute_wrappers.append(refuse_unstorable_parameters)
