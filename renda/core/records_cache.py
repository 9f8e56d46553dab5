"""Figures computed from the records, kept in the cache (Redis when REDIS_URL is set) and
dropped by any committed write to the records. On when settings.RECORDS_CACHE (by default when
REDIS_URL is set: every web process must share the cache).

One generation token stands for "the records as last committed". It is replaced after every
transaction that wrote to a table other than the bookkeeping ones below (sessions, login
throttling, document jobs, users' last login): a database write wrapper (installed on every
connection by this app) notices INSERT / UPDATE / DELETE / COPY statements, whatever wrote
them (a model's save, a bulk writer, a queryset update, raw SQL of the importer), and replaces
the token once the transaction commits. Every cached answer is keyed by the token, so a page
never shows figures older than the last committed change, and a cached answer costs one cache
read instead of the aggregate queries of the live computation.

Keys also hold the day (figures such as "overdue" and the quarter's lights depend on today),
the language (notes are translated text) and the caller's parts (townships, year, user...).
Inside a transaction that has written records and not committed, answers are computed live
(the cache holds the committed state). A cache that cannot be reached is not an error: the
figures are computed live.
"""

import functools
import hashlib
import logging
import pickle
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "records-generation"  # and the database's name: see generation_key()
TIMEOUT = 600  # seconds: a bound on what a missed invalidation could cost (none is known)
# Writes that change nothing shown from the records: sessions, login throttling, document jobs,
# the admin log, and a user's last login (any other change to a user, their groups or their
# permissions counts: pages are cached per user).
IGNORED_TABLES = ("django_session", "axes_", "core_documentjob", "django_admin_log")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.I)
_LAST_LOGIN = re.compile(
    r'^\s*UPDATE\s+"core_user"\s+SET\s+"last_login"\s*=\s*(?:%s|NULL)(?:\s+WHERE\b|\s*$)', re.I
)


def remember(kind: str, parts, compute: Callable[[], T], *, today=None) -> T:
    """compute(), or the answer it gave for the same kind and parts (and day and language) since
    the last committed write to the records."""
    key = cache_key(kind, parts, today=today)
    if key is None:
        return compute()
    answer = cached(key)
    if answer is None:
        answer = compute()
        store(key, answer)
    return answer


def cached_response(kind: str):
    """View decorator: a page that shows records and is the same for everyone who asks for the
    same address (the public pages), served from the cache until the next committed write."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            key = cache_key(kind, (request.get_full_path(),))
            hit = cached(key) if key is not None else None
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if key is not None and response.status_code == 200 and not response.streaming:
                store(key, (response.content, response["Content-Type"]))
            return response

        return wrapped

    return decorator


def request_parts(request) -> tuple:
    """What a page's records depend on besides its own parts: the user (role, permissions,
    township), the township a county user picked, the page's address with its query."""
    user = getattr(request, "user", None)
    access = getattr(request, "access", None)
    selected = getattr(access, "_selected_township_id", None) if access is not None else None
    return (getattr(user, "pk", None), selected, request.get_full_path())


def cached(key: str):
    """The answer kept under `key` (made by cache_key), or None."""
    answer = _nearby.get(key)
    if answer is not None:
        return answer
    try:
        answer = cache.get(key)
    except Exception:
        return None
    if answer is not None:
        _nearby.put(key, answer)
    return answer


def store(key: str, answer) -> None:
    """Keep `answer` under `key`, unless a write committed since the key was made: an answer
    computed from a snapshot that a concurrent commit made stale must not outlive that commit's
    invalidation."""
    token = key.split(":", 2)[1]
    try:
        set_if = getattr(cache, "set_if", None)  # Redis: compared and set in one round trip
        if set_if is not None:
            kept = set_if(key, answer, TIMEOUT, when=(generation_key(), token))
        else:
            kept = cache.get(generation_key()) == token
            if kept:
                cache.set(key, answer, TIMEOUT)
        if kept:
            _nearby.put(key, answer)
    except Exception:
        log.warning("records cache: unavailable", exc_info=True)


class _Nearby:
    """The last answers this process read or stored, pickled, beside the shared cache: a key
    names one generation of the records, so what it holds never changes and needs no
    invalidation (a new generation makes new keys); the shared cache's timeout still bounds it.
    Saves a round trip to Redis per answer a page asks for."""

    SIZE = 256

    def __init__(self):
        self._answers: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._answers.get(key)
            if entry is not None:
                self._answers.move_to_end(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return pickle.loads(entry[1])  # noqa: S301 - pickled by this process; a copy: callers may change it

    def put(self, key, answer):
        raw = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._answers[key] = (time.monotonic() + TIMEOUT, raw)
            self._answers.move_to_end(key)
            while len(self._answers) > self.SIZE:
                self._answers.popitem(last=False)


_nearby = _Nearby()


def cache_key(kind: str, parts, *, today=None) -> str | None:
    """The key of `kind` with `parts` in the current generation (also for a template's fragment
    cache); None when answers must be computed live."""
    if not settings.RECORDS_CACHE:
        return None
    token = None if _uncommitted_writes() else _generation()
    if token is None:
        return None
    today = today or timezone.localdate()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{kind}:{token}:{today.isoformat()}:{get_language() or ''}:{digest}"


def generation_key() -> str:
    """The generation token's key, one per database: two installations sharing a Redis server
    (or a test database beside a real one) never serve each other's answers, whose keys all hold
    the token."""
    db = connection.settings_dict
    where = f"{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db.get('NAME') or ''}"
    return f"{GENERATION_KEY}:{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def invalidate():
    """Drop every cached answer (a new generation token)."""
    _request.token = None
    try:
        cache.set(generation_key(), uuid.uuid4().hex, None)
    except Exception:
        log.warning("records cache: unavailable, could not invalidate", exc_info=True)


def _generation():
    token = getattr(_request, "token", None)
    if token is not None:
        return token
    try:
        token = cache.get(generation_key())
        if token is None:
            cache.add(generation_key(), uuid.uuid4().hex, None)
            token = cache.get(generation_key())
    except Exception:  # the cache is down: compute live
        log.warning("records cache: unavailable", exc_info=True)
        return None
    if getattr(_request, "active", False):
        _request.token = token
    return token


# A request reads the generation once (a page asks for several answers); what it writes itself
# replaces it (invalidate). Outside requests (jobs, commands) it is read every time.
_request = Local()


def request_started(**kwargs):
    _request.active, _request.token = True, None


def request_finished(**kwargs):
    _request.active, _request.token = False, None


def _uncommitted_writes() -> bool:
    # A transaction that wrote records and has not committed sees its own changes, which the
    # cache (committed state) does not hold.
    return connection.in_atomic_block and any(entry[1] is invalidate for entry in connection.run_on_commit)


def figures_write(sql) -> bool:
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    return (
        bool(match) and not match.group(1).lower().startswith(IGNORED_TABLES) and not _LAST_LOGIN.match(sql)
    )


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a committed write to the records invalidates the cache."""
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
