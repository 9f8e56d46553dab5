"""The import pages: what the preview shows, the choices it asks for, and the uploaded copy of the
file deleted on confirm, on cancel and after a day."""

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from deputies.importing import import_previews_cleanup
from deputies.models import Deputy, DeputyGroup, Mandate
from tests.deputies.factories import id_number, import_upload, make_group

pytestmark = pytest.mark.django_db

H = [
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "文化程度",
    "工作单位及职务",
    "代表层级",
    "代表小组",
    "籍贯",
]


def _file(rows):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["请在第二张表填写"])
    ws = wb.create_sheet("代表名册")
    ws.append(["红旗镇代表名册"])
    ws.append(H)
    for r in rows:
        ws.append(r)
    ws.append(["合计", "1人"])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


ROW = [
    "张明华",
    "男",
    "汉族",
    "1968.05",
    "中国民主同盟",
    "中央党校大学",
    "红星村党总支书记",
    "县乡",
    "第2代表小组",
    "无为",
]


def _previews():
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


def test_preview_shows_sheet_columns_readings_skips_and_asks(township, term, secretary, client_for):
    make_group(township, term, 1)
    c = client_for(secretary)
    before = set(_previews())
    response = import_upload(c, _file([ROW]))
    page = response.content.decode()
    assert "读取的是工作表“代表名册”，列标题在第 2–2 行。" in page
    assert (
        "中国民主同盟 → 民主党派（民盟）" in page
        and "中央党校大学 → 大学本科" in page
        and "县乡 → 县、乡镇" in page
    )
    assert "籍贯" in page and "未导入的列" in page  # the unused column, listed
    assert "合计行" in page  # the skipped total row
    assert "第2代表小组" in page and "新建缺少的代表小组" in page
    assert "新任代表的当选日期" in page
    token = response.context["token"]
    assert set(_previews()) - before == {f"{token}.upload"}
    # confirming without the date and the groups: asked again, nothing written
    response = c.post("/deputies/import/confirm/", {"token": token})
    assert response.status_code == 200 and Deputy.objects.count() == 0
    assert "请填写新代表资格的开始日期。" in response.content.decode()
    # with them: written, and the copy is gone
    response = c.post(
        "/deputies/import/confirm/", {"token": token, "elected_on": "2022-01-05", "create_groups": "on"}
    )
    assert response.status_code == 302 and Deputy.objects.count() == 1
    assert set(Mandate.objects.values_list("level", "start_date")) == {
        ("county", dt.date(2022, 1, 5)),
        ("township", dt.date(2022, 1, 5)),
    }
    assert DeputyGroup.objects.filter(number=2, name="第2代表小组").exists()
    assert f"{token}.upload" not in _previews()


def test_cancel_deletes_the_uploaded_copy(township, term, secretary, client_for):
    c = client_for(secretary)
    token = import_upload(c, _file([ROW])).context["token"]
    assert f"{token}.upload" in _previews()
    response = c.post("/deputies/import/cancel/", {"token": token})
    assert response.status_code == 302 and f"{token}.upload" not in _previews()
    response = c.post("/deputies/import/confirm/", {"token": token, "elected_on": "2022-01-05"})
    assert response.status_code == 302 and Deputy.objects.count() == 0


def test_rows_with_errors_keep_no_copy(township, term, secretary, client_for):
    before = set(_previews())
    bad = ROW.copy()
    bad[2] = "火星族"
    response = import_upload(client_for(secretary), _file([bad]))
    page = response.content.decode()
    assert response.context["token"] is None and set(_previews()) == before
    assert "C列 民族" in page and "火星族" in page


def test_previews_older_than_a_day_are_deleted(township, term, secretary, client_for):
    c = client_for(secretary)
    old = import_upload(c, _file([ROW])).context["token"]
    fresh = import_upload(c, _file([ROW])).context["token"]
    day_ago = time.time() - 25 * 3600
    os.utime(default_storage.path(f"imports/{old}.upload"), (day_ago, day_ago))
    assert import_previews_cleanup() >= 1
    assert f"{old}.upload" not in _previews() and f"{fresh}.upload" in _previews()
    default_storage.delete(f"imports/{fresh}.upload")


def test_id_number_in_preview_uses_the_apostrophe_form(township, term, secretary, client_for):
    number = id_number(dt.date(1968, 5, 12))
    row = ROW[:8] + ["", ""]
    wb = Workbook()
    wb.active.append(H + ["身份证号", "当选日期"])
    wb.active.append(row + ["'" + number, "2021.12.28"])
    out = io.BytesIO()
    wb.save(out)
    c = client_for(secretary)
    token = import_upload(c, SimpleUploadedFile("a.xlsx", out.getvalue())).context["token"]
    assert c.post("/deputies/import/confirm/", {"token": token}).status_code == 302
    assert Deputy.objects.get().id_number == number


def test_the_check_runs_as_a_background_job_with_a_progress_bar(
    township, term, secretary, other_secretary, client_for
):
    from renda.core.models import DocumentJob
    from renda.core.services import document_job_run

    c = client_for(secretary)
    response = c.post("/deputies/import/", {"file": _file([ROW])})
    assert response.status_code == 302
    job = DocumentJob.objects.get(kind="roster_import_preview")
    assert job.requested_by == secretary and job.status == DocumentJob.Status.QUEUED
    # while the worker checks the rows: a progress bar that asks to load the page again when done
    page = c.get(response["Location"]).content.decode()
    assert "<progress" in page and "then=reload" in page and "确认导入" not in page
    # nobody else sees it, and it is not a file in 我的文件
    assert client_for(other_secretary).get(response["Location"]).status_code == 404
    assert job.title not in c.get("/documents/").content.decode()
    document_job_run(job_id=job.pk)
    status = c.get(f"/documents/{job.pk}/status/?template=box&then=reload")
    assert status["HX-Refresh"] == "true"
    response = c.get(response["Location"])
    token = response.context["token"]
    assert token and "确认导入" in response.content.decode()
    # confirming deletes the kept file and what the check job wrote
    c.post("/deputies/import/confirm/", {"token": token, "elected_on": "2022-01-05", "create_groups": "on"})
    job.refresh_from_db()
    assert job.file_deleted_at is not None and not job.file


def test_a_file_that_is_not_a_roster_is_refused_next_to_the_field(township, term, secretary, client_for):
    response = import_upload(client_for(secretary), SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken"))
    assert response.context["file_error"] and response.context["token"] is None
    assert 'id="import-file-error"' in response.content.decode()
