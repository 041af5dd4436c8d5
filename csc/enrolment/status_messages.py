"""A centre's own wording of the e-mails sent when a request changes status: the form and the service.

The page posts an object and a text for each status. It used to read them straight from the request;
going through a form gives them the platform's text cleaning (csc.core.cleaning) and validates every
status before any is saved.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from csc.core.forms import AccessibleFormMixin
from csc.core.models import Centre

from .models import Request, StatusMessage
from .notifications import DEFAULT_MESSAGES

Status = Request.Status
SUBJECT_LENGTH = StatusMessage._meta.get_field("subject").max_length
BODY_LENGTH = 5_000
TOO_LONG = "Le texte dépasse %(limit)s caractères (il en compte %(length)s) : raccourcissez-le."
BOTH_OR_NEITHER = "Écrivez l'objet et le texte, ou videz les deux pour revenir au texte par défaut."


def subject_name(status: str) -> str:
    return f"{status}-subject"


def body_name(status: str) -> str:
    return f"{status}-body"


class StoredTextField(forms.CharField):
    """A text posted back unchanged keeps the centre's stored text as it is, unchecked: a text saved
    before a rule existed (the 5,000-character cap) must not block saving the other statuses. Changed,
    it is checked like any text."""

    def __init__(self, *, stored: str | None, **kwargs):
        super().__init__(**kwargs)
        self.stored = stored

    def clean(self, value):
        if self.stored is not None and isinstance(value, str) and _same(value, self.stored):
            return self.stored
        return super().clean(value)


def _same(posted: str, stored: str) -> bool:
    # Browsers send a text area's line breaks as CRLF, and Django strips the ends of what is posted.
    return posted.replace("\r\n", "\n").strip() == stored.replace("\r\n", "\n").strip()


class StatusMessagesForm(AccessibleFormMixin, forms.Form):
    """An object and a text per status; an empty pair, or the default one, means the default text."""

    def __init__(self, *args, centre: Centre, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # the ids the page's error links point at: « recue-subject »
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.custom = {m.status: m for m in StatusMessage.objects.filter(centre=centre)}
        for status, _label in Status.choices:
            subject, body = self._current(status)
            self.fields[subject_name(status)] = forms.CharField(
                label="Objet",
                required=False,
                max_length=SUBJECT_LENGTH,
                initial=subject,
                error_messages={"max_length": f"L'objet dépasse {SUBJECT_LENGTH} caractères."},
            )
            stored = self.custom.get(status)
            too_long = stored is not None and len(stored.body) > BODY_LENGTH
            self.fields[body_name(status)] = StoredTextField(
                stored=stored.body if stored else None,
                label="Texte",
                required=False,
                # The cap on a text longer than it would stop the browser from shortening it.
                max_length=None if too_long else BODY_LENGTH,
                initial=body,
                widget=forms.Textarea(attrs={"rows": 7}),
                error_messages={"max_length": f"Le texte dépasse {BODY_LENGTH} caractères."},
                help_text=_(
                    "Ce texte compte %(length)s caractères, plus que les %(limit)s permis aujourd'hui : "
                    "il reste tel quel tant que vous n'y touchez pas ; modifié, il devra être raccourci."
                )
                % {"length": len(stored.body), "limit": BODY_LENGTH}
                if too_long
                else "",
            )

    def _current(self, status: str) -> tuple[str, str]:
        message = self.custom.get(status)
        return (message.subject, message.body) if message else DEFAULT_MESSAGES[status]

    def clean(self):
        cleaned = super().clean()
        for status, _label in Status.choices:
            subject, body = cleaned.get(subject_name(status)), cleaned.get(body_name(status))
            if subject is None or body is None:
                continue  # already refused, with its own message
            if bool(subject) != bool(body):
                self.add_error(subject_name(status) if not subject else body_name(status), BOTH_OR_NEITHER)
            elif len(body) > BODY_LENGTH and body != self.fields[body_name(status)].stored:
                self.add_error(body_name(status), _(TOO_LONG) % {"limit": BODY_LENGTH, "length": len(body)})
        return cleaned

    def texts(self) -> dict[str, tuple[str, str]]:
        """{status: (subject, body)} as typed, for save_status_messages. Browsers send a text area's line
        breaks as CRLF: an unchanged default text must compare equal to the default."""
        return {
            status: (
                self.cleaned_data[subject_name(status)],
                self.cleaned_data[body_name(status)].replace("\r\n", "\n"),
            )
            for status, _label in Status.choices
        }

    def rows(self) -> list[dict]:
        """One group of fields per status, in the order of the statuses, for the page."""
        return [
            {
                "status": status,
                "label": label,
                "custom": status in self.custom,
                "fields": [self[subject_name(status)], self[body_name(status)]],
            }
            for status, label in Status.choices
        ]


@transaction.atomic
def save_status_messages(*, centre: Centre, texts: dict[str, tuple[str, str]]) -> None:
    """Store a centre's wording of each status e-mail: an empty pair, or the default one, removes the
    centre's text so that the default applies (and follows later corrections of the default)."""
    for status, (subject, body) in texts.items():
        if (not subject and not body) or (subject, body) == DEFAULT_MESSAGES[status]:
            for message in StatusMessage.objects.filter(centre=centre, status=status):
                message.delete()  # one by one, as the journal records it
        else:
            StatusMessage.objects.update_or_create(
                centre=centre, status=status, defaults={"subject": subject, "body": body}
            )
