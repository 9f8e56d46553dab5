"""Compile every .po catalogue to .mo with polib, so a machine needs no GNU gettext to run."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_paths():
    base = Path(settings.BASE_DIR)
    return sorted(
        p
        for p in base.glob("**/locale/*/LC_MESSAGES/*.po")
        if ".venv" not in p.parts and "var" not in p.parts
    )


class Command(BaseCommand):
    help = "Compile locale .po files to .mo (pure Python)."

    def handle(self, *args, **options):
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
