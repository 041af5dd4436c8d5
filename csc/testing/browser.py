"""Playwright driving Debian's Chromium, and the axe-core check every page visited must pass."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CSC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def launch_chromium(playwright):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : installez-le (apt-get install chromium) "
            "ou indiquez son chemin dans CSC_CHROMIUM."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Every page opened through new_page() notes what the Content-Security-Policy refused
# (csc/core/headers.py): an inline script or style, an eval, a file from elsewhere. The browser refuses
# them silently, so a page can lose a behaviour or its layout without any test noticing otherwise.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.effectiveDirective + " refused " + (event.blockedURI || "inline")
    + " (" + (event.sourceFile || location.pathname) + ":" + event.lineNumber + ")");
}, true);
"""


def csp_violations(page) -> list[str]:
    """What the Content-Security-Policy refused on the page as it is now (since it was loaded)."""
    return page.evaluate("window.__cspViolations || []")


def assert_accessible(page, visited: list | None = None):
    """No serious or critical axe-core violation on the page as it is now, and nothing refused by the
    Content-Security-Policy since it was loaded."""
    refused = csp_violations(page)
    assert not refused, f"{page.url}\nRefusé par la Content-Security-Policy :\n" + "\n".join(refused)
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if visited is not None:
        visited.append(page.url)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in blocking
    ]
    assert not blocking, f"{page.url}\n" + "\n".join(details)


PASSWORD = "mot-de-passe-de-test"  # the factories' password


def field(name):
    """A field's label, exactly, with or without the « (obligatoire) » mark."""
    import re

    return re.compile(rf"^{re.escape(name)}( \(obligatoire\))?$")


def log_in(page, live_server, user):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def new_page(browser, **options):
    """A fresh context (cookies, viewport) and its page, French, with a 10 s default timeout."""
    context = browser.new_context(locale="fr-FR", **options)
    context.add_init_script(_RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page
