"""Load a township's roster: `manage.py import_roster FILE --township CODE --by USERNAME [--dry-run]
[--create-groups] [--elected-on YYYY-MM-DD]`.

Prints each row's outcome. Exits 1 and writes nothing when any row has an error; --dry-run
never writes. `--by` names the user who imports (recorded in the history and the audit log):
the same check as the web import, so only that township's staff may write its roster."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from deputies.importing import ERROR, roster_import
from renda.core.exceptions import ApplicationError
from renda.core.models import Township
from renda.core.services import audit_record


class Command(BaseCommand):
    help = "Import a township's deputy roster from an .xlsx workbook (the same checks as the web import)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--township", required=True, help="township code")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the township staff member who imports (required unless --dry-run)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and print, never write")
        parser.add_argument(
            "--create-groups",
            action="store_true",
            help="create the deputy groups the file names that do not exist",
        )
        parser.add_argument(
            "--elected-on",
            type=dt.date.fromisoformat,
            help="YYYY-MM-DD: start of new mandates for rows without a 当选日期 (asked when the file has none)",
        )

    def handle(self, *args, **opts):
        with translation.override("zh-hans"):
            self._handle(**opts)

    def _user(self, username):
        if not username:
            raise CommandError(_("Give --by USERNAME: the township staff member who imports."))
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(username)s.") % {"username": username})
        return user

    def _handle(self, **opts):
        township = Township.objects.filter(code=opts["township"]).first()
        if township is None:
            raise CommandError(f"No township with code {opts['township']!r}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = self._user(opts["by"]) if opts["by"] or not opts["dry_run"] else None
        try:
            result = roster_import(
                township=township,
                content=path.read_bytes(),
                by=by,
                dry_run=opts["dry_run"],
                elected_on=opts["elected_on"],
                create_groups=opts["create_groups"],
            )
        except ApplicationError as exc:
            raise CommandError(
                _("%(user)s: the roster of %(township)s was not imported: %(reason)s Nothing was written.")
                % {"user": by.username if by else "-", "township": township.name, "reason": exc.message}
            ) from None
        if result.file_error:
            self.stderr.write(f"{path.name}: {result.file_error}")
            raise SystemExit(1)
        self._report(result)
        counts = result.counts
        summary = (
            f"{township.name}: {counts['new']} new, {counts['update']} update, "
            f"{counts['unchanged']} unchanged, {counts['error']} error"
        )
        self._refuse_unless_ok(result, summary)
        if opts["dry_run"]:
            self.stdout.write(summary + " — dry run, nothing written.")
            return
        audit_record(
            by=by,
            action="deputies_roster_import",
            detail=f"import_roster {path.name}",
            township=township,
            row_count=len(result.rows),
        )
        self.stdout.write(self.style.SUCCESS(summary + " — imported."))

    def _report(self, result):
        """What the web preview shows: how the sheet was read, then each row's outcome."""
        self.stdout.write(
            f"sheet {result.sheet!r}, column titles on rows {result.header_rows[0]}-{result.header_rows[1]}"
        )
        for letter, header, n in result.unused:
            self.stdout.write(
                f"column {letter} {header or '(no title)'!r} not imported ({n} cells with a value)"
            )
        for number, reason, text in result.skipped:
            self.stdout.write(f"row {number:>5}  skipped ({reason}) {text}")
        for header, seen in result.readings.items():
            self.stdout.write(f"{header}: " + "; ".join(f"{a} → {b}" for a, b in seen.items()))
        for r in result.rows:
            detail = "; ".join(f"{c}：{m}" if c else m for c, m in r.errors) or "、".join(r.changes)
            line = f"row {r.row:>5}  {r.status:<9} {r.name}  {detail}".rstrip()
            self.stdout.write(self.style.ERROR(line) if r.status == ERROR else line)

    def _refuse_unless_ok(self, result, summary):
        """Say what is missing (groups, election dates); exit 1 when anything stops the import."""
        if result.missing_groups and not result.create_groups:
            self.stderr.write(
                "groups not in the current term: "
                + "、".join(result.missing_groups)
                + " (use --create-groups)"
            )
        if result.needs_elected_on:
            self.stderr.write("the file has no 当选日期 for new mandates: give --elected-on YYYY-MM-DD")
        if not result.ok:
            self.stderr.write(summary + " — nothing written.")
            raise SystemExit(1)
