"""Extract translatable strings into one catalogue per app, so apps never edit the same file.

    python manage.py messages            # every app
    python manage.py messages deputies   # one app: deputies/**.py and templates/deputies/**

Each app with `catalogue = True` on its AppConfig has its own (renda.core.installed_apps): the
strings of its package and templates/<label>/ go to <app>/locale; everything else (renda/,
templates/*.html at the top, templates/core|registration, static/js) to the project's locale/.
Needs GNU gettext (xgettext, msgmerge).
"""

import os
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import makemessages

from renda.core.installed_apps import Catalogue, catalogues

BASE = Path(settings.BASE_DIR)


def app_of(path: Path, known: dict[str, Catalogue] | None = None) -> str:
    """The catalogue a file's strings go to: the app with the longest root containing it."""
    rel = path.relative_to(BASE).as_posix()
    best, best_len = "core", -1
    for app, catalogue in (known or catalogues()).items():
        for root in catalogue.roots:
            if (rel == root or rel.startswith(root + "/")) and len(root) > best_len:
                best, best_len = app, len(root)
    return best


class Command(makemessages.Command):
    help = "Extract messages into per-app zh_Hans catalogues."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("apps", nargs="*", help="apps to extract (default: all)")
        parser.add_argument(
            "--check",
            action="store_true",
            help="extract into a temporary folder and fail if a string is missing from a catalogue",
        )

    def handle(self, *args, **options):
        self.only_apps = set(options.pop("apps") or catalogues())
        self.locale_dirs = {app: BASE / c.locale for app, c in catalogues().items()}
        if options.pop("check"):
            return self.check_current(*args, **options)
        options["locale"] = options.get("locale") or ["zh_Hans"]
        options["ignore_patterns"] = list(options.get("ignore_patterns") or []) + [
            ".venv/*",
            "var/*",
            "node_modules/*",
            "static/vendor/*",
            "tests/*",
            "docs/*",
        ]
        options["no_obsolete"] = True
        options["no_location"] = options.get("no_location") or False
        options["add_location"] = "file"
        for app in self.only_apps:
            os.makedirs(self.locale_dirs[app], exist_ok=True)
        os.chdir(BASE)
        return super().handle(*args, **options)

    def find_files(self, root):
        files = super().find_files(root)
        known = catalogues()
        kept = []
        for f in files:
            app = app_of(Path(f.path).resolve(), known)
            if app in self.only_apps:
                f.locale_dir = str(self.locale_dirs[app])
                kept.append(f)
        return kept

    def check_current(self, *args, **options):
        committed = {app: BASE / c.locale for app, c in catalogues().items()}
        missing = []
        with tempfile.TemporaryDirectory() as tmp:
            self.locale_dirs = {app: Path(tmp) / app for app in committed}
            options["verbosity"] = 0
            self.handle_extract(*args, **options)
            for app in sorted(self.only_apps):
                fresh = self.locale_dirs[app] / "zh_Hans" / "LC_MESSAGES" / "django.po"
                if not fresh.exists():
                    continue
                ours = committed[app] / "zh_Hans" / "LC_MESSAGES" / "django.po"
                known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ours))} if ours.exists() else set()
                for entry in polib.pofile(str(fresh)):
                    if (entry.msgctxt, entry.msgid) not in known:
                        missing.append(f"{app}: {entry.msgid!r}")
        if missing:
            raise CommandError("Strings missing from the catalogues:\n" + "\n".join(missing))
        self.stdout.write("Catalogues are current.")

    def handle_extract(self, *args, **options):
        options["locale"] = ["zh_Hans"]
        options["ignore_patterns"] = list(options.get("ignore_patterns") or []) + [
            ".venv/*",
            "var/*",
            "node_modules/*",
            "static/vendor/*",
            "tests/*",
            "docs/*",
        ]
        options["no_obsolete"] = True
        for app in self.only_apps:
            os.makedirs(self.locale_dirs[app], exist_ok=True)
        os.chdir(BASE)
        return super().handle(*args, **options)
