"""No template of a web page holds what the Content-Security-Policy refuses (csc/core/headers.py): an
inline script, an inline event handler, a `javascript:` address, a style="…" attribute or a <style>
block without the answer's nonce. The browser would refuse them silently, and the page would lose its
behaviour or its layout; this test names the line instead.

PDF and e-mail templates are exempt: WeasyPrint and mail readers apply no policy, and e-mails need
their styles inline."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # csc/
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html") if "tests" not in p.parts)

TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
EVENT_HANDLER = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def never_a_web_page(path: Path) -> bool:
    """PDFs (their folder or their name says so, or the paper attendance sheet) and e-mails."""
    relative = path.relative_to(ROOT)
    return (
        "pdf" in relative.parts
        or "emails" in relative.parts
        or "pdf" in path.stem
        or relative.as_posix().endswith("attendance/paper_sheet.html")
    )


COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def problems(text: str) -> list[str]:
    # Template comments reach no browser; blanked out with their line breaks kept, for the line numbers.
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for match in TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        if name == "script" and "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"ligne {line} : script en ligne")
        if name == "style" and "nonce=" not in attributes:
            found.append(f"ligne {line} : <style> sans nonce")
        if EVENT_HANDLER.search(attributes):
            found.append(f"ligne {line} : gestionnaire d'événement en attribut (on…=)")
        if STYLE_ATTRIBUTE.search(attributes):
            found.append(f"ligne {line} : attribut style=")
        if JAVASCRIPT_URL.search(attributes):
            found.append(f"ligne {line} : adresse javascript:")
    return found


def test_the_scan_sees_the_templates_and_what_it_looks_for():
    assert len(TEMPLATES) > 150
    assert problems('<p>x</p>\n<script>alert(1)</script><a href="#" onclick="go()">') == [
        "ligne 2 : script en ligne",
        "ligne 2 : gestionnaire d'événement en attribut (on…=)",
    ]
    assert problems('<span class="bar" style="width: 3%"></span><style>p{}</style>') == [
        "ligne 1 : attribut style=",
        "ligne 1 : <style> sans nonce",
    ]
    assert problems("<a href='javascript:void(0)'>") == ["ligne 1 : adresse javascript:"]
    assert problems("{# no <script>alert(1)</script> here #}\n<p style=''>") == ["ligne 2 : attribut style="]
    allowed = (
        '<script src="/static/a.js" defer></script><script type="application/json" id="d">{}</script>'
        '<style nonce="{{ request.csp_nonce }}">p{}</style><button data-onclick="x" aria-controls="y">'
    )
    assert problems(allowed) == []


@pytest.mark.parametrize("path", [p for p in TEMPLATES if not never_a_web_page(p)], ids=lambda p: str(p))
def test_no_web_page_template_holds_what_the_policy_refuses(path):
    assert problems(path.read_text()) == []


def test_the_exempt_templates_are_never_rendered_as_a_web_page():
    sources = "\n".join(p.read_text() for p in ROOT.glob("**/*.py") if "tests" not in p.parts)
    for path in TEMPLATES:
        if never_a_web_page(path):
            name = "/".join(path.parts[path.parts.index("templates") + 1 :])
            as_page = re.compile(
                rf"(?:render|TemplateResponse)\(\s*request\s*,\s*[\"']{re.escape(name)}[\"']"
            )
            assert not as_page.search(sources), f"{name} est rendu comme une page web"
