"""One hooks mechanism through which apps plug into shared pages (Wagtail's hooks).

An app registers functions under a hook name in its AppConfig.ready(); a page that composes
(the dashboard, the deputy archive, a session's page) asks for every function under a name and
never imports the app that provides it:

    from renda.core import hooks
    hooks.register("session_proposals", proposal_list_for_session)
    ...
    for fn in hooks.get("session_proposals"): rows = fn(user=user, session=session)

The deputy archive's parts are providers of typed sections (renda.core.archive).

Registering the same function twice under one name keeps it once; `order` sorts the functions.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_HOOKS: dict[str, list[tuple[int, Callable[..., Any]]]] = defaultdict(list)


def register(name: str, fn: Callable[..., Any] | None = None, *, order: int = 100):
    """Register `fn` under `name`; usable as `@hooks.register("name")` too."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        entries = _HOOKS[name]
        if all(existing is not func for _order, existing in entries):
            entries.append((order, func))
            entries.sort(key=lambda entry: entry[0])
        return func

    return decorator(fn) if fn is not None else decorator


def unregister(name: str, fn: Callable[..., Any]) -> None:
    """Take `fn` off `name` again (tests that plug in a function of their own)."""
    _HOOKS[name] = [(order, f) for order, f in _HOOKS.get(name, []) if f is not fn]


@dataclass(frozen=True)
class Section:
    """A part of a composing page that another app provides: a title, a template to include and
    the function that makes its context (a deputy group's page: the meetings app's yearly plan).
    Register it like any hook function:

        hooks.register("deputy_group_section", hooks.Section("plans", _("…"), "meetings/….html",
                                                             group_plan_context), order=10)

    (The deputy archive's parts are typed sections instead: renda.core.archive.)
    """

    key: str
    title: Any
    template: str
    context: Callable[..., dict]

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "template": self.template,
            "context": self.context(*args, **kwargs) or {},
        }


def get(name: str) -> list[Any]:
    """What is registered under `name`, in its order: functions, or typed providers (a
    JobHandler, a YearEndPart) that the hook's name documents."""
    return [fn for _order, fn in _HOOKS.get(name, [])]


def collect(name: str, **kwargs: Any) -> list[Any]:
    """Call every function registered under `name` with the same keyword arguments."""
    return [fn(**kwargs) for fn in get(name)]


def first(name: str, default: Any = None, **kwargs: Any) -> Any:
    """The result of the first function registered under `name`, or `default` when none is."""
    functions = get(name)
    return functions[0](**kwargs) if functions else default
