"""python manage.py export_scoresheet --township CODE|--all --year Y --out FILE"""

from django.core.management.base import BaseCommand, CommandError

from assessments.jobs import scoresheet_county_build, scoresheet_township_build
from assessments.models import Assessment
from renda.core.models import Township


class Command(BaseCommand):
    help = "Write the scoresheet workbook (the same as the page's download) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--township", help="township code")
        parser.add_argument(
            "--all", action="store_true", help="the county workbook (published and locked years)"
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="output .xlsx file")

    def handle(self, *args, **opts):
        if opts["all"] == bool(opts["township"]):
            raise CommandError("Give either --township CODE or --all.")
        if opts["all"]:
            _name, content = scoresheet_county_build(year=opts["year"])
            drafts = Assessment.objects.filter(year=opts["year"], state=Assessment.State.DRAFT).count()
            if drafts:
                self.stdout.write(f"{drafts} township(s) still in draft are not in the county workbook.")
        else:
            township = Township.objects.filter(code=opts["township"]).first()
            if township is None:
                raise CommandError(f"No township with code {opts['township']!r}.")
            assessment = (
                Assessment.objects.filter(township=township, year=opts["year"])
                .select_related("township")
                .first()
            )
            if assessment is None or assessment.computed_at is None:
                raise CommandError("No computed scores for that township and year; run compute_scores first.")
            _name, content = scoresheet_township_build(assessment=assessment)
        with open(opts["out"], "wb") as fh:
            fh.write(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {opts['out']} ({len(content)} bytes)."))
