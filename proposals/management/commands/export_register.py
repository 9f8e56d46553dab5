"""Write the formatted register (.xlsx) of one township or all townships for a year."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proposals.jobs import register_export, register_title
from proposals.models import Proposal
from proposals.selectors import proposal_filter
from renda.core.models import Township
from renda.core.services import audit_record_system


class Command(BaseCommand):
    help = "Export the register of motions and suggestions (.xlsx), the same file as the register page."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--township", help="township code")
        who.add_argument("--all", action="store_true", help="every township")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="output .xlsx file")

    def handle(self, *args, **opts):
        township = None
        qs = Proposal.objects.all()
        if opts["township"]:
            township = Township.objects.filter(code=opts["township"]).first()
            if township is None:
                raise CommandError(f"No township with code {opts['township']!r}.")
            qs = qs.filter(township=township)
        qs = proposal_filter(qs=qs, filters={"year": opts["year"]})
        count, content = register_export(qs=qs, title=register_title(township=township, year=opts["year"]))
        out = Path(opts["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        audit_record_system(
            action="export_register",
            detail=f"{opts['township'] or 'all'} {opts['year']} -> {out.name}",
            township=township,
            row_count=count,
        )
        self.stdout.write(self.style.SUCCESS(f"{count} proposals written to {out}"))
