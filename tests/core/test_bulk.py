"""renda.core.bulk: rows created with a COPY (PostgreSQL) read back as bulk_create would write
them, the ids returned are theirs, and the write is seen by the query log and by the records
cache's write watcher."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from deputies.models import Deputy, Mandate
from renda.core import bulk, records_cache

pytestmark = pytest.mark.django_db

AWKWARD = ["tab\there", "line\nbreak\r\nend", "back\\slash", "\\N", "", "（全角）", "'quote\"", "NULL"]


def _deputy(township, unit, **more):
    return {"township_id": township.pk, "name": "王明", "gender": "M", "work_unit": unit, **more}


def _row(deputy):
    return {
        f.attname: getattr(deputy, f.attname)
        for f in Deputy._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at")
    }


def test_copied_rows_read_back_as_bulk_create_writes_them(township, monkeypatch):
    # given rows with texts COPY's format escapes, a date, a null and defaults left out
    rows = [_deputy(township, unit, birth_date=dt.date(1968, 5, 12), surname_strokes=4) for unit in AWKWARD]
    rows.append(_deputy(township, "", phone="13855551234", birth_date=None))
    # when they are written with a COPY, and again with bulk_create
    with CaptureQueriesContext(connection) as ctx:
        copied = bulk.rows_create(Deputy, rows)
    monkeypatch.setattr(bulk, "_copy_supported", lambda: False)
    created = bulk.rows_create(Deputy, rows)
    # then the COPY was one statement of the query log, and each row reads back the same
    assert connection.vendor == "postgresql"
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT", "COPY"]
    by_pk = Deputy.all_objects.in_bulk(copied + created)
    assert [by_pk[pk].work_unit for pk in copied] == [*AWKWARD, ""]
    assert [_row(by_pk[pk]) for pk in copied] == [_row(by_pk[pk]) for pk in created]
    copied_one = by_pk[copied[0]]
    assert copied_one.created_at == copied_one.updated_at and copied_one.created_at is not None
    assert copied == sorted(copied) and len(set(copied)) == len(rows)


def test_ids_come_from_the_table_sequence(township):
    # given a deputy saved the ordinary way after a COPY
    (first,) = bulk.rows_create(Deputy, [_deputy(township, "甲")])
    later = Deputy.objects.create(township=township, name="李红", gender="F")
    # then the sequence handed the COPY's id out: no clash, the next save gets a later one
    assert later.pk > first


def test_a_failing_copy_raises_a_django_error_and_writes_nothing(township):
    # given a mandate row without its start date (NOT NULL), after a good one
    (deputy,) = bulk.rows_create(Deputy, [_deputy(township, "甲")])
    good = {
        "township_id": township.pk,
        "deputy_id": deputy,
        "level": "township",
        "start_date": dt.date(2022, 1, 1),
    }
    bad = {"township_id": township.pk, "deputy_id": deputy, "level": "county"}
    # when they are copied, then Django's IntegrityError is raised and neither row is written
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.rows_create(Mandate, [good, bad])
    assert not Mandate.objects.filter(deputy_id=deputy).exists()


@pytest.mark.django_db(transaction=True)
def test_the_records_cache_watcher_sees_a_copy(township):
    # given a transaction that has written nothing yet
    with transaction.atomic():
        assert not records_cache._uncommitted_writes()
        # when rows are copied in
        bulk.rows_create(Deputy, [_deputy(township, "甲")])
        # then the watcher has queued the invalidation of the cached records for the commit
        assert records_cache._uncommitted_writes()
