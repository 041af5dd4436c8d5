from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from csc.core.models import AuditEvent, Centre, StaffRole, User


@pytest.mark.django_db
def test_load_network_loads_only_the_real_network():
    call_command("load_network")
    assert Centre.objects.count() == 13
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_clone_of_the_repository_runs_with_nothing_beside_it():
    """The network and the kiosk's catalogue ship inside the repository, tracked by git: `make run` on a
    clone of this repository alone used to stop on a FileNotFoundError for ../shared/data."""
    import subprocess

    from django.apps import apps

    tracked = subprocess.run(
        ["git", "ls-files", "csc/core/data"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in (settings.CSC_NETWORK_FILE, settings.CSC_PROCEDURES_FILE):
        assert path.is_relative_to(settings.BASE_DIR), path
        assert str(path.relative_to(settings.BASE_DIR)) in tracked
    call_command("load_network")
    call_command("load_procedures")
    assert Centre.objects.filter(slug="arbrisseau").exists()
    assert apps.get_model("kiosk", "Procedure").objects.filter(title__icontains="CAF").exists()


@pytest.mark.django_db
def test_grant_role_names_the_first_director_of_a_centre():
    call_command("load_network", str(settings.CSC_NETWORK_FILE))
    out = StringIO()
    call_command("grant_role", "Directrice@Echo.example", "director", "--centre", "echo", stdout=out)
    user = User.objects.get(email="directrice@echo.example")
    assert "/compte/invitation/" in out.getvalue()
    assert not user.has_usable_password()
    assert StaffRole.objects.get(user=user).centre.slug == "echo"
    assert AuditEvent.objects.filter(action="role_granted").exists()
    with pytest.raises(CommandError, match="ne s'attribue pas"):
        call_command("grant_role", "x@example.org", "federation", "--centre", "echo")
    with pytest.raises(CommandError, match="slug"):
        call_command("grant_role", "x@example.org", "director", "--centre", "inconnu")


@pytest.mark.django_db
def test_grant_roles_link_leads_to_the_public_site(settings, network):
    """Run from a terminal, the command has no request to take the site from: its link starts with
    CSC_PUBLIC_URL, unless --base-url says otherwise."""
    settings.CSC_PUBLIC_URL = "https://csc.exemple.fr"
    out = StringIO()
    call_command("grant_role", "a@example.org", "director", "--centre", network["a"].slug, stdout=out)
    assert "https://csc.exemple.fr/compte/invitation/" in out.getvalue()
    assert "127.0.0.1" not in out.getvalue()
    out = StringIO()
    call_command(
        "grant_role", "b@example.org", "director", "--centre", network["a"].slug,
        "--base-url", "https://autre.exemple.fr/", stdout=out,
    )  # fmt: skip
    assert "https://autre.exemple.fr/compte/invitation/" in out.getvalue()
    settings.CSC_PUBLIC_URL = ""
    with pytest.raises(CommandError, match="CSC_PUBLIC_URL"):
        call_command("grant_role", "c@example.org", "director", "--centre", network["a"].slug)


@pytest.mark.django_db
def test_a_new_centre_keeps_data_for_the_configured_default(settings, network):
    from csc.testing.factories import CentreFactory

    settings.CSC_DEFAULT_RETENTION_MONTHS = 24
    assert CentreFactory().retention_months == 24
