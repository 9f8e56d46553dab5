"""Load a township's roster from .xlsx: `manage.py import_roster FILE --township CODE [--dry-run]`.

Prints each row's outcome. Exits 1 and writes nothing when any row has an error; --dry-run
never writes."""

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

    def handle(self, *args, **opts):
        township = Township.objects.filter(code=opts["township"]).first()
        if township is None:
            raise CommandError(f"No township with code {opts['township']!r}.")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = roster_import(township=township, content=path.read_bytes(), by=None, dry_run=opts["dry_run"])
        if result.file_error:
            self.stderr.write(f"{path.name}: {result.file_error}")
            raise SystemExit(1)
        for r in result.rows:
            detail = "; ".join(f"{c}：{m}" if c else m for c, m in r.errors) or "、".join(r.changes)
            line = f"row {r.row:>5}  {r.status:<9} {r.name}  {detail}".rstrip()
            self.stdout.write(self.style.ERROR(line) if r.status == ERROR else line)
        counts = result.counts
        summary = (
            f"{township.name}: {counts['new']} new, {counts['update']} update, "
            f"{counts['unchanged']} unchanged, {counts['error']} error"
        )
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
