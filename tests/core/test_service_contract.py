"""Every service follows one contract (docs/development.md, "Services"):

- a public function of a services module is a service: `by` is a keyword-only argument with no
  default (the user who acts), every argument and the result are annotated, and its body asks
  the access policy first (`authorize(by, …)`), so a view, a command and a task get the same
  refusal (ApplicationError "You may not do this.") for the same actor;
- what runs with no user at all (scheduled tasks, a township's setup) is named in the module's
  `SYSTEM_SERVICES`, takes no `by`, and no view calls it.

Apps join the contract module by module (CONTRACT_MODULES)."""

import ast
import importlib
import inspect
import pathlib

import pytest

CONTRACT_MODULES = [
    "renda.dashboard.services",
    "deputies.services",
    "portal.services",
    "renda.core.services",
    "assessments.services",
    "meetings.services",
    "proposals.services",
]
VIEW_FILES = sorted(p for p in pathlib.Path(".").glob("**/views*.py") if ".venv" not in p.parts)


def _public_functions(module):
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("_") and fn.__module__ == module.__name__:
            yield name, fn


def _calls(fn):
    tree = ast.parse(inspect.getsource(fn).lstrip())
    return {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }


def _contract_breaches(module):
    system = getattr(module, "SYSTEM_SERVICES", frozenset())
    for name, fn in _public_functions(module):
        params = inspect.signature(fn).parameters
        if name in system:
            if "by" in params:
                yield f"{name}: a system service takes no `by`"
            continue
        by = params.get("by")
        if (
            by is None
            or by.kind is not inspect.Parameter.KEYWORD_ONLY
            or by.default is not inspect.Parameter.empty
        ):
            yield f"{name}: `by` must be a keyword-only argument with no default"
        unannotated = [p for p in params if p != "by" and params[p].annotation is inspect.Parameter.empty]
        if unannotated:
            yield f"{name}: arguments without a type: {', '.join(unannotated)}"
        if inspect.signature(fn).return_annotation is inspect.Signature.empty:
            yield f"{name}: no return type"
        if "authorize" not in _calls(fn):
            yield f"{name}: does not ask the access policy (authorize(by, …))"


@pytest.mark.parametrize("module_name", CONTRACT_MODULES)
def test_services_follow_the_contract(module_name):
    module = importlib.import_module(module_name)
    assert list(_public_functions(module)), module_name
    assert list(_contract_breaches(module)) == []


@pytest.mark.parametrize("module_name", CONTRACT_MODULES)
def test_no_view_runs_a_system_service(module_name):
    system = getattr(importlib.import_module(module_name), "SYSTEM_SERVICES", frozenset())
    for path in VIEW_FILES:
        text = path.read_text(encoding="utf-8")
        assert not [name for name in system if f"{name}(" in text], path


def test_the_contract_check_catches_a_breach(tmp_path, monkeypatch):
    """The check itself: a service with a defaulted `by`, no types and no policy call is caught."""
    (tmp_path / "fake_services.py").write_text(
        "def thing_save(*, thing, by=None):\n    return thing\n\n\n"
        "def thing_close(*, thing: int, by) -> None:\n    authorize(by, thing)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    breaches = list(_contract_breaches(importlib.import_module("fake_services")))
    assert any("thing_save: `by`" in b for b in breaches)
    assert any("thing_save: arguments without a type: thing" in b for b in breaches)
    assert any("thing_save: does not ask" in b for b in breaches)
    assert not [b for b in breaches if b.startswith("thing_close")]
