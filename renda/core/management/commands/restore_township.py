"""Load a township exported by `backup_township`: `manage.py restore_township FILE [--code NEW]`.

Everything is written in one transaction: new primary keys, every foreign key and
many-to-many link remapped to them, the change history kept with its original dates,
users matched by username (created when missing, with their password hashes and roles),
uploaded files written back to the media storage. A township with the same code or name
must not exist yet. Restoring into an empty database rebuilds the township exactly.
"""

import base64
import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from renda.core import hooks

from .backup_township import FORMAT, VERSION, historical_model, label, township_models


class RestoreError(Exception):
    pass


@contextlib.contextmanager
def _timestamps_kept(model_list):
    """Keep created_at/updated_at from the file: switch auto_now off while inserting."""
    saved = []
    for model in model_list:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _restore_users(data, township):
    from renda.core.models import User

    mapping = {}
    groups = {g.name: g for g in Group.objects.all()}
    for u in data["users"]:
        user = User.objects.filter(username=u["username"]).first()
        if user is None:
            user = User.objects.create(
                username=u["username"],
                password=u["password"],
                full_name=u["full_name"],
                first_name=u["first_name"],
                last_name=u["last_name"],
                email=u["email"],
                is_active=u["is_active"],
                is_staff=u["is_staff"],
                is_superuser=u["is_superuser"],
                township=township if u["own_township"] else None,
            )
            user.groups.add(*[groups[name] for name in u["groups"] if name in groups])
        elif u["own_township"] and user.township_id != township.pk:
            raise RestoreError(
                f"User {u['username']!r} already exists in another township; rename one of them first."
            )
        mapping[u["pk"]] = user.pk
    return mapping


def _restore_files(data):
    renamed = {}
    for name, encoded in data.get("files", {}).items():
        saved = default_storage.save(name, ContentFile(base64.b64decode(encoded)))
        if saved != name:
            renamed[name] = saved
    return renamed


@dataclass
class _Remap:
    """What the restore has learnt so far: old primary key → new, per model; renamed files; and
    the links it can only write once their rows exist."""

    maps: dict
    renamed: dict
    in_file: set
    # (model, obj, field, old value): keys to rows inserted later
    deferred: list = field(default_factory=list)
    # (model, m2m field, new source obj, [old target pks])
    m2m_rows: list = field(default_factory=list)


def township_restore(*, data, code=None) -> dict:
    """Write a backup into this database; returns the number of rows restored per model."""
    from renda.core.models import Township, User

    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise RestoreError("Not a township backup file of a version this program reads.")
    order = township_models()
    hist_models = [h for h in (historical_model(m) for m in order) if h is not None]
    counts = defaultdict(int)
    with transaction.atomic(), _timestamps_kept([Township, *order, *hist_models]):
        township = _township_create(data, code)
        maps = {Township: {data["township"]["pk"]: township.pk}}
        maps[User] = _restore_users(data, township)
        remap = _Remap(maps=maps, renamed=_restore_files(data), in_file=set(order))
        for model in order:
            counts[label(model)] = _rows_restore(model, data["models"].get(label(model), []), remap)
        _deferred_keys_fill(remap)
        _m2m_restore(remap)
        for model in order:
            hist = historical_model(model)
            rows = data["history"].get(label(model), [])
            if hist is None or not rows:
                continue
            counts[f"{label(model)} (history)"] = _history_restore(model, hist, rows, remap)
        # rows derived from the records (left out of the backup) are computed again
        hooks.collect("township_restored", township=township)
    counts["township"] = township.pk
    return dict(counts)


def _township_create(data, code):
    from renda.core.models import Township

    fields = dict(data["township"]["fields"])
    fields["code"] = code or fields["code"]
    if Township.objects.filter(models.Q(code=fields["code"]) | models.Q(name=fields["name"])).exists():
        raise RestoreError(
            f"A township with code {fields['code']!r} or name {fields['name']!r} already exists."
        )
    return Township.objects.create(**fields)


def _rows_restore(model, rows, remap) -> int:
    """Insert the model's rows with new primary keys and their keys remapped; returns how many."""
    objs, olds = [], []
    for item in serializers.deserialize("python", rows, ignorenonexistent=True):
        obj = item.object
        _fields_remap(model, obj, remap)
        olds.append(obj.pk)
        obj.pk = None
        objs.append(obj)
        for name, targets in (item.m2m_data or {}).items():
            remap.m2m_rows.append((model, model._meta.get_field(name), obj, targets))
    model._default_manager.bulk_create(objs, batch_size=500)
    remap.maps[model] = {old: obj.pk for old, obj in zip(olds, objs)}
    return len(objs)


def _fields_remap(model, obj, remap):
    """Point the row's foreign keys at the restored rows (or defer them: a row not inserted yet,
    or one of the same table) and its files at their names in the storage."""
    maps = remap.maps
    for f in model._meta.concrete_fields:
        if f.is_relation:
            old = getattr(obj, f.attname)
            if old is None:
                continue
            target = f.related_model
            if target in maps and old in maps[target]:
                setattr(obj, f.attname, maps[target][old])
            elif target in remap.in_file and target not in maps or target is model:
                if not f.null:
                    raise RestoreError(f"{label(model)}.{f.name} refers to a row not restored yet.")
                setattr(obj, f.attname, None)
                remap.deferred.append((model, obj, f, old))
            elif target in maps:
                if not f.null:
                    raise RestoreError(f"{label(model)}.{f.name}={old} refers to a missing row.")
                setattr(obj, f.attname, None)
        elif isinstance(f, models.FileField):
            value = getattr(obj, f.attname)
            if value and value.name in remap.renamed:
                setattr(obj, f.attname, remap.renamed[value.name])


def _deferred_keys_fill(remap):
    by_field = defaultdict(list)
    for model, obj, f, old in remap.deferred:
        setattr(obj, f.attname, remap.maps[f.related_model].get(old))
        by_field[(model, f.name)].append(obj)
    for (model, fname), objs in by_field.items():
        model._default_manager.bulk_update(objs, [fname], batch_size=500)


def _m2m_restore(remap):
    through_rows = defaultdict(list)
    for _model, f, obj, targets in remap.m2m_rows:
        through = f.remote_field.through
        src, dst = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
        tmap = remap.maps.get(f.related_model)
        for t in targets:
            through_rows[through].append(through(**{src: obj.pk, dst: tmap.get(t, t) if tmap else t}))
    for through, rows in through_rows.items():
        through.objects.bulk_create(rows, batch_size=1000)


def _history_restore(model, hist, rows, remap) -> int:
    """The model's change history with its original dates, its keys remapped (a user not restored
    becomes None); returns how many rows."""
    from renda.core.models import User

    maps = remap.maps
    pk_name = model._meta.pk.attname
    objs = []
    for row in rows:
        values = {}
        for f in hist._meta.concrete_fields:
            if f.attname not in row or f.attname == "history_id":
                continue
            value = row[f.attname]
            if value is not None and f.is_relation:
                target_map = maps.get(f.related_model)
                if target_map is not None:
                    value = target_map.get(value, None if f.related_model is User else value)
            elif value is not None and f.attname == pk_name:
                value = maps[model].get(value, value)
            elif value is not None and isinstance(f, models.FileField):
                value = remap.renamed.get(value, value)
            elif value is not None and not isinstance(f, models.JSONField):
                value = f.to_python(value)
            values[f.attname] = value
        objs.append(hist(**values))
    hist.objects.bulk_create(objs, batch_size=500)
    return len(objs)


class Command(BaseCommand):
    help = "Load a township exported by backup_township into this database (one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--code", help="restore under another township code")

    def handle(self, *args, **opts):
        from renda.core.models import Township
        from renda.core.services import audit_record_system

        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path.name} is not a JSON backup: {exc}") from exc
        try:
            counts = township_restore(data=data, code=opts.get("code"))
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        township = Township.objects.get(pk=counts.pop("township"))
        audit_record_system(
            action="township_restore",
            detail=f"restore_township {path.name}",
            township=township,
            row_count=sum(counts.values()),
        )
        for name, n in sorted(counts.items()):
            self.stdout.write(f"  {name:<45} {n:>8}")
        self.stdout.write(
            self.style.SUCCESS(f"{township.name} ({township.code}) restored: {sum(counts.values())} rows.")
        )
