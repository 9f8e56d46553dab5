"""No function of the application is longer than 60 lines (docs/development.md, "Functions").

A long function is where rules hide: the 262-line demo seeder and the 188-line archive selector
each did several things that now have names. Migrations are generated and the tests are not
application code, so neither counts. Nested functions count on their own and inside their
parent."""

import ast
import pathlib

from django.apps import apps
from django.conf import settings

MAX_LINES = 60
ROOT = pathlib.Path(settings.BASE_DIR).resolve()


def _app_files():
    """Every module of the packages our apps live in (renda/ holds settings and celery too)."""
    packages = set()
    for config in apps.get_app_configs():
        path = pathlib.Path(config.path).resolve()
        if ROOT in path.parents and not {".venv", "site-packages"} & set(path.parts):
            packages.add(ROOT / path.relative_to(ROOT).parts[0])  # ours, not Django's or a library's
    for package in sorted(packages):
        for file in package.rglob("*.py"):
            if "migrations" not in file.parts:
                yield file


def long_functions(source, name="<source>"):
    """(name:line function, lines) of every function longer than MAX_LINES in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_LINES:
                found.append((f"{name}:{node.lineno} {node.name}", lines))
    return found


def _function(lines):
    body = "\n".join(f"    x{i} = {i}" for i in range(lines - 1))
    return f"def f():\n{body}\n"


def test_the_check_catches_a_long_function():
    assert long_functions(_function(MAX_LINES)) == []
    assert long_functions(_function(MAX_LINES + 1)) == [("<source>:1 f", MAX_LINES + 1)]
    nested = "def outer():\n" + "\n".join("    " + line for line in _function(MAX_LINES + 5).splitlines())
    assert {name for name, _ in long_functions(nested)} == {"<source>:1 outer", "<source>:2 f"}


def test_every_app_and_only_ours_is_checked():
    """A virtualenv inside the checkout (CI's) holds Django's and the libraries' apps: not ours."""
    checked = {file.relative_to(ROOT).parts[0] for file in _app_files()}
    assert checked == {"renda", "deputies", "meetings", "proposals", "assessments", "portal"}


def test_no_function_is_longer_than_60_lines():
    found = []
    for file in sorted(_app_files()):
        found += long_functions(file.read_text(encoding="utf-8"), str(file.relative_to(ROOT)))
    assert found == [], "split these into named parts: " + ", ".join(f"{n} ({lines})" for n, lines in found)
