"""Demo county: townships, terms and users for every role. Apps add their own records
in <app>/demo.py with a `seed(ctx)` function, called in dependency order by seed_demo."""

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from . import roles
from .models import County, Term, Township, User

DEMO_PASSWORD = "Renda@2026demo"  # noqa: S105 - documented demo password, printed by seed_demo

TOWNSHIP_NAMES = [
    ("红旗镇", "hongqi", Township.Kind.ZHEN),
    ("青山乡", "qingshan", Township.Kind.XIANG),
    ("城关街道", "chengguan", Township.Kind.JIEDAO),
    ("白马镇", "baima", Township.Kind.ZHEN),
    ("石桥镇", "shiqiao", Township.Kind.ZHEN),
    ("杨柳乡", "yangliu", Township.Kind.XIANG),
    ("金沙镇", "jinsha", Township.Kind.ZHEN),
    ("东湖街道", "donghu", Township.Kind.JIEDAO),
    ("长岭乡", "changling", Township.Kind.XIANG),
    ("临河镇", "linhe", Township.Kind.ZHEN),
]

SIZES = {
    # townships, deputies per township, years of records
    "small": (3, 40, 2),
    "county": (20, 80, 5),
    "city": (200, 80, 5),
}


@dataclass
class DemoContext:
    townships: list
    terms: dict  # township pk -> current Term
    years: list  # calendar years with records, oldest first
    deputies_per_township: int
    today: dt.date
    rng: random.Random
    users: dict = field(default_factory=dict)  # township pk -> {"secretary": user, "chair": user}
    county_users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)  # (username, role label, township name)
    log: callable = print


def township_specs(count):
    specs = []
    for i in range(count):
        name, code, kind = TOWNSHIP_NAMES[i % len(TOWNSHIP_NAMES)]
        if i >= len(TOWNSHIP_NAMES):
            n = i // len(TOWNSHIP_NAMES) + 1
            name, code = (
                f"{name[:-1]}{n}{name[-1]}" if kind != Township.Kind.JIEDAO else f"{name[:-2]}{n}街道",
                f"{code}{n}",
            )
        specs.append((name, code, kind))
    return specs


def demo_password_hash():
    """The demo password hashed once: hashing is deliberately slow, and every demo user shares it."""
    global _password_hash
    if _password_hash is None:
        _password_hash = make_password(DEMO_PASSWORD)
    return _password_hash


_password_hash = None


def _user(username, *, role, township=None, full_name="", staff=False):
    user = User(
        username=username,
        township=township,
        full_name=full_name,
        is_staff=staff,
        password=demo_password_hash(),
    )
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def seed_core(*, townships, deputies, years, today, seed=2026, log=print):
    roles.roles_sync()
    rng = random.Random(seed)
    County.objects.get_or_create(defaults={"name": "无为县", "committee_name": "无为县人大常委会"})
    specs = township_specs(townships)
    objs = Township.objects.bulk_create(
        [Township(name=n, code=c, kind=k, display_order=i + 1) for i, (n, c, k) in enumerate(specs)]
    )
    term_start = dt.date(2021, 12, 28)
    term_end = dt.date(2026, 12, 27)
    prev_start = dt.date(2016, 12, 28)
    Term.objects.bulk_create(
        [
            Term(township=t, number=17, start_date=prev_start, end_date=term_start - dt.timedelta(days=1))
            for t in objs
        ]
        + [Term(township=t, number=18, start_date=term_start, end_date=term_end) for t in objs]
    )
    terms = {t.township_id: t for t in Term.objects.filter(number=18)}
    ctx = DemoContext(
        townships=objs,
        terms=terms,
        years=list(range(today.year - years + 1, today.year + 1)),
        deputies_per_township=deputies,
        today=today,
        rng=rng,
        log=log,
    )
    secretaries = ["王秀兰", "李红梅", "张丽", "刘芳", "陈静", "杨敏", "赵燕", "黄丽娟", "周萍", "吴霞"]
    chairs = [
        "陈国华",
        "刘建军",
        "孙志强",
        "马卫东",
        "朱永明",
        "胡海涛",
        "郭建平",
        "林德胜",
        "何文斌",
        "高志远",
    ]
    # Users for the first few townships only at large sizes: logins, not load, are the point.
    for i, t in enumerate(objs[:10]):
        sec = _user(f"{t.code}_mishu", role=roles.SECRETARY, township=t, full_name=secretaries[i % 10])
        chair = _user(f"{t.code}_zhuxi", role=roles.CHAIR, township=t, full_name=chairs[i % 10])
        ctx.users[t.pk] = {"secretary": sec, "chair": chair}
        ctx.logins.append((sec.username, roles.ROLE_LABELS[roles.SECRETARY], t.name))
        ctx.logins.append((chair.username, roles.ROLE_LABELS[roles.CHAIR], t.name))
    reviewer = _user("county_reviewer", role=roles.REVIEWER, full_name="徐明")
    admin = _user("county_admin", role=roles.ADMIN, full_name="系统管理员", staff=True)
    ctx.county_users = {"reviewer": reviewer, "admin": admin}
    ctx.logins.append((reviewer.username, roles.ROLE_LABELS[roles.REVIEWER], ""))
    ctx.logins.append((admin.username, roles.ROLE_LABELS[roles.ADMIN], ""))
    return ctx


# --- fast inserts for the large scales ---------------------------------------------------


def plain_row(model, **values):
    """A plain row (attribute access like a model instance) with the model's field defaults:
    building thousands of model instances is the slow part of seeding at city scale."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = {
            f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
        }
    return SimpleNamespace(**{**defaults, **values})


_DEFAULTS = {}


def rows_insert(model, objs, batch=2000):
    """Insert many plain rows fast: bulk_create's per-object preparation, and on PostgreSQL the
    parsing of INSERT statements, are the cost at city scale. PostgreSQL gets one COPY."""
    if not objs:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    converters = []
    for f in fields:
        if isinstance(f, models.DateTimeField) and not f.null:  # created_at, updated_at, at
            converters.append((f.attname, lambda v: connection.ops.adapt_datetimefield_value(v or now)))
        elif isinstance(f, models.DateTimeField):  # undone_at, computed_at: empty stays empty
            converters.append(
                (f.attname, lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v))
            )
        elif isinstance(f, models.FileField):
            converters.append((f.attname, lambda v: str(v or "")))
        else:
            converters.append((f.attname, None))
    rows = []
    for obj in objs:
        row = []
        for attname, conv in converters:
            value = getattr(obj, attname)
            if hasattr(value, "_proxy____cast"):
                value = str(value)
            row.append(conv(value) if conv else value)
        rows.append(row)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow(_NULL if v is None else v for v in row)
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')",
                buffer,  # noqa: S608
            )
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for i in range(0, len(rows), batch):
                cursor.executemany(sql, rows[i : i + batch])


_NULL = "\\N"  # COPY's NULL marker; no demo text contains it
