"""A link is shown only to whom it opens: every demo account clicks through its staff pages, and no link
answers it 403 or 404 (the federation's journal used to link to people's pages, which it may not open)."""

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from csc.core.demo import DEMO_CENTRES, ROLE_LOGIN_NAMES, demo_email
from csc.core.models import User

HREF = re.compile(r'href="([^"#]+)"')
# Files, the API, leaving, and pages of other sites are not staff pages.
NOT_PAGES = ("/static/", "/media/", "/api/", "/admin-technique/", "/compte/deconnexion/")
FILES = re.compile(r"\.(pdf|csv|xlsx|ods|ics|zip)$")
SAMPLES_PER_SHAPE = 2  # the same page for another row: ids are replaced by N to tell shapes apart
MAX_PAGES = 250


def broken_links(user) -> list[str]:
    client = Client()
    client.force_login(user)
    queue, visited, shapes, broken = deque([("/espace/", "—")]), set(), {}, []
    while queue and len(visited) < MAX_PAGES:
        url, source = queue.popleft()
        parts = urlsplit(url)
        shape = re.sub(r"/\d+", "/N", parts.path) + "?" + ",".join(sorted(re.findall(r"(\w+)=", parts.query)))
        if url in visited or shapes.get(shape, 0) >= SAMPLES_PER_SHAPE:
            continue
        visited.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        if response.status_code in (403, 404):
            broken.append(f"{url} ({response.status_code}), lien de {source}")
            continue
        assert response.status_code < 500, url
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urljoin(url, href.replace("&amp;", "&"))
            if (
                href.startswith("/")
                and not href.startswith(NOT_PAGES)
                and not FILES.search(urlsplit(href).path)
            ):
                queue.append((href, url))
    return broken


@pytest.mark.django_db
def test_no_staff_page_links_its_reader_to_a_page_it_may_not_open(otp_verified):
    call_command("load_demo", "--demo", stdout=io.StringIO())
    centre = DEMO_CENTRES[0]
    emails = [demo_email(login, centre) for login in ROLE_LOGIN_NAMES.values()]
    emails += list(
        User.objects.filter(staff_roles__centre__isnull=True, email__endswith="@demo.csc.localhost")
        .values_list("email", flat=True)
        .distinct()
    )
    found = {email: broken_links(User.objects.get(email=email)) for email in emails}
    assert len(found) >= len(ROLE_LOGIN_NAMES) + 2  # the territory's and the federation's accounts too
    assert {email: links for email, links in found.items() if links} == {}
