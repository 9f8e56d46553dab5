"""`manage.py bench` (make bench): county and city scale timings beside baselines. See docs/performance.md."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Build county and city scale with seed_demo and time pages, scoring, documents and imports."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="county,city", help="comma-separated: small, county, city")
        parser.add_argument("--runs", type=int, default=5, help="runs per page (the median is shown)")

    def handle(self, *args, **opts):
        from renda.bench import run

        run(scales=[s.strip() for s in opts["scales"].split(",") if s.strip()], runs=opts["runs"],
            out=lambda msg: self.stdout.write(msg))
