from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from renda.dashboard.jobs import work_report_build

from ._common import township_by_code, valid_year


class Command(BaseCommand):
    help = "Write a township's year-end work report (.docx), the same document as the web page builds."

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="township code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="output .docx file")

    def handle(self, *args, township, year, out, **options):
        township = township_by_code(township)
        with translation.override("zh-hans"):
            _name, content = work_report_build(township=township, year=valid_year(year))
        Path(out).write_bytes(content)
        self.stdout.write(f"{out}: {len(content)} bytes")
