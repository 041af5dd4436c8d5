import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from csc.core.models import Centre, Site, Territory
from csc.core.network import load_network


@pytest.fixture
def real_network(db):
    load_network(settings.CSC_NETWORK_FILE)


@pytest.mark.django_db
def test_the_real_network_loads_and_reloads_without_duplicates(real_network):
    load_network(settings.CSC_NETWORK_FILE)
    assert Territory.objects.count() == 3
    assert Centre.objects.count() == 13
    assert Site.objects.filter(centre__slug="eclate").count() == 2
    assert Territory.objects.get(slug="boulonnais").coordinating_centre.slug == "eclate"


@pytest.mark.django_db
def test_the_public_home_lists_centres_by_territory_with_their_contacts(client, real_network):
    response = client.get(reverse("core:public_home"))
    page = response.content.decode()
    assert response.status_code == 200
    for territory in ("Croissant Sud (Versant Sud)", "Versant Nord-Est", "Boulonnais"):
        assert territory in page
    assert "Centre Socioculturel Belencontre" in page
    assert "62 avenue John Fitzgerald Kennedy" in page
    assert 'href="tel:0320941357"' in page
    assert "https://www.agcscbp.org" in page
    assert len(response.context["markers"]) == 13


@pytest.mark.django_db
@override_settings(CSC_MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png")
def test_the_tile_server_is_configurable(client, real_network):
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_healthz_reports_the_database_the_worker_and_the_queue_cheaply(
    client, clock, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from csc.core import heartbeat, notify

    start = timezone.now()
    clock(start)
    with django_assert_max_num_queries(3):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degrade",
        "database": "ok",
        "worker": {"status": "absent", "last_beat_s": None},
        "queue": {"oldest_s": 0.0},
    }
    heartbeat.beat("w1")
    clock(start + timedelta(seconds=4))
    assert client.get("/healthz").json()["status"] == "ok"
    # A message waits for a worker that stopped beating: the queue ages, the worker shows absent.
    notify.send_message.enqueue(1)
    clock(start + timedelta(minutes=6))
    body = client.get("/healthz").json()
    assert (body["status"], body["worker"], body["queue"]) == (
        "degrade",
        {"status": "absent", "last_beat_s": 360.0},
        {"oldest_s": 356.0},
    )


@pytest.mark.django_db
def test_an_unknown_page_answers_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_500_page_is_in_french_and_needs_no_database(rf):
    from csc.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Une erreur s'est produite" in response.content.decode()


@pytest.mark.django_db
def test_the_403_page_is_in_french(rf):
    from django.contrib.auth.models import AnonymousUser

    from csc.core.views import error_403

    request = rf.get("/")
    request.user = AnonymousUser()
    assert "Accès refusé" in error_403(request).content.decode()


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_the_login(client):
    response = client.get(reverse("people:search"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def deploy_check(**variables):
    """`manage.py check --deploy` in a process of its own, with production-like settings."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csc.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop-XYZ",
        "DJANGO_ALLOWED_HOSTS": "csc.example.org",
        "CSC_CASEWORK_KEYS": "cHJvZHVjdGlvbi1saWtlLWNhc2V3b3JrLWtleS0wMDE=",
        "CSC_PUBLIC_URL": "https://csc.example.org",
        "CSC_CACHE_URL": "redis://127.0.0.1:6379/0",  # read, never reached, by the checks
    }
    for name in ("CSC_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # set by the suite, never in production
        env.pop(name, None)
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_settings_pass_the_deploy_checks():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("public_url", [None, "", "http://127.0.0.1:8000", "http://localhost:8000"])
def test_the_deploy_checks_refuse_e_mail_links_to_no_public_site(public_url):
    """The links of e-mails sent by tasks and commands start with CSC_PUBLIC_URL: unset, or left at a
    laptop's address, families would receive links they cannot open."""
    result = deploy_check(CSC_PUBLIC_URL=public_url)
    assert result.returncode != 0
    assert "CSC_PUBLIC_URL" in result.stderr and "core.E001" in result.stderr
