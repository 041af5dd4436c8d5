"""The shared text helpers: search normalisation and the Markdown staff write (help sheets, letters)."""

from csc.core.text import normalize, render_markdown


def test_normalize_drops_case_accents_and_punctuation():
    assert normalize("Élodie  LEFÈVRE-Dubois") == "elodie lefevre dubois"
    assert normalize("Pôle-emploi") == normalize("pole emploi")
    assert normalize(None) == ""


def test_markdown_is_rendered_without_scripts_or_unsafe_links():
    html = render_markdown(
        "# Titre\n\n<script>alert(1)</script>\n\n- [caf](https://www.caf.fr)\n"
        "- [piège](javascript:alert(1))\n"
        "- [en clair](http://exemple.fr)\n\n<img src=x onerror=alert(1)>"
    )
    # Raw HTML is shown as text, never run.
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="http://' not in html
    assert '<a href="https://www.caf.fr" rel="noopener noreferrer">caf</a>' in html
    assert "<h3>Titre</h3>" in html
