"""Build a realistic demo county. `--size county|city` builds the benchmark scales."""

import importlib
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renda.core.demo import DEMO_PASSWORD, SIZES, seed_core
from renda.core.installed_apps import demo_modules
from renda.core.models import Township


class Command(BaseCommand):
    help = "Create a demo county with users for every role (refuses a non-empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--townships", type=int, help="override the number of townships")
        parser.add_argument("--deputies", type=int, help="override deputies per township")
        parser.add_argument("--years", type=int, help="override years of records")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if data exists")

    def handle(self, *args, **opts):
        if Township.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Database already has data; demo not loaded.")
                self.print_logins()
                return
            raise CommandError("The database already has townships; seed_demo needs an empty one.")
        townships, deputies, years = SIZES[opts["size"]]
        townships = opts["townships"] or townships
        deputies = opts["deputies"] or deputies
        years = opts["years"] or years
        started = time.monotonic()
        ctx = seed_core(
            townships=townships,
            deputies=deputies,
            years=years,
            today=timezone.localdate(),
            log=lambda msg: self.stdout.write(msg),
        )
        # Each app's demo module (`demo_module` on its AppConfig) seeds after the apps it depends
        # on (`demo_order`).
        for name in demo_modules():
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            t0 = time.monotonic()
            module.seed(ctx)
            self.stdout.write(f"  {name}: {time.monotonic() - t0:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo county: {townships} townships, {deputies} deputies each, years "
                f"{ctx.years[0]}–{ctx.years[-1]} ({time.monotonic() - started:.0f}s)."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, township in ctx.logins:
            self.stdout.write(f"  {username:<22} {role} {township}")

    def print_logins(self):
        """On a restart (`make run` again), the logins of the demo county already loaded."""
        from renda.core import roles
        from renda.core.models import User

        users = (
            User.objects.filter(is_active=True, groups__name__in=roles.ROLE_PRIORITY)
            .select_related("township")
            .prefetch_related("groups")
            .order_by("township__display_order", "username")
            .distinct()
        )
        # a demo county names its users <code>_mishu …; show the first township's and the county's
        shown = [u for u in users if u.township_id is None or u.username.startswith(("hongqi_", "qingshan_"))]
        if not shown:
            return
        self.stdout.write(f"Demo logins (password for all, unless changed: {DEMO_PASSWORD}):")
        for u in shown[:12]:
            self.stdout.write(f"  {u.username:<22} {u.role_label} {u.township or ''}")
