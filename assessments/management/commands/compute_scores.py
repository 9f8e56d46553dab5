"""python manage.py compute_scores --township CODE|--all --year Y"""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.services import assessments_compute
from renda.core.models import Township


def townships_from_options(opts):
    if opts["all"] == bool(opts["township"]):
        raise CommandError("Give either --township CODE or --all.")
    if opts["all"]:
        return list(Township.objects.filter(is_active=True).order_by("display_order", "code"))
    township = Township.objects.filter(code=opts["township"]).first()
    if township is None:
        raise CommandError(f"No township with code {opts['township']!r}.")
    return [township]


class Command(BaseCommand):
    help = "Compute (or recompute a draft of) the year-end assessment and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--township", help="township code")
        parser.add_argument("--all", action="store_true", help="every active township")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **opts):
        townships = townships_from_options(opts)
        started = time.monotonic()
        outcome = assessments_compute(townships=townships, year=opts["year"])
        elapsed = time.monotonic() - started
        self.stdout.write(f"{'township':<16}{'deputies':>9}{'average':>9}{'dormant':>9}  state")
        rows = sorted(
            outcome["computed"] + outcome["skipped"],
            key=lambda a: (a.township.display_order, a.township.code),
        )
        skipped = {a.pk for a in outcome["skipped"]}
        for a in rows:
            note = "not recomputed (not a draft)" if a.pk in skipped else "computed"
            self.stdout.write(
                f"{a.township.code:<16}{a.deputy_count:>9}{a.average:>9}{a.dormant_count:>9}  {a.state}, {note}"
            )
        total = sum(a.deputy_count for a in outcome["computed"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(outcome['computed'])} township(s) computed, {total} deputies, "
                f"{len(outcome['skipped'])} skipped, in {elapsed:.1f}s."
            )
        )
