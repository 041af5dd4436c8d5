"""`next` values a hostile or careless client sends, for every view that reads one (csc.core.redirects).

Each must leave the person on the view's default page: no 500, no other site, no script.
"""

HOSTILE_NEXT = {
    "view name": "abc",  # redirect() would look it up as a view name: NoReverseMatch, a 500
    "protocol-relative": "//evil.example",
    "absolute": "https://evil.example",
    "backslash": "/\\evil",
    "backslash after the host": "/\\/evil.example",
    "tab": "/\t/evil.example",  # browsers drop tabs: //evil.example
    "script": "javascript:alert(1)",
    "empty": "",
    "10,000 characters": "/" + "a" * 10_000,
    "NUL byte": "/espace/\x00",
    "right-to-left override": "/espace/\u202e",
    "relative": "espace/",
}

# A path of the site, with its query string: kept as it is.
KEPT_NEXT = "/espace/?onglet=a%20b&page=2"


def as_read_from_the_address(value: str) -> str:
    """What a view reads of a `next` given in the address: the query-string cleaning (csc.core.cleaning)
    has already dropped NUL and the override, so « /espace/\\x00 » arrives as « /espace/ », a path of the
    site, and is kept."""
    from csc.core.cleaning import query_value

    return query_value(value)
