import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from deputies.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    roster_import,
    roster_import_apply,
    roster_import_read,
)
from deputies.models import Deputy, GroupMembership, Mandate
from renda.core.exceptions import ApplicationError
from renda.core.models import AuditEvent
from tests.deputies.factories import HEADERS, id_number, import_upload, make_group, row, xlsx
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def _read(township, content):
    return roster_import_read(township=township, content=content)


def test_happy_path_creates_deputies_mandates_and_group(township, term, secretary):
    make_group(township, term, 2, name="第2代表小组")
    content = xlsx(
        [
            row(levels="县、乡镇", group="第2代表小组"),
            row(
                name="李 红",
                gender="女",
                birth="1975年3月",
                id_no=id_number(dt.date(1975, 3, 8), female=True),
                levels="乡镇",
                group="2",
            ),
        ]
    )
    result = roster_import(township=township, content=content, by=secretary)
    assert result.ok and result.counts == {NEW: 2, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
    zhang = Deputy.objects.get(name="张明华")
    assert zhang.birth_date == dt.date(1968, 5, 12)  # the full date from the ID number
    assert (zhang.gender, zhang.affiliation, zhang.education) == ("M", "cpc", "bachelor")
    assert zhang.surname_strokes == 7 and zhang.name_initials == "zmh"
    assert set(zhang.mandates.values_list("level", flat=True)) == {"county", "township"}
    assert zhang.mandates.get(level="township").term == term
    li = Deputy.objects.get(name="李红")  # inner space of an aligned name removed
    assert GroupMembership.objects.get(deputy=li).group.number == 2
    assert zhang.history.first().history_user == secretary


def test_usual_variants_are_accepted(township, term, secretary):
    birth = dt.date(1968, 5, 12)
    variants = [
        (birth, "男 "),  # a date cell; trailing space
        ("1968.05", "男"),
        ("1968年5月", "男"),
        (1968.05, "男"),  # typed as a number
        ("１９６８．０５", "男"),  # full-width
    ]
    for i, (b, g) in enumerate(variants):
        content = xlsx(
            [
                row(
                    name=f"张明{i}",
                    birth=b,
                    gender=g,
                    id_no=id_number(birth, seq=i + 1),
                    ethnicity="汉族 ",
                    affiliation="党员",
                    education="本科",
                    levels="镇人大代表",
                )
            ]
        )
        result = _read(township, content)
        assert result.ok, (b, result.rows[0].errors)
        assert result.rows[0].data["birth_date"] == birth


def test_preview_writes_nothing(township, term):
    content = xlsx([row()])
    result = _read(township, content)
    assert result.ok and result.rows[0].status == NEW
    assert Deputy.objects.count() == 0 and Mandate.objects.count() == 0


def test_duplicates_match_by_id_number_then_name_and_birth(township, term, secretary):
    number = id_number(dt.date(1968, 5, 12))
    by_id = DeputyFactory(township=township, name="张明", id_number=number, birth_date=dt.date(1968, 5, 12))
    by_name = DeputyFactory(township=township, name="王芳", gender="F", birth_date=dt.date(1980, 2, 3))
    content = xlsx(
        [
            row(name="张明华", id_no=number),  # renamed: same ID → update
            row(name="王芳", gender="女", birth="1980.02", id_no="", phone="13900001111"),
        ]
    )
    result = roster_import(township=township, content=content, by=secretary)
    assert [r.status for r in result.rows] == [UPDATE, UPDATE]
    assert Deputy.objects.count() == 2
    by_id.refresh_from_db()
    by_name.refresh_from_db()
    assert by_id.name == "张明华" and by_id.surname_strokes == 7
    assert by_name.phone == "13900001111"
    assert by_name.birth_date == dt.date(1980, 2, 3)  # month precision keeps the stored day


def test_same_person_twice_in_file_is_an_error(township, term):
    result = _read(township, xlsx([row(), row()]))
    assert result.rows[1].status == ERROR
    assert "2" in result.rows[1].errors[0][1] or "row" in result.rows[1].errors[0][1]


@pytest.mark.parametrize(
    "change, column",
    [
        ({"id_no": "340225196805120010"}, "身份证号"),  # wrong checksum
        ({"ethnicity": "火星族"}, "民族"),
        ({"gender": "未知"}, "性别"),
        ({"birth": "去年"}, "出生年月"),
        ({"birth": "1968.06"}, "出生年月"),  # disagrees with the ID number
        ({"levels": "火星"}, "代表层级"),
        ({"levels": ""}, "代表层级"),
        ({"affiliation": "某某党"}, "政治面貌"),
        ({"phone": "电话坏了"}, "联系电话"),
    ],
)
def test_bad_cells_are_errors_with_the_column_and_block_the_import(township, term, secretary, change, column):
    content = xlsx(
        [row(name="王五", id_no=id_number(dt.date(1970, 1, 1), seq=3), birth="1970.01"), row(**change)]
    )
    result = roster_import(township=township, content=content, by=secretary)
    assert not result.ok
    bad = result.rows[1]
    assert bad.status == ERROR and bad.row == 3
    assert column in [c for c, _m in bad.errors]
    assert all(m for _c, m in bad.errors)
    assert Deputy.objects.count() == 0  # the good row was not written either


def test_id_number_stored_as_number_is_explained(township, term):
    result = _read(township, xlsx([row(id_no=340225196805120000)]))
    assert result.rows[0].status == ERROR and result.rows[0].errors[0][0] == "身份证号"


def _sheet(build):
    wb = Workbook()
    build(wb.active)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content, words",
    [
        (b"name,gender\n", "header"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04garbage", "xlsx"),
        (_sheet(lambda ws: None), "empty"),
        (_sheet(lambda ws: ws.append(["姓名", "性别"])), "missing"),
        (_sheet(lambda ws: ws.append(HEADERS)), "no deputies"),
        (_sheet(lambda ws: [ws.append(["a", "b"]) for _ in range(3)]), "header"),
    ],
)
def test_bad_files_get_a_clear_message(township, term, content, words):
    from django.utils import translation

    with translation.override("en"):
        result = _read(township, content)
    assert result.file_error and not result.ok
    assert words.lower() in result.file_error.lower()


def test_file_with_10000_rows_is_refused_whole(township, term, secretary):
    rows = [row(name=f"张{i}", id_no="", birth="1970.01") for i in range(10_000)]
    result = roster_import(township=township, content=xlsx(rows), by=secretary)
    assert "5,000" in result.file_error
    assert Deputy.objects.count() == 0


def test_command_prints_rows_and_exits_1_on_error(township, term, secretary, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([row(), row(name="错误", ethnicity="火星族")]))
    with pytest.raises(SystemExit) as exc:
        call_command("import_roster", str(path), "--township", township.code, "--by", secretary.username)
    assert exc.value.code == 1
    out = capsys.readouterr()
    assert "row     2  new" in out.out and "row     3  error" in out.out
    assert Deputy.objects.count() == 0


def test_command_dry_run_never_writes_then_real_run_imports(township, term, secretary, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([row()]))
    call_command("import_roster", str(path), "--township", township.code, "--dry-run")
    assert Deputy.objects.count() == 0
    assert "dry run" in capsys.readouterr().out
    call_command("import_roster", str(path), "--township", township.code, "--by", secretary.username)
    assert Deputy.objects.count() == 1
    event = AuditEvent.objects.get(action="deputies_roster_import")
    assert event.row_count == 1 and event.user == secretary
    assert Deputy.history.get().history_user == secretary


@pytest.mark.parametrize("who", ["reviewer", "other_secretary", "nobody"])
def test_command_writes_only_for_the_townships_staff(township, term, tmp_path, who, request):
    """The command line gets the web import's check: a county reviewer or another township's
    secretary is refused with a message in Chinese, and so is a run that names nobody."""
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([row()]))
    args = ["import_roster", str(path), "--township", township.code]
    if who != "nobody":
        args += ["--by", request.getfixturevalue(who).username]
    with pytest.raises(CommandError) as exc:
        call_command(*args)
    message = str(exc.value)
    assert (
        ("您无权进行此项操作" in message and "未写入任何内容" in message)
        if who != "nobody"
        else "--by" in message
    )
    assert Deputy.objects.count() == 0 and not AuditEvent.objects.exists()


def test_roster_import_apply_refuses_a_reviewer(township, term, secretary, reviewer):
    result = roster_import_read(township=township, content=xlsx([row()]), elected_on=term.start_date)
    assert result.ok
    with translation.override("zh-hans"), pytest.raises(ApplicationError, match="您无权进行此项操作"):
        roster_import_apply(township=township, result=result, by=reviewer)
    assert Deputy.objects.count() == 0


def test_upload_preview_confirm_through_the_views(township, term, secretary, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(secretary)
    upload = SimpleUploadedFile("名册.xlsx", xlsx([row()]))
    response = import_upload(c, upload)
    assert response.status_code == 200
    token = response.context["token"]
    assert token and Deputy.objects.count() == 0
    response = c.post("/deputies/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert Deputy.objects.filter(township=township).count() == 1
    event = AuditEvent.objects.get(action="deputies_roster_import")
    assert (event.user, event.row_count, event.township) == (secretary, 1, township)
    # the token is spent
    response = c.post("/deputies/import/confirm/", {"token": token})
    assert Deputy.objects.count() == 1


def test_upload_with_errors_shows_rows_and_offers_no_confirm(township, term, secretary, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(secretary)
    response = import_upload(c, SimpleUploadedFile("x.xlsx", xlsx([row(ethnicity="火星族")])))
    assert response.context["token"] is None
    assert "火星族" in response.content.decode()
    response = import_upload(c, SimpleUploadedFile("x.txt", b"hello"))
    assert response.context["form"].errors.get("file") or response.context["file_error"]


def test_reviewer_cannot_import(reviewer, client_for):
    assert client_for(reviewer).get("/deputies/import/").status_code == 403


def _sheet(n, *, start=0, unit="红星村党总支书记", levels="乡镇", group=""):
    given = "明华强芳丽军国建秀英"
    return xlsx(
        [
            row(
                name="张" + given[i % 10] + given[i // 10 % 10],
                birth=f"{1960 + i // 12}.{i % 12 + 1:02d}",
                id_no=id_number(dt.date(1960 + i // 12, i % 12 + 1, 5), seq=i % 40 + 1),
                unit=unit,
                levels=levels,
                group=group,
            )
            for i in range(start, start + n)
        ]
    )


def _apply_queries(township, content, by, django_assert_num_queries, expected):
    result = roster_import_read(township=township, content=content)
    assert result.ok, [r.errors for r in result.error_rows][:3]
    with django_assert_num_queries(expected) as ctx:
        roster_import_apply(township=township, result=result, by=by)
    return result, ctx


@pytest.mark.parametrize("n", [3, 60])
def test_apply_runs_a_fixed_number_of_queries_whatever_the_rows(
    township, term, secretary, n, django_assert_num_queries
):
    # given a sheet of new deputies, then the same deputies with a new unit, a level and a group
    make_group(township, term, 1, name="第1代表小组")
    # when it is applied: the importer's role and permissions (one query each, loaded once per
    # user), the deputies' ids and their COPY, their history, the mandates' ids and their COPY,
    # their history (+ savepoints)
    result, ctx = _apply_queries(township, _sheet(n), secretary, django_assert_num_queries, 2 + 8)
    # then every deputy, mandate and history row is written
    assert result.counts[NEW] == n and Deputy.objects.count() == n and Mandate.objects.count() == n
    # and again for the updates: update deputies, history, mandates (ids, COPY), history, group
    # moves (delete + insert)
    result, ctx = _apply_queries(
        township,
        _sheet(n, unit="新单位", levels="县、乡镇", group="1"),
        secretary,
        django_assert_num_queries,
        9,
    )
    assert result.counts[UPDATE] == n and Mandate.objects.count() == 2 * n
    assert GroupMembership.objects.filter(group__number=1).count() == n


def test_apply_records_history_like_a_service_write(township, term, secretary):
    # given a roster written by the import, then changed by a second import
    roster_import(township=township, content=_sheet(3), by=secretary)
    roster_import(township=township, content=_sheet(3, unit="新单位", levels="县、乡镇"), by=secretary)
    # then each deputy has a creation and a change record, with the importer, the reason and the row's values
    deputy = Deputy.objects.order_by("pk").first()
    records = list(deputy.history.order_by("history_id"))
    assert [h.history_type for h in records] == ["+", "~"]
    assert {h.history_user for h in records} == {secretary}
    assert {h.history_change_reason for h in records} == {"名册导入"}
    assert records[0].work_unit == "红星村党总支书记" and records[1].work_unit == "新单位"
    assert records[0].name_pinyin == deputy.name_pinyin and records[0].created_at == deputy.created_at
    assert records[1].instance.work_unit == deputy.work_unit
    # and each new mandate has its creation record
    for mandate in Mandate.objects.filter(township=township):
        (h,) = mandate.history.all()
        assert (h.history_type, h.level, h.deputy_id, h.term_id, h.history_user) == (
            "+",
            mandate.level,
            mandate.deputy_id,
            mandate.term_id,
            secretary,
        )
    assert Mandate.history.count() == 6


@pytest.mark.parametrize("n", [3, 60])
def test_group_moves_run_a_fixed_number_of_queries(township, term, secretary, n, django_assert_num_queries):
    # given deputies imported into group 1
    make_group(township, term, 1, name="第1代表小组")
    make_group(township, term, 2, name="第2代表小组")
    roster_import(township=township, content=_sheet(n, group="1"), by=secretary)
    # when a sheet moves them all to group 2: find, record and delete the old memberships, insert the new
    result, ctx = _apply_queries(township, _sheet(n, group="2"), secretary, django_assert_num_queries, 6)
    # then they are in group 2 only, and each old membership has its deletion record
    assert result.counts[UPDATE] == n
    assert set(GroupMembership.objects.values_list("group__number", flat=True)) == {2}
    assert GroupMembership.objects.count() == n
    removed = GroupMembership.history.filter(history_type="-")
    assert removed.count() == n and {h.group.number for h in removed} == {1}
    assert {h.history_user for h in removed} == {secretary}


def _written(township, since):
    """What the imports wrote for the township, in order, without ids and times: the deputies,
    their mandates (naming their deputy by position), and both tables' history rows."""
    skip = {"id", "history_id", "created_at", "updated_at", "history_date"}
    deputies = list(Deputy.all_objects.filter(township=township, pk__gt=since).order_by("pk").values())
    position = {d["id"]: i for i, d in enumerate(deputies)}

    def plain(rows):
        return [
            {k: position.get(v, v) if k == "deputy_id" else v for k, v in r.items() if k not in skip}
            for r in rows
        ]

    mandates = Mandate.objects.filter(deputy_id__in=position).order_by("pk").values()
    deputy_history = Deputy.history.filter(id__in=position).order_by("history_id").values()
    mandate_history = Mandate.history.filter(deputy_id__in=position).order_by("history_id").values()
    return [plain(rows) for rows in (deputies, mandates, deputy_history, mandate_history)]


def test_the_copy_write_equals_the_orm_write(township, term, secretary, monkeypatch):
    """On PostgreSQL new deputies and mandates are written with a COPY (renda.core.bulk); the rows,
    and their history, are those of the bulk_create path the other databases take."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from renda.core import bulk

    make_group(township, term, 1, name="第1代表小组")
    first = xlsx(
        [
            row(levels="县、乡镇", group="1", phone="", elected="2022.01.05"),
            row(
                name="李 红",
                gender="女",
                affiliation="民盟盟员",
                id_no=id_number(dt.date(1968, 5, 12), female=True),
            ),
            row(
                name="王强",
                birth="1970.03",
                affiliation="",
                id_no="",
                unit="第二村\t主任",
                group="第9代表小组",
            ),
        ]
    )
    again = xlsx([row(levels="市、县、乡镇", unit="新单位", group="第1代表小组")])
    since = Deputy.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def both_imports():
        with transaction.atomic():
            for content in (first, again):
                result = roster_import(township=township, content=content, by=secretary, create_groups=True)
                assert result.ok and result.applied, [r.errors for r in result.error_rows]
            written = _written(township, since)
            transaction.set_rollback(True)
        return written

    with CaptureQueriesContext(connection) as ctx:
        copied = both_imports()
    monkeypatch.setattr(bulk, "_copy_supported", lambda: False)
    assert both_imports() == copied
    assert sum(q["sql"].startswith("COPY") for q in ctx.captured_queries) == 3  # deputies, mandates twice
    deputies, mandates, deputy_history, mandate_history = copied
    assert len(deputies) == 3 and len(mandates) == 5 and len(mandate_history) == 5
    assert [h["history_type"] for h in deputy_history] == ["+", "+", "+", "~"]
    assert {h["history_user_id"] for h in deputy_history + mandate_history} == {secretary.pk}


@pytest.mark.django_db(transaction=True)
def test_the_county_figures_follow_a_copied_import(township, term, secretary):
    """The COPY goes through the database write watcher (renda.core.records_cache): the cached
    county figures of the township are dropped when the import commits."""
    from renda.dashboard import figures_cache

    year, today = dt.date.today().year, dt.date.today()
    before = figures_cache.county_figures(townships=[township], year=year, today=today)[0]
    roster_import(township=township, content=_sheet(5), by=secretary)
    after = figures_cache.county_figures(townships=[township], year=year, today=today)[0]
    assert (before.deputies_total, after.deputies_total) == (0, 5)
