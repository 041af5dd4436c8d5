import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def service_categories(db):
    """The categories a migration writes: written again here, because a browser test before this one
    (transactional) empties every table when it ends."""
    migration = importlib.import_module("csc.directory.migrations.0002_service_categories")
    migration.add_categories(apps, None)
