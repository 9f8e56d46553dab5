from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from renda.core.models import Township
from renda.dashboard.documents import zip_write
from renda.dashboard.jobs import year_bundle_iter

from ._common import township_by_code, valid_year


class Command(BaseCommand):
    help = (
        "Write the year-end bundle (.zip: work report, scoresheet, proposal register, roster, deputy "
        "archives) of one township or of all townships."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--township", help="township code")
        who.add_argument("--all", action="store_true", help="every active township")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="output .zip file")

    def handle(self, *args, township=None, all=False, year, out, **options):
        valid_year(year)
        townships = (
            list(Township.objects.filter(is_active=True).order_by("display_order", "code"))
            if all
            else [township_by_code(township)]
        )
        # Other apps' builders take the requesting user (masking of phone and ID numbers): the
        # command acts as the county administrator, like a year-end export by the admin.
        admin = (
            get_user_model().objects.filter(is_superuser=True).first()
            or get_user_model().objects.filter(groups__name="county_admin").first()
        )
        if admin is None:
            raise CommandError("No administrator account: create one first (createsuperuser).")
        with translation.override("zh-hans"):
            files = year_bundle_iter(
                townships=townships,
                year=year,
                requested_by=admin,
                progress=lambda p: self.stdout.write(f"{p}%", ending="\r"),
            )
            with Path(out).open("wb") as target:
                zip_write(files, target)
        self.stdout.write(f"{out}: {Path(out).stat().st_size} bytes")
