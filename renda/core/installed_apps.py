"""What each installed app says about itself on its AppConfig, read in this one place, so that
adding an app means editing only that app's apps.py:

- `domain_app = True`: its models hold the office's records, and the roles get their
  permissions on them (`renda.core.roles`).
- `demo_module = "<app>.demo"` with `demo_order`: `seed_demo` calls the module's `seed(ctx)`,
  lowest order first (an app seeds after the apps its demo rows refer to).
- `catalogue = True`: its strings (its package and `templates/<label>/`) go to its own
  catalogue, `<app>/locale` (the `messages` command). `catalogue_roots` and `catalogue_locale`
  (paths from the project's folder) say otherwise: the core's catalogue is the project's
  `locale/`, and takes every string no app claims.
"""

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings


def domain_app_labels() -> list[str]:
    return [app.label for app in apps.get_app_configs() if getattr(app, "domain_app", False)]


def demo_modules() -> list[str]:
    """The demo modules, in the order they seed."""
    declared = [app for app in apps.get_app_configs() if getattr(app, "demo_module", "")]
    declared.sort(key=lambda app: app.demo_order)
    return [app.demo_module for app in declared]


@dataclass(frozen=True)
class Catalogue:
    label: str  # the app's label: `manage.py messages <label>`
    roots: tuple[str, ...]  # folders whose strings it holds (the longest matching root wins)
    locale: str  # its locale folder


def catalogues() -> dict[str, Catalogue]:
    """{app label: its catalogue}, paths relative to the project's folder."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for app in apps.get_app_configs():
        if not getattr(app, "catalogue", False):
            continue
        folder = Path(app.path).resolve().relative_to(base).as_posix()
        found[app.label] = Catalogue(
            label=app.label,
            roots=tuple(getattr(app, "catalogue_roots", (folder, f"templates/{app.label}"))),
            locale=getattr(app, "catalogue_locale", f"{folder}/locale"),
        )
    return found
