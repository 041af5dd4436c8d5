"""Links of long lists, reversed once per page.

A grid or a list can show a hundred rows, each with two or three links that differ only by the row's
id. `{% url %}` on every row runs Django's resolver each time, which costs more than the rest of the row;
`LinkPattern` reverses the route once with a stand-in id and fills in each row's id with a string
concatenation, so the URLs stay those of the URLconf.
"""

from __future__ import annotations

from django.urls import reverse

# A stand-in no real id takes and that `<int:…>` accepts.
_STAND_IN = 987654321987


class LinkPattern:
    """`LinkPattern("animation:sheet_detail")(42)` == `reverse("animation:sheet_detail", args=[42])`.
    The id is the route's last argument; `args` are the ones before it."""

    def __init__(self, name: str, args: tuple = ()):
        url = reverse(name, args=[*args, _STAND_IN])
        self._before, stand_in, self._after = url.rpartition(str(_STAND_IN))
        if not stand_in:  # a route that does not end on an int argument: refuse it early
            raise ValueError(f"La route {name} ne se termine pas par un identifiant.")

    def __call__(self, pk: int) -> str:
        return f"{self._before}{int(pk)}{self._after}"
