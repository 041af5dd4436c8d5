import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from csc.kiosk.catalogue import load_procedures


@pytest.fixture(autouse=True)
def catalogue(db):
    """The network's catalogue from procedures.json, and the directory's categories (a migration writes
    them; a transactional browser test before this one empties every table when it ends). The cache is
    emptied too: the kiosk's home page and its tiles are cached per process."""
    migration = importlib.import_module("csc.directory.migrations.0002_service_categories")
    migration.add_categories(apps, None)
    cache.clear()
    load_procedures()
    yield
    cache.clear()
