"""`manage.py bench` (make bench): county and city scale timings beside baselines. See docs/performance.md."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Build county and city scale with seed_demo and time pages, scoring, documents and imports."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="county,city", help="comma-separated: small, county, city")
        parser.add_argument("--runs", type=int, default=5, help="runs per page (the median is shown)")
        parser.add_argument("--load", default="county", help="scale to run the load test at ('' for none)")
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)

    def handle(self, *args, **opts):
        from renda.bench import run

        run(
            scales=[s.strip() for s in opts["scales"].split(",") if s.strip()],
            runs=opts["runs"],
            out=lambda msg: self.stdout.write(msg),
            load_scale=opts["load"] or None,
            load_clients=opts["clients"],
            load_seconds=opts["seconds"],
        )
