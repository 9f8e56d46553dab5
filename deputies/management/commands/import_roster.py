"""Load a township's roster: `manage.py import_roster FILE --township CODE [--dry-run] [--create-groups]
[--elected-on YYYY-MM-DD]`.

Prints each row's outcome. Exits 1 and writes nothing when any row has an error; --dry-run
never writes."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.importing import ERROR, roster_import
from renda.core.models import Township
from renda.core.services import audit_record


class Command(BaseCommand):
    help = "Import a township's deputy roster from an .xlsx workbook (the same checks as the web import)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--township", required=True, help="township code")
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
        township = Township.objects.filter(code=opts["township"]).first()
        if township is None:
            raise CommandError(f"No township with code {opts['township']!r}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = roster_import(
            township=township,
            content=path.read_bytes(),
            by=None,
            dry_run=opts["dry_run"],
            elected_on=opts["elected_on"],
            create_groups=opts["create_groups"],
        )
        if result.file_error:
            self.stderr.write(f"{path.name}: {result.file_error}")
            raise SystemExit(1)
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
        counts = result.counts
        summary = (
            f"{township.name}: {counts['new']} new, {counts['update']} update, "
            f"{counts['unchanged']} unchanged, {counts['error']} error"
        )
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
        if opts["dry_run"]:
            self.stdout.write(summary + " — dry run, nothing written.")
            return
        audit_record(
            user=None,
            action="deputies_roster_import",
            detail=f"import_roster {path.name}",
            township=township,
            row_count=len(result.rows),
        )
        self.stdout.write(self.style.SUCCESS(summary + " — imported."))
