"""A module written only for tests: installed in INSTALLED_APPS by csc/core/tests/test_registry.py, it
proves that a module plugs in without a line changed outside its own package."""
