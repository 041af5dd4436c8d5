"""Every test that drives Chromium carries the `browser` marker: `-m "not browser"` (the quick run) and
`-m browser` (the browser job) rely on it, and a module without it ran Chromium in the quick run."""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings


def _modules_using_the_browser() -> list[str]:
    modules = []
    for path in sorted(Path(settings.BASE_DIR, "csc").glob("*/tests/test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(
            isinstance(node, ast.FunctionDef)
            and node.name.startswith("test")
            and any(arg.arg == "browser" for arg in node.args.args)
            for node in ast.walk(tree)
        ):
            relative = path.relative_to(settings.BASE_DIR).with_suffix("")
            modules.append(".".join(relative.parts))
    return modules


def test_every_module_driving_chromium_is_marked_browser():
    modules = _modules_using_the_browser()
    assert "csc.kiosk.tests.test_kiosk_browser" in modules  # the scan finds them
    unmarked = []
    for name in modules:
        marks = getattr(importlib.import_module(name), "pytestmark", [])
        marks = marks if isinstance(marks, list) else [marks]
        if not any(mark.name == pytest.mark.browser.name for mark in marks):
            unmarked.append(name)
    assert unmarked == []
