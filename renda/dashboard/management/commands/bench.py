"""`manage.py bench` (make bench): county and city scale timings beside baselines. See docs/performance.md."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build county and city scale with seed_demo and time pages, scoring, documents and imports."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="county,city", help="comma-separated: small, county, city")
        parser.add_argument("--runs", type=int, default=5, help="runs per page (the median is shown)")
        parser.add_argument("--load", default="county", help="scale to run the load test at ('' for none)")
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument(
            "--only",
            default="",
            help="comma-separated parts to measure: pages, scoring, documents, import (default: all)",
        )
        parser.add_argument(
            "--documents",
            default="",
            help="comma-separated: only the documents whose label contains one of these (e.g. dashboard_xlsx)",
        )
        parser.add_argument(
            "--doc-runs",
            type=int,
            default=1,
            help="time each document and its baseline this many times, alternately (medians, ratio range)",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep the seeded renda_bench_<scale> database for the next --reuse run (needs DATABASE_URL "
            "of a cluster that outlives the run; make bench's throwaway cluster does not)",
        )

    def handle(self, *args, **opts):
        from renda.bench import run
        from renda.bench.runner import PARTS

        only = tuple(p.strip() for p in opts["only"].split(",") if p.strip()) or PARTS
        unknown = set(only) - set(PARTS)
        if unknown:
            raise CommandError(
                f"--only: unknown part(s) {', '.join(sorted(unknown))}; known: {', '.join(PARTS)}"
            )
        run(
            scales=[s.strip() for s in opts["scales"].split(",") if s.strip()],
            runs=opts["runs"],
            out=lambda msg: self.stdout.write(msg),
            load_scale=opts["load"] or None,
            load_clients=opts["clients"],
            load_seconds=opts["seconds"],
            only=only,
            reuse=opts["reuse"],
            documents=[d.strip() for d in opts["documents"].split(",") if d.strip()] or None,
            doc_runs=max(1, opts["doc_runs"]),
        )
