"""Many new rows of one model at once, with their ids: on PostgreSQL the ids are reserved from the
table's sequence and the rows sent in one COPY; elsewhere (SQLite of `make run`) Django's
`bulk_create`.

`bulk_create` spends most of its time preparing each object field by field (instances, `pre_save`,
`get_db_prep_save`) and PostgreSQL parsing a statement with one parameter per cell; a COPY of plain
values does neither. The COPY goes through the connection's execute wrappers (the write watcher of
renda.core.records_cache sees it as it sees an INSERT) and the query log, and runs in the caller's
transaction. As with `bulk_create`, no `save()` and no signals: rows are the given values, each
missing field its default, `auto_now` / `auto_now_add` fields the current time. Models with a field
that does more on save (a file upload) are refused.
"""

import contextlib
import datetime as dt
import decimal
import functools
import io
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper
from django.utils import timezone
from django.utils.functional import Promise

BATCH = 500
COPY_CHUNK = 1 << 16  # characters of COPY data sent at a time


def rows_create(model, rows: Sequence, *, values: Callable[[Any], dict] | None = None) -> list[int]:
    """Insert `rows` and return their new ids, in the rows' order. A row is {attname: value}, or
    whatever `values(row)` turns into one: on PostgreSQL `values` is called while the COPY
    streams, so the database writes the first rows while later ones are being prepared."""
    if not rows:
        return []
    dicts = map(values, rows) if values is not None else iter(rows)
    if not _copy_supported():
        return _orm_create(model, list(dicts))
    ids = ids_reserve(model, len(rows))
    fields = _fields(model)
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    _copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN", _lines(model, fields, ids, dicts))
    return ids


def _lines(model, fields, ids, dicts) -> Iterator[str]:
    """The rows in COPY's text format, a line each. The cells a row does not give (the time
    stamps, the defaults) are the same text on every line: made once, each line starts from them."""
    now = timezone.now()
    pk = model._meta.pk.attname
    fixed: list = []  # a column's text when the row does not give it; None: unknown yet
    given = {}  # attname → its column, for the values a row may give (not the id or the stamps)
    for i, f in enumerate(fields):
        stamped = _stamped(f)
        fixed.append(_copy_text(now) if stamped else _default_text(f))
        if f.attname != pk and not stamped:  # as pre_save: a stamp overrides a given value
            given[f.attname] = i
    at_pk = [f.attname for f in fields].index(pk)
    for new_id, row in zip(ids, dicts, strict=True):
        cells = fixed.copy()
        cells[at_pk] = str(new_id)
        for attname, v in row.items():
            i = given.get(attname)
            if i is not None:
                cells[i] = (
                    v
                    if type(v) is str and "\\" not in v and "\t" not in v and "\n" not in v and "\r" not in v
                    else _copy_text(v)
                )
        if None in cells:  # a default COPY cannot write, for a row that leaves it out
            _copy_text(fields[cells.index(None)].get_default())
        yield "\t".join(cells) + "\n"


def _default_text(field):
    try:
        return _copy_text(field.get_default())
    except TypeError:  # raised again if a row leaves the field out
        return None


def _copy_supported() -> bool:
    return connection.vendor == "postgresql"


def ids_reserve(model, n: int) -> list[int]:
    """`n` new ids of `model` from its table's sequence (one query), ascending. The sequence is
    looked up once (OFFSET 0 keeps the subquery from being folded into the select list, where
    `pg_get_serial_sequence` ran for every id: 45 of the 50 ms of 5,000 ids)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq OFFSET 0) s, "
            "generate_series(1, %s)",
            [connection.ops.quote_name(table), column, n],
        )
        return sorted(i for (i,) in cursor.fetchall())


def _orm_create(model, rows):
    objs = [model(**row) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    if any(o.pk is None for o in objs):
        raise NotImplementedError(f"{connection.vendor} does not return the ids of a bulk insert")
    return [o.pk for o in objs]


@functools.cache
def _fields(model):
    """The model's columns; refused when a field's `pre_save` does more than a COPY can (dates
    stamp `auto_now`, done here; a file field uploads a new file, and takes its name only)."""
    fields = model._meta.concrete_fields
    for f in fields:
        if type(f).pre_save is not models.Field.pre_save and not isinstance(
            f, (models.DateField, models.FileField)
        ):
            raise NotImplementedError(f"{model.__name__}.{f.name} does more on save than a COPY can")
    return fields


def _stamped(f):
    return isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if isinstance(value, (str, Promise)):
        value = str(value)  # a TextChoices member: its value; a lazy translation: its text
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, decimal.Decimal, dt.date, dt.time, uuid.UUID)):
        return str(value)  # an aware datetime carries its offset
    if isinstance(value, models.fields.files.FieldFile) and value._committed:  # a stored file: its name
        return _copy_text(value.name or "")
    raise TypeError(f"no COPY text for {type(value).__name__}")


class _Stream(io.TextIOBase):
    """A file that psycopg2 reads the COPY's data from, made line by line as it is read."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        size = -1 if size is None else size
        parts, n = [], 0
        for line in self._lines:
            parts.append(line)
            n += len(line)
            if 0 <= size <= n:
                break
        return "".join(parts)


def _copy(sql: str, lines: Iterator[str]) -> None:
    """Run a COPY … FROM STDIN as Django runs a statement: through the connection's execute
    wrappers, logged like a query, database errors turned into Django's. The data is sent in
    chunks as `lines` makes it."""
    with connection.cursor() as cursor:

        def copy(sql, params, many, context):
            connection.validate_no_broken_transaction()
            with connection.wrap_database_errors:
                return cursor.cursor.copy_expert(sql, _Stream(lines), size=COPY_CHUNK)

        executor = copy
        for wrapper in reversed(connection.execute_wrappers):
            executor = functools.partial(wrapper, executor)
        logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else contextlib.nullcontext()
        with logged:
            executor(sql, None, False, {"connection": connection, "cursor": cursor})
