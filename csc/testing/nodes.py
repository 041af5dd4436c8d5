"""Another application node, for the tests of a layout with several: a new Python process with the
settings production builds from the environment, on the test's database and the test's Redis keys.
Whatever two nodes must share (sessions, rate limits, login lockouts) is shared only if it passes
through those."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from .caches import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test's database as DATABASE_URL (PostgreSQL: an in-memory SQLite cannot be shared)."""
    settings_dict = connection.settings_dict
    return (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}"
    )


def on_other_node(code: str, *, cache_prefix: str, **environ: str) -> str:
    """Run `code` (Django set up, `reverse` and `Client` imported) in another process, as a second node
    would: with CSC_CACHE_URL on the test's Redis under `cache_prefix`, on the test's database unless
    `environ` gives another DATABASE_URL (a pooler). Returns what it printed."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "csc.settings_test",
        "CSC_CACHE_URL": REDIS_URL,
        "CSC_CACHE_PREFIX": cache_prefix,
        **environ,
    }
    if connection.vendor == "postgresql" and "DATABASE_URL" not in environ:
        env["DATABASE_URL"] = database_url()
    prelude = (
        "import django\ndjango.setup()\nfrom django.test import Client\nfrom django.urls import reverse\n"
    )
    result = subprocess.run(  # noqa: S603 — the test's own code, run by this Python
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode:
        raise AssertionError(f"The other node failed:\n{result.stderr}")
    return result.stdout.strip()
