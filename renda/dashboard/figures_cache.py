"""The county figures (selectors.county_figures) kept in the cache (Redis when REDIS_URL is set),
dropped by any committed write to the records they are computed from.

Key: a generation token, the year, the day (figures such as "overdue" and the traffic lights
depend on today), the language (light notes are translated text) and the townships asked for.
The generation token is replaced after every transaction that wrote to a table other than the
bookkeeping ones below (sessions, login throttling, document jobs, users' last login): a database
write wrapper (installed on every connection by the dashboard app) notices INSERT / UPDATE /
DELETE / COPY statements, whatever wrote them (a model's save, a bulk writer, a queryset update,
raw SQL of the importer), and replaces the token once the transaction commits. So a page never
shows figures older than the last committed change, and a cached answer costs one cache read
instead of the twenty-odd aggregate queries of the live computation. A cache that cannot be
reached is not an error: the figures are computed live.
"""

import hashlib
import logging
import re
import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from . import selectors

log = logging.getLogger(__name__)

GENERATION_KEY = "county-figures:generation"
TIMEOUT = 600  # seconds: a bound on what a missed invalidation could cost (none is known)
# Tables whose writes do not change any figure: sessions, login throttling, document jobs, the
# user row (last_login), the admin log.
IGNORED_TABLES = ("django_session", "axes_", "core_documentjob", "core_user", "django_admin_log")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.I)


def _generation():
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:  # the cache is down: compute live
        log.warning("county figures: cache unavailable", exc_info=True)
        return None


def invalidate():
    """Drop every cached county figure (a new generation token)."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        log.warning("county figures: cache unavailable, could not invalidate", exc_info=True)


def county_figures(*, townships, year, today=None):
    """selectors.county_figures, from the cache when nothing was written since it was computed."""
    today = today or timezone.localdate()
    townships = list(townships)
    token = _token()
    if token is None:
        return selectors.county_figures(townships=townships, year=year, today=today)
    key = _key("county-figures", token, townships, year, today)
    try:
        rows = cache.get(key)
    except Exception:
        rows = None
    if rows is not None:
        by_pk = {t.pk: t for t in townships}
        for row in rows:  # the caller's township objects, not the pickled copies
            row.township = by_pk.get(row.township.pk, row.township)
        return rows
    rows = selectors.county_figures(townships=townships, year=year, today=today)
    try:
        # Stored only if no write committed meanwhile: figures computed from a snapshot that a
        # concurrent commit made stale must not outlive that commit's invalidation.
        if cache.get(GENERATION_KEY) == token:
            cache.set(key, rows, TIMEOUT)
    except Exception:
        log.warning("county figures: cache unavailable", exc_info=True)
    return rows


def table_key(*, townships, year, today) -> str | None:
    """The key under which the dashboard's table, rendered from these figures alone, is cached
    with them (the template's fragment cache); None when the figures are computed live."""
    token = _token()
    return None if token is None else _key("county-table", token, list(townships), year, today)


def _token():
    # A transaction that wrote figures' records and has not committed sees its own changes,
    # which the cache (committed state) does not hold.
    return None if _uncommitted_writes() else _generation()


def _key(kind, token, townships, year, today) -> str:
    ids = ",".join(str(t.pk) for t in townships)
    return "{}:{}:{}:{}:{}:{}".format(
        kind, token, year, today.isoformat(), get_language() or "", hashlib.sha256(ids.encode()).hexdigest()
    )


def _uncommitted_writes() -> bool:
    return connection.in_atomic_block and any(entry[1] is invalidate for entry in connection.run_on_commit)


def figures_write(sql) -> bool:
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    return bool(match) and not match.group(1).lower().startswith(IGNORED_TABLES)


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a committed write to the records invalidates the figures."""
    result = execute(sql, params, many, context)
    if figures_write(sql):
        connection = context["connection"]
        if connection.get_autocommit():
            invalidate()
        elif not any(entry[1] is invalidate for entry in connection.run_on_commit):
            transaction.on_commit(invalidate, using=connection.alias)
    return result


def install(sender=None, connection=None, **kwargs):
    """connection_created handler: watch the writes of every database connection."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
