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
