"""Backup and restore: one township to JSON and back into an empty database; the whole county
with pg_dump / pg_restore. Counts are compared model by model."""

import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from renda.core.management.commands.backup_township import historical_model, label, township_models
from renda.core.models import Township, User


def _township_counts(code):
    township = Township.objects.get(code=code)
    counts = {}
    for model in township_models():
        counts[label(model)] = model._default_manager.filter(township=township).count()
        hist = historical_model(model)
        if hist is not None:
            counts[label(model) + " (history)"] = hist.objects.filter(township=township).count()
        for f in model._meta.many_to_many:
            if f.remote_field.through._meta.auto_created:
                counts[f"{label(model)}.{f.name}"] = f.remote_field.through.objects.filter(
                    **{f.m2m_field_name() + "__township": township}
                ).count()
    counts["users"] = User.objects.filter(township=township).count()
    return counts


@pytest.fixture
def demo_county(transactional_db):
    call_command("seed_demo", townships=2, deputies=20, years=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Township.objects.order_by("display_order")


def test_township_backup_restores_into_an_empty_database(demo_county, tmp_path):
    # given a township with records in every app
    code = demo_county[0].code
    before = _township_counts(code)
    assert before["deputies.deputy"] > 0 and before["users"] > 0
    from deputies.models import Deputy

    deputies_before = sorted(
        Deputy.objects.filter(township__code=code).values_list("name", "id_number", "created_at")
    )
    out = tmp_path / "hongqi.json"

    # when it is backed up, the database emptied, and the backup restored
    call_command("backup_township", township=code, out=str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    other = demo_county[1].code
    assert other not in json.loads(out.read_text())["township"]["fields"]["code"]
    call_command("flush", interactive=False, verbosity=0)
    assert not Township.objects.exists()
    call_command("restore_township", str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115

    # then every model has the same number of rows for the township, with the same content
    assert _township_counts(code) == before
    assert sorted(
        Deputy.objects.filter(township__code=code).values_list("name", "id_number", "created_at")
    ) == (deputies_before)
    assert Township.objects.count() == 1
    # and its users can log in with their old passwords, in their old roles
    secretary = User.objects.get(username=f"{code}_mishu")
    assert secretary.check_password("Renda@2026demo")
    assert secretary.role == "township_secretary" and secretary.township.code == code


def test_restore_refuses_a_township_that_exists(demo_county, tmp_path):
    code = demo_county[0].code
    out = tmp_path / "t.json"
    call_command("backup_township", township=code, out=str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = _township_counts(code)

    with pytest.raises(Exception, match="already exists"):
        call_command("restore_township", str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert _township_counts(code) == before


def test_restore_under_a_new_code_copies_the_township_alongside(demo_county, tmp_path):
    # moving a township into an installation that has others: new keys, nothing shared
    code = demo_county[0].code
    out = tmp_path / "t.json"
    call_command("backup_township", township=code, out=str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    data = json.loads(out.read_text())
    data["township"]["fields"]["name"] = "红旗镇（副本）"
    for u in data["users"]:  # the township's users exist already under their names
        if u["own_township"]:
            u["username"] += "_copy"
    out.write_text(json.dumps(data, ensure_ascii=False))
    before = _township_counts(code)

    call_command("restore_township", str(out), code="hongqi-copy", stdout=open(os.devnull, "w"))  # noqa: SIM115

    copy = _township_counts("hongqi-copy")
    assert copy == before
    assert _township_counts(code) == before


def _table_counts(dbname):
    import psycopg2

    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=dbname, user=s["USER"], host=s["HOST"], port=s["PORT"], password=s["PASSWORD"]
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [r[0] for r in cur.fetchall()]
            counts = {}
            for t in tables:
                cur.execute(f'SELECT count(*) FROM "{t}"')  # noqa: S608 - names from the catalogue
                counts[t] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()


def test_whole_county_pg_dump_restores_into_an_empty_database(demo_county, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("the whole-county backup needs PostgreSQL and pg_dump")
    s = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": s["HOST"],
        "PGPORT": str(s["PORT"]),
        "PGUSER": s["USER"],
        "PGPASSWORD": s["PASSWORD"] or "",
    }
    dump = tmp_path / "county.dump"
    target = f"{s['NAME']}_restore"

    # the commands of docs/backup.md
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", s["NAME"]], env=env, check=True
    )
    subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)
    subprocess.run(["createdb", target], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
            env=env,
            check=True,
        )
        restored = _table_counts(target)
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=True)

    original = _table_counts(s["NAME"])
    assert restored == original
    assert restored["core_township"] == 2 and restored["deputies_deputy"] > 0
