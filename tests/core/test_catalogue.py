"""The zh_Hans catalogues are complete: every string translated, nothing fuzzy, nothing missing."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from renda.core.management.commands.compile_catalogues import catalogue_paths
from tests.conftest import require_service


def test_every_catalogue_entry_is_translated_and_not_fuzzy():
    problems = []
    paths = catalogue_paths()
    assert paths, "no catalogues found"
    for path in paths:
        for entry in polib.pofile(str(path)):
            where = f"{Path(path).relative_to(settings.BASE_DIR)}: {entry.msgid!r}"
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"fuzzy {where}")
            elif not entry.translated():
                problems.append(f"untranslated {where}")
    assert not problems, "\n".join(problems)


def test_every_source_string_is_in_a_catalogue():
    require_service(shutil.which("xgettext"), "GNU gettext (xgettext) not installed")

    call_command("messages", check=True)


def test_ui_language_is_chinese_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Log in") == "登录"


@pytest.mark.parametrize("path", catalogue_paths(), ids=lambda p: str(Path(p).parent.parent.parent.parent))
def test_compiled_catalogue_is_current(path):
    mo = Path(path).with_suffix(".mo")

    assert mo.exists() and mo.stat().st_mtime >= Path(path).stat().st_mtime, (
        f"{mo} is stale: run compile_catalogues"
    )
