"""Export one township's data to a JSON file: `manage.py backup_township --township CODE --out FILE`.

The file holds every domain row of the township (every model with a `township` foreign key:
terms and all TownshipScopedModel subclasses, their many-to-many links and their change
history), the township's users, the users its rows refer to, and the uploaded files (base64).
It is generic over the models, so it keeps working as the apps add models.
`restore_township FILE` loads it into another installation (new primary keys, links remapped).
The whole county is backed up with pg_dump instead: see docs/backup.md.
"""

import base64
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

FORMAT = "renda-township-backup"
VERSION = 1
# Rows that are not township data: generated files are transient, audit events are county-wide.
EXCLUDED = {"core.documentjob", "core.auditevent", "core.user"}


class BackupEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes keep their microseconds (the history is ordered by them)."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def label(model):
    return model._meta.label_lower


def is_historical(model):
    return hasattr(model, "instance_type") and model.__name__.startswith("Historical")


def township_models():
    """Concrete models with a `township` foreign key, in an order that inserts targets first."""
    from renda.core.models import Township

    found = []
    for model in apps.get_models():
        if model._meta.proxy or model._meta.auto_created or is_historical(model) or label(model) in EXCLUDED:
            continue
        if getattr(model, "derived", False):  # figures kept from the records: rebuilt on restore
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "township"), None)
        if field is not None and field.is_relation and field.related_model is Township:
            found.append(model)
    return _dependency_order(found)


def _dependency_order(found):
    """Topological order over foreign keys between the found models (cycles broken arbitrarily;
    the restore defers any key whose target is not inserted yet)."""
    included = set(found)
    deps = {
        m: {f.related_model for f in m._meta.concrete_fields if f.is_relation and f.related_model in included}
        - {m}
        for m in found
    }
    ordered, done = [], set()
    remaining = sorted(found, key=label)
    while remaining:
        ready = [m for m in remaining if deps[m] <= done] or remaining[:1]
        for m in ready:
            ordered.append(m)
            done.add(m)
            remaining.remove(m)
    return ordered


def historical_model(model):
    history = getattr(model, "history", None)
    manager_model = getattr(history, "model", None)
    return manager_model if manager_model is not None and is_historical(manager_model) else None


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def township_backup(*, township) -> dict:
    """Everything of one township as JSON-ready data."""
    from renda.core.models import User

    data = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "township": serializers.serialize("python", [township])[0],
        "models": {},
        "history": {},
        "users": [],
        "files": {},
    }
    user_ids = set(User.objects.filter(township=township).values_list("pk", flat=True))
    for model in township_models():
        qs = model._base_manager.filter(township=township).order_by("pk")
        rows = serializers.serialize("python", qs)
        data["models"][label(model)] = rows
        user_fields = [
            f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is User
        ]
        for row in rows:
            user_ids.update(row["fields"][f] for f in user_fields if row["fields"].get(f))
        for f in _file_fields(model):
            for row in rows:
                name = row["fields"].get(f.name)
                if name and name not in data["files"] and f.storage.exists(name):
                    with f.storage.open(name, "rb") as fh:
                        data["files"][name] = base64.b64encode(fh.read()).decode("ascii")
        hist = historical_model(model)
        if hist is not None:
            hrows = list(hist.objects.filter(township=township).order_by("history_id").values())
            data["history"][label(model)] = hrows
            user_ids.update(r["history_user_id"] for r in hrows if r.get("history_user_id"))
    for user in User.objects.filter(pk__in=user_ids).select_related("township").prefetch_related("groups"):
        data["users"].append(
            {
                "pk": user.pk,
                "username": user.username,
                "password": user.password,
                "full_name": user.full_name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "own_township": user.township_id == township.pk,
                "groups": sorted(g.name for g in user.groups.all()),
            }
        )
    return data


def backup_counts(data) -> dict:
    counts = defaultdict(int)
    for name, rows in data["models"].items():
        counts[name] = len(rows)
    for name, rows in data["history"].items():
        counts[f"{name} (history)"] = len(rows)
    return dict(counts)


class Command(BaseCommand):
    help = "Export one township's data (every domain model, history, users, files) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="township code")
        parser.add_argument("--out", required=True, help="the JSON file to write")

    def handle(self, *args, **opts):
        from renda.core.models import Township
        from renda.core.services import audit_record_system

        township = Township.objects.filter(code=opts["township"]).first()
        if township is None:
            raise CommandError(f"No township with code {opts['township']!r}.")
        data = township_backup(township=township)
        out = Path(opts["out"])
        out.write_text(json.dumps(data, cls=BackupEncoder, ensure_ascii=False), encoding="utf-8")
        counts = backup_counts(data)
        audit_record_system(
            action="township_backup",
            detail=f"backup_township {out.name}",
            township=township,
            row_count=sum(counts.values()),
        )
        for name, n in sorted(counts.items()):
            self.stdout.write(f"  {name:<45} {n:>8}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{township.name} ({township.code}): {sum(counts.values())} rows, {len(data['users'])} users, "
                f"{len(data['files'])} files written to {out}"
            )
        )
