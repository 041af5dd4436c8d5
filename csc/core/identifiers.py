"""The one form of an account's e-mail address: what is stored, what every entry looks accounts up by.

An address can be written many ways that a person reads as the same: « Dir@X.fr », « dir@x.fr  »,
fullwidth « ｄｉｒ@x.fr », « ſ » (long s) for « s ». Comparing them loosely where each entry happens to
(Python's lower() here, PostgreSQL's UPPER() there, where « ı » becomes « I ») let one account be
reached under names the login lockout counted apart. So there is one normal form, computed here and
nowhere else — Unicode NFKC, case folded, without surrounding spaces — stored in `User.email`, and
accounts are found by exact equality on it: a variant is either the account itself (and shares its
lockout counter) or no account at all.

Every entry goes through `normalise_email`: the login form and backend, password reset, invitations,
`grant_role`, `createsuperuser` and the technical admin (through `User.normalize_username`/`save`),
demo data.
"""

from __future__ import annotations

import unicodedata


def normalise_email(value: str | None) -> str:
    """The normal form of an account's address: NFKC, case folded (NFKC again, as Unicode's
    NFKC_Casefold does, since folding may leave a non-normal sequence), spaces around removed.

    'ＤＩＲ@X.FR ' -> 'dir@x.fr'; 'ſoph@x.fr' -> 'soph@x.fr'; 'dır@x.fr' (dotless i) stays 'dır@x.fr',
    which is another address, not 'dir@x.fr'.
    """
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return folded.strip()
