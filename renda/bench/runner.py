"""The benchmark. Prints a table; asserts nothing. Features that do not exist are noted, not failed."""

import datetime as dt
import io
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from renda.core import records_cache
from renda.core.demo import SIZES


@dataclass
class Row:
    scale: str
    what: str
    ms: float | None = None
    queries: int | None = None
    peak_mb: float | None = None
    baseline: str = ""
    base_ms: float | None = None
    note: str = ""
    # Of `ms`, the time spent in the document builder itself (data in, bytes out), without the
    # selectors that read its data: what the bare-library baseline is compared with.
    build_ms: float | None = None

    def ratio(self):
        ours = self.ms if self.build_ms is None else self.build_ms
        if ours is None or not self.base_ms:
            return ""
        return f"{ours / self.base_ms:.1f}x"


def _median_ms(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _switch_database(name, reuse=False):
    """Point the default connection at a fresh PostgreSQL database (dropped and recreated).
    With `reuse`, a database of that name left by an earlier `--reuse` run is kept as it is;
    returns whether it was kept (then it is already migrated and seeded)."""
    connection.close()
    kept = False
    with connection._nodb_cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if reuse and exists:
            kept = True
        else:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
    for alias in connections:
        connections[alias].close()
    connection.settings_dict["NAME"] = name
    if kept:
        from django.db import DatabaseError

        try:
            from renda.core.models import User

            kept = User.objects.filter(username="county_reviewer").exists()
        except DatabaseError:  # a run interrupted before seeding: start again
            kept = False
        if not kept:
            return _switch_database(name, reuse=False)
    return kept


# Pages: (URL name, kwargs maker, admin changelist baseline (app_label, model) or None)
def _pages(ctx):
    first = ctx["first"]
    year = ctx["year"]
    t = ctx["township"]
    pages = [
        ("deputies:list", {}, ("deputies", "deputy")),
        ("deputies:groups", {}, ("deputies", "deputygroup")),
        ("deputies:stations", {}, ("deputies", "liaisonstation")),
        ("meetings:session_list", {}, ("meetings", "session")),
        ("meetings:meeting_list", {}, ("meetings", "presidiummeeting")),
        ("meetings:decision_list", {}, ("meetings", "decision")),
        ("meetings:activity_list", {}, ("meetings", "activity")),
        ("proposals:list", {}, ("proposals", "proposal")),
        ("proposals:units", {}, ("proposals", "handlingunit")),
        ("proposals:statistics", {}, None),
        ("deputies:structure", {}, None),
        ("meetings:index", {}, None),
        ("meetings:calendar", {}, None),
        ("assessments:township", {"pk": t.pk}, None),
        ("deputies:detail", {"pk": first("deputies.Deputy")}, None),
        ("deputies:group", {"pk": first("deputies.DeputyGroup")}, None),
        ("deputies:station", {"pk": first("deputies.LiaisonStation")}, None),
        ("meetings:session_detail", {"pk": first("meetings.Session")}, None),
        ("meetings:session_attendance", {"pk": first("meetings.Session")}, None),
        ("meetings:meeting_detail", {"pk": first("meetings.PresidiumMeeting")}, None),
        ("meetings:decision_detail", {"pk": first("meetings.Decision")}, None),
        ("meetings:activity_detail", {"pk": first("meetings.Activity")}, None),
        ("proposals:detail", {"pk": first("proposals.Proposal")}, None),
        ("home", {}, None),  # the workbench
        ("dashboard:year_end", {}, None),
    ]
    county_pages = [
        ("dashboard:index", {}, "raw"),
        ("assessments:county", {}, None),
        ("proposals:list", {}, ("proposals", "proposal")),
        ("proposals:statistics", {}, None),
        ("deputies:list", {}, ("deputies", "deputy")),
        ("deputies:structure", {}, None),
    ]
    return pages, county_pages, year


def _admin_url(app_label, model, township):
    from django.apps import apps
    from django.contrib import admin

    m = apps.get_model(app_label, model)
    if m not in admin.site._registry:
        return None
    url = reverse(f"admin:{app_label}_{model}_changelist")
    return f"{url}?township__id__exact={township.pk}" if township else url


def _measure_page(scale, label, client, url, runs, rows, admin_client=None, admin_url=None, raw=False):
    executed = []

    def record(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url)
    if response.status_code != 200:
        rows.append(Row(scale, label, note=f"HTTP {response.status_code}"))
        return
    row = Row(scale, label, queries=len(executed))
    if admin_url and admin_client is not None and admin_client.get(admin_url).status_code == 200:
        for cold in (False, True):
            rows.append(
                _against_changelist(
                    row if not cold else Row(scale, f"{label}, cold"),
                    client,
                    url,
                    admin_client,
                    admin_url,
                    runs,
                    cold,
                )
            )
        return
    row.ms = _median_ms(lambda: client.get(url), runs)
    if raw:
        aggregates = [
            (sql, params) for sql, params in executed if "COUNT(" in sql.upper() or "SUM(" in sql.upper()
        ]

        def run_sql():
            with connection.cursor() as cur:
                for sql, params in aggregates:
                    cur.execute(sql, params)
                    cur.fetchall()

        row.baseline = f"raw SQL of its {len(aggregates)} aggregate queries"
        row.base_ms = _median_ms(run_sql, runs)
    rows.append(row)
    # the page after any write: its records fragments and answers dropped before each request
    cold = Row(scale, f"{label}, cold", baseline=row.baseline, base_ms=row.base_ms)
    cold.ms = _median_ms(lambda: (records_cache.invalidate(), client.get(url)), runs)
    rows.append(cold)


def _against_changelist(row, client, url, admin_client, admin_url, runs, cold):
    """The page and its changelist alternately, request by request: a busy machine slows both
    alike, where timing all of one and then all of the other compares two moments. Warm: the
    page's records fragments are in the records cache (nothing written since the first view);
    cold: the cache is dropped before each request (the page's cost after any write)."""
    row.baseline = "admin changelist"
    ours, base = [], []
    for _i in range(runs):
        if cold:
            records_cache.invalidate()
        ours.append(_median_ms(lambda: client.get(url), 1))
        base.append(_median_ms(lambda: admin_client.get(admin_url), 1))
    row.ms, row.base_ms = statistics.median(ours), statistics.median(base)
    return row


def _document_params(kind, ctx):
    year = ctx["year"]
    first = ctx["first"]
    from django.apps import apps

    params = {
        "meeting_minutes": {"meeting_id": getattr(first("meetings.PresidiumMeeting"), "pk", None)},
        "assessment_scoresheet": {
            "assessment": getattr(
                apps.get_model("assessments", "Assessment")
                .objects.filter(township=ctx["township"], year=year)
                .first(),
                "pk",
                None,
            )
        },
        # the county workbook holds published assessments: the demo publishes the year before
        "assessment_county_scoresheet": {"year": year - 1},
        "proposals_register": {"filters": {}},
        "proposals_assignment": {"proposal_id": getattr(first("proposals.Proposal"), "pk", None)},
        "proposals_report": {"year": year, "township_id": ctx["township"].pk},
        "dashboard_work_report": {"year": year},
        "dashboard_deputy_archive": {"deputy": getattr(first("deputies.Deputy"), "pk", None), "year": year},
        "dashboard_xlsx": {"year": year},
        "dashboard_year_bundle": {"year": year},
        "townships_xlsx": {},
    }
    return params.get(kind, {"year": year})


def _baseline_for(content, filename):
    """Write the same cells (xlsx) or paragraphs (docx) with the bare library."""
    if filename.endswith(".xlsx"):
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]

        def write():
            out = openpyxl.Workbook(write_only=True)
            for title, rows in sheets:
                ws = out.create_sheet(title)
                for r in rows:
                    ws.append(r)
            out.save(io.BytesIO())

        return "bare openpyxl write-only, same cells", write
    if filename.endswith(".docx"):
        import docx

        source = docx.Document(io.BytesIO(content))
        paragraphs = [p.text for p in source.paragraphs]
        tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in source.tables]

        def write():
            d = docx.Document()
            for text in paragraphs:
                d.add_paragraph(text)
            for rows in tables:
                table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows) if rows else 1)
                for cells, values in zip(table.rows, rows):
                    for cell, text in zip(cells.cells, values):
                        cell.text = text
            d.save(io.BytesIO())

        return "bare python-docx, same paragraphs and tables", write
    return "", None


BUILDER_MODULES = (
    "deputies.documents",
    "meetings.documents",
    "proposals.documents",
    "assessments.documents",
    "renda.dashboard.documents",
    "renda.core.documents",
)


class BuilderClock:
    """Times the document builders (the public functions of the documents modules, which take
    their data ready-made and return the file) inside a job, apart from the selectors that read
    the data. The jobs look their builder up on the module when they run, so replacing the
    module attribute for the length of a `with` catches every call; a builder calling another
    is counted once, at the outermost call. A builder that takes its rows from a generator (the
    register) runs the generator's queries itself: their time is not the builder's and is taken
    off (the rows' Python assembly in the generator still counts)."""

    def __init__(self):
        self.ms = 0.0
        self._depth = 0
        self._saved = []
        self._sql = None

    def _time_sql(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if self._depth:
                self.ms -= (time.perf_counter() - t0) * 1000

    def _wrap(self, fn):
        def timed(*args, **kwargs):
            self._depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.ms += (time.perf_counter() - t0) * 1000

        return timed

    def __enter__(self):
        import importlib
        import inspect

        for name in BUILDER_MODULES:
            module = importlib.import_module(name)
            for attr, fn in inspect.getmembers(module, inspect.isfunction):
                if not attr.startswith("_") and fn.__module__ == name:
                    self._saved.append((module, attr, fn))
                    setattr(module, attr, self._wrap(fn))
        self._sql = connection.execute_wrapper(self._time_sql)
        self._sql.__enter__()
        return self

    def __exit__(self, *exc):
        self._sql.__exit__(*exc)
        for module, attr, fn in self._saved:
            setattr(module, attr, fn)
        self._saved.clear()


def _timed_and_traced(fn):
    """(result, ms, peak MB): timed in a plain run, peak memory in a second run under tracemalloc
    (tracing slows Python code several times over, so it must not be in the timed run)."""
    t0 = time.perf_counter()
    result = fn()
    ms = (time.perf_counter() - t0) * 1000
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    return result, ms, peak


def _measure_built(scale, label, build, rows, runs=1):
    """Time and peak memory of `build() -> (filename, bytes)`, beside the bare library's baseline.
    With runs > 1 the builder and the baseline are timed alternately that many times (a busy
    machine slows both alike); the medians are shown and the note gives the range of the ratios."""
    try:
        (filename, content), ms, peak = _timed_and_traced(build)
    except Exception as exc:  # a document that cannot be built is a finding, not a crash
        rows.append(Row(scale, f"document {label}", note=f"failed: {exc.__class__.__name__}: {exc}"[:120]))
        return

    def readable(content):
        if hasattr(content, "read"):  # a bundle spooled to a temporary file
            with content:
                content.seek(0)
                return content.read()
        return content

    content = readable(content)
    row = Row(scale, f"document {label} ({len(content) // 1024} KB)", ms=ms, peak_mb=peak)
    baseline, write = _baseline_for(content, filename)
    if write:
        row.baseline = baseline
        ours, builder, base = [], [], []
        for i in range(runs):
            if i:  # the first total time is the plain run above
                t0 = time.perf_counter()
                with BuilderClock() as clock:
                    readable(build()[1])
                ours.append((time.perf_counter() - t0) * 1000)
            else:
                with BuilderClock() as clock:
                    readable(build()[1])
                ours.append(ms)
            builder.append(clock.ms)
            t0 = time.perf_counter()
            write()
            base.append((time.perf_counter() - t0) * 1000)
        row.ms, row.base_ms = statistics.median(ours), statistics.median(base)
        row.build_ms = statistics.median(builder) if any(builder) else None
        if runs > 1:
            ratios = sorted(o / b for o, b in zip(builder if row.build_ms else ours, base))
            row.note = f"{runs} runs, ratio {ratios[0]:.1f}–{ratios[-1]:.1f}x"
    rows.append(row)


def _measure_documents(scale, ctx, rows, names=None, runs=1):
    """Every document kind; `names`: only the labels containing one of these strings."""
    from deputies import documents as roster_documents
    from deputies.exports import roster_export_data
    from renda.core.jobs import job_kinds
    from renda.core.models import DocumentJob

    def job_build(kind, handler, user, township, params):
        job = DocumentJob(
            kind=kind, title=str(handler.label), params=params, township=township, requested_by=user
        )
        return lambda: handler.run(job, lambda p: None)

    def measure(label, build):
        if not names or any(n in label for n in names):
            _measure_built(scale, label, build, rows, runs=runs)

    def roster_build(user, township):
        def build():
            data = roster_export_data(user=user, township=township, filters={})
            return f"{data.title}.xlsx", roster_documents.roster_workbook(data)

        return build

    measure("roster export (one township)", roster_build(ctx["secretary"], ctx["township"]))
    measure("roster export (county, all townships)", roster_build(ctx["reviewer"], None))
    kinds = job_kinds()
    for kind, handler in sorted(kinds.items()):
        if not handler.listed:  # not a document (the roster import's check)
            continue
        county_wide = kind in {"assessment_county_scoresheet", "dashboard_xlsx", "townships_xlsx"}
        user = ctx["reviewer"] if county_wide else ctx["secretary"]
        township = None if county_wide else ctx["township"]
        build = job_build(kind, handler, user, township, _document_params(kind, ctx))
        measure(kind, build)
    if "proposals_register" in kinds:  # the case: a county's year, asked for by the county
        build = job_build(
            "proposals_register",
            kinds["proposals_register"],
            ctx["reviewer"],
            None,
            {"filters": {"year": ctx["year"]}},
        )
        measure("proposals_register (county, one year)", build)


def _roster_workbook(n):
    import openpyxl

    from deputies.vocab import COLUMNS

    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([h for h, _k in COLUMNS])
    surnames, given = "王李张刘陈杨黄赵吴周", "明华强芳丽军国建秀英"
    for i in range(n):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 40 * 5)
        body = f"340225{birth:%Y%m%d}{(i % 40 + 1) * 2 + 1:03d}"
        idn = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
        ws.append(
            [
                surnames[i % 10] + given[i // 10 % 10] + given[i // 100 % 10],
                "男",
                "汉族",
                birth.strftime("%Y.%m"),
                "中共党员",
                "大学本科",
                "红星村党总支书记",
                f"第{i % 30 + 1}选区",
                "乡镇",
                "",
                "13855551234",
                idn,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import_leftover_remove(code):
    """Remove a bench township an earlier version of the bench committed (with its term)."""
    from renda.core.models import Term, Township

    for left in Township.objects.filter(code=code):
        Term.objects.filter(township=left).delete()
        left.delete()


def _import_target(code, scale):
    """A new township with its current term and its own secretary, who may import into it (the
    access policy refuses another township's staff). Made inside the caller's transaction, which
    rolls it back: a `--reuse` database keeps no bench township."""
    from django.contrib.auth.models import Group

    from renda.core import roles
    from renda.core.models import Term, Township, User

    township = Township.objects.create(name=f"基准测试镇{scale}", code=code, display_order=99999)
    Term.objects.create(
        township=township, number=18, start_date=dt.date(2021, 12, 28), end_date=dt.date(2026, 12, 27)
    )
    secretary = User.objects.create(username=f"{code}_mishu", township=township)
    secretary.groups.add(Group.objects.get(name=roles.SECRETARY))
    return township, secretary


def _measure_import(scale, ctx, rows, n=5000, runs=3):
    """Check and write `n` rows into a new township as its secretary, all rolled back; `runs`
    times alternately with the read-only read of the same file (medians), then once traced."""
    try:
        from deputies.importing import roster_import_apply, roster_import_read
    except ImportError:
        rows.append(Row(scale, f"roster import {n} rows", note="deputies.importing not available"))
        return
    content, code = _roster_workbook(n), f"bench-{scale}"[:20]
    _import_leftover_remove(code)
    with transaction.atomic():
        township, secretary = _import_target(code, scale)

        def check_and_write():
            result = roster_import_read(township=township, content=content, elected_on=dt.date(2021, 12, 28))
            if result.ok:
                with transaction.atomic():
                    roster_import_apply(township=township, result=result, by=secretary)
                    transaction.set_rollback(True)
            return result

        ours, base = [], []
        for _i in range(runs):
            ours.append(_median_ms(check_and_write, 1))
            base.append(_median_ms(lambda: _read_only(content), 1))
        result, _ms, peak = _timed_and_traced(check_and_write)
        transaction.set_rollback(True)
    rows.append(
        Row(
            scale,
            f"roster import {n} rows (check + write)",
            ms=statistics.median(ours),
            peak_mb=peak,
            baseline="openpyxl read-only read of the file",
            base_ms=statistics.median(base),
            note="" if result.ok else f"{result.counts.get('error', '?')} rows refused",
        )
    )


def _read_only(content):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    for _r in wb.active.iter_rows(values_only=True):
        pass


def _measure_scoring(scale, ctx, rows):
    try:
        from assessments.services import assessments_compute
    except ImportError:
        rows.append(Row(scale, "scoring a year", note="assessments.services not available"))
        return
    from renda.core.models import Township

    townships = list(Township.objects.filter(is_active=True).exclude(code__startswith="bench-"))
    with transaction.atomic():
        t0 = time.perf_counter()
        assessments_compute(townships=townships, year=ctx["year"])
        ms = (time.perf_counter() - t0) * 1000
        transaction.set_rollback(True)
    rows.append(Row(scale, f"scoring a year ({len(townships)} townships)", ms=ms))
    with transaction.atomic():
        t0 = time.perf_counter()
        assessments_compute(townships=[ctx["township"]], year=ctx["year"])
        ms = (time.perf_counter() - t0) * 1000
        transaction.set_rollback(True)
    rows.append(Row(scale, "scoring a year (one township)", ms=ms))
    # The scoresheets need computed scores: compute them for real (outside the timing).
    assessments_compute(townships=townships, year=ctx["year"])


PARTS = ("pages", "scoring", "documents", "import")


def bench_scale(scale, runs, out, only=PARTS, seeded=False, documents=None, doc_runs=1):
    from django.apps import apps

    from renda.core.models import Township, User

    rows = []
    townships, deputies, years = SIZES[scale]
    if seeded:
        out(f"{scale}: reusing the database seeded by an earlier --reuse run")
    else:
        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        migrate_s = time.monotonic() - t0
        t0 = time.monotonic()
        call_command("seed_demo", size=scale, stdout=io.StringIO())
        seed_s = time.monotonic() - t0
        # Bulk-loaded tables have no planner statistics until autovacuum gets to them; a database
        # in use has them. Without this the first minutes of figures measure bad plans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        out(
            f"{scale}: migrate {migrate_s:.0f}s, seed_demo --size {scale} ({townships} townships × "
            f"{deputies} deputies × {years} years) {seed_s:.0f}s"
        )
        rows.append(Row(scale, f"seed_demo --size {scale}", ms=seed_s * 1000))
    township = Township.objects.order_by("display_order").first()

    def first(label):
        return apps.get_model(label).objects.filter(township=township).order_by("pk").first()

    ctx = {
        "township": township,
        "year": dt.date.today().year,
        "first": first,
        "secretary": User.objects.get(username=f"{township.code}_mishu"),
        "reviewer": User.objects.get(username="county_reviewer"),
        "admin": User.objects.get(username="county_admin"),
    }
    sec, rev, adm = Client(), Client(), Client()
    sec.force_login(ctx["secretary"])
    rev.force_login(ctx["reviewer"])
    admin_user = ctx["admin"]
    if not admin_user.is_superuser:
        admin_user.is_superuser = True  # the changelist baseline needs every model's admin
        admin_user.save(update_fields=["is_superuser"])
    adm.force_login(admin_user)

    if "pages" in only:
        _measure_pages(scale, ctx, runs, rows, sec, rev, adm)
    if "scoring" in only:
        _measure_scoring(scale, ctx, rows)
    elif "documents" in only:
        _ensure_scores(ctx)
    if "documents" in only:
        _measure_documents(scale, ctx, rows, names=documents, runs=doc_runs)
    if "import" in only:
        _measure_import(scale, ctx, rows)
    return rows


def _ensure_scores(ctx):
    """The scoresheets need computed scores (the scoring part computes them when it runs)."""
    from assessments.services import assessments_compute
    from renda.core.models import Township

    townships = list(Township.objects.filter(is_active=True).exclude(code__startswith="bench-"))
    assessments_compute(townships=townships, year=ctx["year"])


def _measure_pages(scale, ctx, runs, rows, sec, rev, adm):
    township = ctx["township"]
    pages, county_pages, year = _pages(ctx)
    for name, kwargs, base in pages:
        if any(v is None for v in kwargs.values()):
            rows.append(Row(scale, f"page {name}", note="no record to show"))
            continue
        try:
            url = reverse(name, kwargs={k: getattr(v, "pk", v) for k, v in kwargs.items()})
        except NoReverseMatch:
            rows.append(Row(scale, f"page {name}", note="URL does not exist yet"))
            continue
        admin_url = _admin_url(*base, township) if isinstance(base, tuple) else None
        _measure_page(scale, f"page {name} (secretary)", sec, url, runs, rows, adm, admin_url)
    for name, kwargs, base in county_pages:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            rows.append(Row(scale, f"page {name}", note="URL does not exist yet"))
            continue
        admin_url = _admin_url(*base, None) if isinstance(base, tuple) else None
        _measure_page(
            scale,
            f"page {name} (county, all townships)",
            rev,
            url + f"?year={year}",
            runs,
            rows,
            adm,
            admin_url,
            raw=base == "raw",
        )


def format_table(rows):
    head = (
        "| scale | what | ours ms | builder ms | queries | peak MB | baseline | baseline ms | ratio | note |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r.scale} | {r.what} | {'' if r.ms is None else f'{r.ms:.0f}'} | "
            f"{'' if r.build_ms is None else f'{r.build_ms:.0f}'} | "
            f"{'' if r.queries is None else r.queries} | {'' if r.peak_mb is None else f'{r.peak_mb:.1f}'} | "
            f"{r.baseline} | {'' if r.base_ms is None else f'{r.base_ms:.0f}'} | {r.ratio()} | {r.note} |"
        )
    return "\n".join(lines)


def run(
    *,
    scales,
    runs,
    out=print,
    load_scale=None,
    load_clients=50,
    load_seconds=60,
    only=PARTS,
    reuse=False,
    documents=None,
    doc_runs=1,
):
    if connection.vendor != "postgresql":
        raise SystemExit("bench needs PostgreSQL (make bench starts a throwaway one).")
    import logging

    from django.test.utils import override_settings

    logging.getLogger("axes").setLevel(logging.WARNING)
    # Pages are rendered in-process: plain static storage, no collectstatic manifest needed; the
    # records cache as deployed (one process: its memory cache is shared).
    static = override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        RECORDS_CACHE=True,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    static.enable()
    all_rows = []
    started = time.monotonic()
    original = connection.settings_dict["NAME"]
    for scale in scales:
        seeded = _switch_database(f"renda_bench_{scale}", reuse=reuse)
        try:
            rows = bench_scale(
                scale, runs, out, only=only, seeded=seeded, documents=documents, doc_runs=doc_runs
            )
            all_rows += rows
            out(format_table(rows))
            if scale == load_scale:
                try:
                    run_load_at(scale, clients=load_clients, seconds=load_seconds, out=out)
                except Exception as exc:  # report, keep the figures already measured
                    out(f"load test failed: {exc.__class__.__name__}: {exc}")
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
        out(f"{scale} done after {time.monotonic() - started:.0f}s in total")
    out("")
    out(format_table(all_rows))
    out(f"\nTotal {time.monotonic() - started:.0f}s on {dt.datetime.now():%Y-%m-%d %H:%M}.")
    static.disable()
    return all_rows


LOAD_WARMUP_SECONDS = 10


def run_load_at(scale, *, clients, seconds, out):
    """gunicorn as deployed (gunicorn.conf.py) on the bench database of `scale`, then the load mix.
    Loopback only."""
    import tempfile
    from pathlib import Path

    from renda.core.models import Township

    from . import wrk
    from .load import run_load

    static_root = tempfile.mkdtemp(prefix="renda-bench-static-")
    env = _deployed_env(static_root)
    port = _free_port()
    log = open(Path(static_root) / "gunicorn.log", "wb")  # noqa: SIM115
    server = _start_gunicorn(env, port, log)
    try:
        _wait_healthy(port)
        township = Township.objects.exclude(code__startswith="bench-").order_by("display_order").first()
        profiles = _load_profiles(township)
        out(
            f"load: {clients} clients for {seconds}s against gunicorn (gunicorn.conf.py, "
            f"WEB_WORKERS={env.get('WEB_WORKERS') or 'default'}, WEB_THREADS={env.get('WEB_THREADS') or 'default'}) "
            f"on 127.0.0.1:{port} ({scale} scale, after {LOAD_WARMUP_SECONDS}s of the same mix not counted), generator: "
            + ("wrk" if wrk.available() else "Python threads (install wrk for a lighter generator)")
        )
        generate = wrk.run_wrk if wrk.available() else run_load
        # A server in service has run for a while: every worker has been forked, its database
        # connections are open and the pages are in the records cache. The same mix for a few
        # seconds first, not counted, so that the figures are those of a server in service and
        # not of its first seconds.
        generate(port=port, profiles=profiles, clients=clients, seconds=LOAD_WARMUP_SECONDS)
        stats = generate(port=port, profiles=profiles, clients=clients, seconds=seconds)
        out(
            f"load: {stats['requests']} requests, {stats['errors']} errors, p50 {stats['p50_ms']:.0f} ms, "
            f"p95 {stats['p95_ms']:.0f} ms, {stats['throughput_rps']:.1f} requests/s"
        )
        if stats["errors"]:
            out(f"load errors (samples): {stats['error_samples']}")
        return stats
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _start_gunicorn(env, port, log):
    """gunicorn as deployed: gunicorn.conf.py (workers and threads as gunicorn advises for the
    cores here, WEB_WORKERS / WEB_THREADS override), static files collected, loopback only."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True
    )
    command = [str(Path(sys.executable).with_name("gunicorn")), "renda.wsgi:application"]
    return subprocess.Popen(
        [*command, "-c", str(root / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _deployed_env(static_root):
    """Production settings as deployed: DEBUG off, collected and compressed static files, the
    bench database, Redis for the cache and sessions when make bench started one."""
    import os

    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "renda.settings",
        "WEB_ACCESS_LOG": "",
    }
    env.pop("CELERY_BROKER_URL", None)
    if os.environ.get("TEST_REDIS_URL"):  # as the README deploys it: cache and sessions in Redis
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    return env


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(port, timeout=60):
    """Until the server answers /healthz (or `timeout` seconds have passed)."""
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)


def _load_profiles(township):
    """[(session cookies, [(weight, method, path, body)])]: the secretary and the chair of
    `township`, a county reviewer, and an anonymous visitor of the public page."""
    from django.apps import apps

    from renda.core.models import User

    def cookies(username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        return {"sessionid": client.cookies["sessionid"].value}

    def first(label):
        obj = apps.get_model(label).objects.filter(township=township).order_by("pk").first()
        return obj.pk if obj else 0

    year = dt.date.today().year
    staff_mix = [
        (3, "GET", "/deputies/", None),
        (2, "GET", f"/deputies/{first('deputies.Deputy')}/", None),
        (3, "GET", "/proposals/", None),
        (2, "GET", f"/proposals/{first('proposals.Proposal')}/", None),
        (2, "GET", "/meetings/activities/", None),
        (1, "GET", f"/meetings/presidium/{first('meetings.PresidiumMeeting')}/", None),
        (2, "GET", "/", None),  # the workbench (home page)
        (1, "GET", "/deputies/?q=%E7%8E%8B", None),
    ]
    county_mix = [
        (3, "GET", f"/dashboard/?year={year}", None),
        (2, "GET", "/proposals/", None),
        (2, "POST", "/township/select/", f"township={township.pk}&next=/proposals/"),
        (1, "POST", "/township/select/", "township=&next=/"),
        (2, "GET", f"/proposals/{first('proposals.Proposal')}/", None),
    ]
    # the public page 议案建议进行时: anonymous, no cookies (the demo publishes every year)
    public_mix = [
        (1, "GET", "/public/", None),
        (3, "GET", f"/public/{year}/", None),
        (4, "GET", f"/public/t/{township.code}/{year}/", None),
    ]
    return [
        (cookies(f"{township.code}_mishu"), staff_mix),
        (cookies(f"{township.code}_zhuxi"), staff_mix),
        (cookies("county_reviewer"), county_mix),
        ({}, public_mix),
    ]
