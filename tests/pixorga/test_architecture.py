"""The shape docs/architecture.md asks of views, kept by a test rather than by memory."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "analysis", "assessments", "campaigns", "demo", "learning_content", "lib", "organizations",
        "participations", "pixorga", "privacy")
MAX_VIEW_LINES = 25


def view_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app)
            if path.name == "views.py" or path.name.endswith("_views.py") or relative.parts[0] == "views":
                yield path


def long_functions(path):
    """(name, lines) of each function of the module over the limit, from `def` to its last
    line, docstring included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_VIEW_LINES:
                yield node.name, lines


def test_the_walk_finds_the_views_of_every_app_that_has_pages():
    apps = {path.relative_to(ROOT).parts[0] for path in view_modules()}

    assert {"accounts", "analysis", "assessments", "campaigns", "organizations", "participations",
            "privacy"} <= apps


def test_no_function_of_a_views_module_is_longer_than_25_lines():
    too_long = [f"{path.relative_to(ROOT)}:{name} ({lines} lines)"
                for path in view_modules() for name, lines in long_functions(path)]

    assert too_long == []
