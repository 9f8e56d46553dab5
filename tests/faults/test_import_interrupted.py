"""A roster import cut off midway (an error, or the database going away) writes nothing."""

import datetime as dt

import pytest
from django.db import InterfaceError, OperationalError

from tests.factories import TermFactory, TownshipFactory, UserFactory

importing = pytest.importorskip("deputies.importing", reason="the deputies app has no roster import yet")
factories = pytest.importorskip("tests.deputies.factories", reason="no roster workbook helpers yet")

from deputies.models import Deputy, Mandate  # noqa: E402

ROWS = 1200  # more than two insert batches of 500


def _workbook(rows=ROWS):
    out = []
    for i in range(rows):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 40 * 7)
        out.append(
            factories.row(
                name=f"张{'明华强芳丽军'[i % 6]}{'一二三四五六七八九十'[i // 6 % 10]}",
                birth=birth.strftime("%Y.%m"),
                id_no=factories.id_number(birth, seq=i % 40 + 1),
            )
        )
    return factories.xlsx(out)


def _counts():
    return (Deputy.objects.count(), Mandate.objects.count(), Deputy.history.count(), Mandate.history.count())


def _cut_after_deputies(monkeypatch, cut):
    """Let the deputies (and their history) and the mandates be inserted, then cut the import off
    when the mandates' history is written."""
    original = importing._history_record

    def record(model, **kwargs):
        if model is Mandate:
            cut()
        return original(model, **kwargs)

    monkeypatch.setattr(importing, "_history_record", record)


def _setup():
    township = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=township)
    secretary = UserFactory(username="sec-imp", township=township, role="township_secretary")
    content = _workbook()
    result = importing.roster_import_read(
        township=township, content=content, elected_on=dt.date(2021, 12, 28)
    )
    assert result.ok, [r.errors for r in result.rows if r.errors][:3]
    assert result.counts["new"] == ROWS
    return township, secretary, result


@pytest.mark.django_db
def test_import_that_fails_midway_writes_nothing(monkeypatch):
    township, secretary, result = _setup()
    before = _counts()

    def crash():
        raise OperationalError("server closed the connection unexpectedly")

    _cut_after_deputies(monkeypatch, crash)
    with pytest.raises(OperationalError):
        importing.roster_import_apply(township=township, result=result, by=secretary)

    assert _counts() == before


@pytest.mark.slow
def test_import_cut_off_by_the_database_going_away_writes_nothing(
    transactional_db, postgres_cluster, monkeypatch
):
    township, secretary, result = _setup()
    before = _counts()

    _cut_after_deputies(monkeypatch, postgres_cluster.stop_keep_connection)
    with pytest.raises((OperationalError, InterfaceError)):
        importing.roster_import_apply(township=township, result=result, by=secretary)
    postgres_cluster.start()

    assert _counts() == before
    # and the same import succeeds once the database is back
    monkeypatch.undo()
    result = importing.roster_import_read(
        township=township, content=_workbook(), elected_on=dt.date(2021, 12, 28)
    )
    importing.roster_import_apply(township=township, result=result, by=secretary)
    assert Deputy.objects.filter(township=township).count() == ROWS
