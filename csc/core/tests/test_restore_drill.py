"""The restore drill of docs/sauvegardes.md, for real, on PostgreSQL: deploy/backup.sh dumps a database
with persons, casework notes and an uploaded document; deploy/restore.sh brings it back into a new
database and a new media folder; `manage.py verify_restore`, run as the server would run it, passes
with the installation's key and fails, naming the keys, with another one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from csc.casework import services
from csc.testing.factories import HouseholdFactory, HouseholdMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def clients_match_the_server() -> str:
    """Why the drill cannot run here, or "" when it can: the tools must be there and not older than the
    server (pg_dump refuses a newer server)."""
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} introuvable(s) : installez postgresql-client de la version du serveur"
    version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout
    client = int(version.split()[2].split(".")[0])
    server = connection.pg_version // 10000
    if client < server:
        return f"pg_dump {client} est plus ancien que le serveur PostgreSQL {server}"
    return ""


@pytest.fixture
def postgres_tools():
    if connection.vendor != "postgresql":
        pytest.skip("l'exercice de restauration se fait sur PostgreSQL (DATABASE_URL)")
    if reason := clients_match_the_server():
        pytest.skip(reason)


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restauree"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(command, **env):
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def verify_restore(database: str, media: Path, keys: str):
    """The command as `csc-manage` runs it: production settings, the restored database and files."""
    return run(
        [sys.executable, "manage.py", "verify_restore"],
        DJANGO_SETTINGS_MODULE="csc.settings",
        DJANGO_DEBUG="0",
        DATABASE_URL=url(database),
        CSC_MEDIA_ROOT=str(media),
        CSC_CASEWORK_KEYS=keys,
    )


def test_a_backup_restored_into_a_new_database_passes_the_check_and_fails_with_another_key(
    postgres_tools, restored_database, settings, tmp_path, staff, centre_a
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CSC_OTP_REQUIRED_ROLES = []
    referent = staff("social_worker")
    household = HouseholdFactory(centre=centre_a, name="Famille Diallo")
    members = [HouseholdMemberFactory(household=household).person for _ in range(3)]
    services.ensure_defaults(centre_a)
    period = services.open_period(
        centre_a,
        by=referent,
        persons=members[:1],
        scope=centre_a.casework_scopes.get(name="Famille"),
        referent=referent,
        origin="spontaneous",
        issues=list(centre_a.casework_issues.filter(name="Logement")),
    )
    for notes in ("Premier entretien : loyer en retard", "Appel à la CAF"):
        services.log_exchange(
            period, author=referent, kind="interview", happened_on=timezone.localdate(), notes=notes
        )
    services.add_document(
        period, by=referent, upload=SimpleUploadedFile("bail.pdf", PDF), title="Bail", category="housing"
    )

    backup = run(
        ["bash", "deploy/backup.sh"],
        DATABASE_URL=url(connection.settings_dict["NAME"]),
        BACKUP_DIR=str(tmp_path / "sauvegardes"),
        CSC_MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(path.name for path in folder.iterdir()) == [
        "SHA256SUMS",
        "base.dump",
        "fichiers.tar.gz",
        "manifeste.txt",
    ]
    manifest = (folder / "manifeste.txt").read_text()
    assert "people_person 3" in manifest and "casework_exchange 2" in manifest
    assert "fichiers: 1 " in manifest
    assert "CSC_CASEWORK_KEYS" not in manifest and Fernet.__name__ not in manifest

    restored_media = tmp_path / "restauration" / "media"
    restore = run(
        ["bash", "deploy/restore.sh"],
        BACKUP=str(folder),
        RESTORE_DATABASE_URL=url(restored_database),
        RESTORE_MEDIA_ROOT=str(restored_media),
    )
    assert restore.returncode == 0, restore.stderr
    # Never over a database in use: a second restore into the same database is refused.
    again = run(
        ["bash", "deploy/restore.sh"],
        BACKUP=str(folder),
        RESTORE_DATABASE_URL=url(restored_database),
        RESTORE_MEDIA_ROOT=str(tmp_path / "ailleurs"),
    )
    assert again.returncode != 0 and "restaurez dans une base neuve" in again.stderr

    keys = ",".join(django_settings.CSC_CASEWORK_KEYS)
    check = verify_restore(restored_database, restored_media, keys)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ÉCHEC" not in check.stdout
    assert "2 note(s) chiffrée(s) lue(s)" in check.stdout and "1 vérifié(s) sur 1" in check.stdout

    wrong = verify_restore(restored_database, restored_media, Fernet.generate_key().decode())
    assert wrong.returncode != 0
    assert "ÉCHEC  Accompagnement social, clés de chiffrement" in wrong.stdout
    assert "2 illisible(s) avec CSC_CASEWORK_KEYS" in wrong.stdout
    assert "loyer" not in wrong.stdout + wrong.stderr
