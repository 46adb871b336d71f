"""The apps import one another in one direction only: each may import the layers below it, never one above."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. `accounts` holds API tokens; `sources` holds the Source and Citation tables every record app cites; `citations` is the citation
# resource, which shows and guards what a quote supports; `changes` reads every record app's history; `intake` reads articles into draft deals; `explorer` serves pages over the API's views; `bench` and
# `config` assemble everything.
LAYERS = [
    "core",
    "accounts",
    "sources",
    "actors",
    "systems",
    "deals",
    "citations",
    "stats",
    "changes",
    "intake",
    "explorer",
    "bench",
    "config",
]


def imported_apps(app: str) -> dict[str, set[str]]:
    """Each other app this app imports, with the files that import it: module level or inside a function alike."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in LAYERS and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_layers_below_it(app):
    above = set(LAYERS[LAYERS.index(app) :])
    upward = {other: sorted(files) for other, files in imported_apps(app).items() if other in above}
    assert not upward, f"{app} imports layers above it: {upward}"


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"apps without a layer: {apps - set(LAYERS)}"
