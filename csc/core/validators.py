import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


def normalize_phone(value: str) -> str:
    """A French (or international) phone number in E.164, or a clear French error."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        raise ValidationError("Ce numéro de téléphone n'est pas reconnu. Exemple : 06 12 34 56 78.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


validate_postcode = RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres, par exemple 59000.")
