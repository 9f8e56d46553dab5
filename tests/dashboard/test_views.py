import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from deputies.models import Deputy
from renda.core.models import DocumentJob
from renda.core.services import document_job_request
from renda.dashboard.models import WorkReportText
from tests.factories import DeputyFactory, UserFactory

from .conftest import YEAR


@pytest.fixture(autouse=True)
def _run_jobs_on_commit(monkeypatch):
    """Tests run inside a transaction that never commits: run on_commit work (the document
    job dispatch) at once, as a real commit would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def other_data(other_township):
    DeputyFactory(township=other_township, name="外镇代表")
    return other_township


def test_reviewer_sees_every_township_with_bounded_queries(
    year_data, other_data, reviewer, client_for, django_assert_max_num_queries
):
    client = client_for(reviewer)
    # (41: the proposals here are written without the services, so they have no stored figures
    # (proposals.summaries): the page reads them, finds none and counts the figures live)
    with django_assert_max_num_queries(41):
        response = client.get(reverse("dashboard:index"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "红旗镇" in html and "青山乡" in html
    rows = {r.township.name: r for r in response.context["rows"]}
    assert rows["红旗镇"].received == 4 and rows["青山乡"].deputies_total == 1
    assert response.context["totals"].deputies_total == 6
    assert "chart-proposals" in html and "chart-rates" in html and "chart-structure" in html
    # every township row shows its traffic lights as dots with their meaning, not as text
    first = rows["红旗镇"].lights["session"]
    assert f'<span class="light {first.css}" title="{first.label}' in html
    assert "Light(" not in html and "&lt;span" not in html


def test_dashboard_query_count_does_not_grow_with_townships(year_data, reviewer, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TermFactory, TownshipFactory

    client = client_for(reviewer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dashboard:index"), {"year": YEAR}).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for i in range(5):
        t = TownshipFactory(code=f"extra{i}", name=f"新增{i}镇")
        TermFactory(township=t)
        DeputyFactory(township=t)
    assert queries() == before


def test_township_user_sees_only_own_township(year_data, other_data, secretary, client_for):
    response = client_for(secretary).get(reverse("dashboard:index"), {"year": YEAR})
    assert [r.township.name for r in response.context["rows"]] == ["红旗镇"]
    assert "青山乡" not in response.content.decode()


def test_drill_down_lists_records_and_hides_other_townships(
    year_data, other_data, secretary, reviewer, client_for
):
    url = reverse("dashboard:records")
    response = client_for(reviewer).get(
        url, {"metric": "overdue", "township": year_data.township.pk, "year": YEAR}
    )
    assert response.status_code == 200
    assert [p.number for p in response.context["items"]] == ["2025-003"]
    own = client_for(secretary).get(
        url, {"metric": "received", "township": year_data.township.pk, "year": YEAR}
    )
    assert len(own.context["items"]) == 4
    other = client_for(secretary).get(url, {"metric": "received", "township": other_data.pk, "year": YEAR})
    assert other.status_code == 404
    assert (
        client_for(reviewer)
        .get(url, {"metric": "bogus", "township": other_data.pk, "year": YEAR})
        .status_code
        == 404
    )


def test_handling_unit_is_refused(township, client_for):
    unit_user = UserFactory(username="unit", township=township, role="handling_unit")
    assert client_for(unit_user).get(reverse("dashboard:index")).status_code == 403


def test_workbench_for_secretary(year_data, secretary, client_for):
    response = client_for(secretary).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "红旗镇" in html
    assert '<span class="light light-' in html and "Light(" not in html


def test_work_report_form_errors_beside_the_field(year_data, secretary, client_for):
    response = client_for(secretary).post(
        reverse("dashboard:year_end"),
        {"year": YEAR, "action": "save_report", "problems": "", "plans": "计划"},
    )
    assert response.status_code == 200
    assert "请填写“存在的问题”" in response.content.decode()
    assert not WorkReportText.objects.exists()
    assert not DocumentJob.objects.exists()


def test_work_report_requested_and_built(year_data, secretary, client_for):
    client = client_for(secretary)
    response = client.post(
        reverse("dashboard:year_end"),
        {"year": YEAR, "action": "save_report", "opening": "", "problems": "问题一", "plans": "打算一"},
    )
    job = DocumentJob.objects.get(kind="dashboard_work_report")
    assert response.status_code == 302 and f"job={job.pk}" in response["Location"]
    assert job.status == "done", job.error
    download = client.get(reverse("document_download", args=[job.pk]))
    assert download.status_code == 200
    doc = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "问题一" in [p.text for p in doc.paragraphs]


def test_reviewer_cannot_write_the_text_but_may_build_a_written_report(
    year_data, secretary, reviewer, client_for
):
    client = client_for(reviewer)
    session = client.session
    session["selected_township"] = year_data.township.pk
    session.save()
    url = reverse("dashboard:year_end")
    assert (
        client.post(url, {"year": YEAR, "action": "save_report", "problems": "x", "plans": "y"}).status_code
        == 403
    )
    client.post(url, {"year": YEAR, "action": "report"})
    assert not DocumentJob.objects.exists()  # nothing written by the township yet
    WorkReportText.objects.create(township=year_data.township, year=YEAR, problems="问题", plans="打算")
    client.post(url, {"year": YEAR, "action": "report"})
    assert DocumentJob.objects.get().status == "done"


def test_download_refused_to_another_township(year_data, secretary, other_secretary, client_for):
    job = document_job_request(
        by=secretary,
        kind="dashboard_deputy_archive",
        params={"year": YEAR, "deputy": year_data.deputies[0].pk},
        township=year_data.township,
    )
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert client_for(secretary).get(reverse("document_download", args=[job.pk])).status_code == 200
    assert client_for(other_secretary).get(reverse("document_download", args=[job.pk])).status_code == 404


def test_archive_contents(year_data, secretary):
    wang = year_data.deputies[0]
    job = document_job_request(
        by=secretary,
        kind="dashboard_deputy_archive",
        params={"year": YEAR, "deputy": wang.pk},
        township=year_data.township,
    )
    job.refresh_from_db()
    doc = docx.Document(job.file.open("rb"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "人大代表履职档案"
    assert "红旗镇　王一　2025年度" in texts
    assert (
        [
            "一、基本情况",
            "二、代表职务",
            "三、出席会议情况",
            "四、参加活动情况",
            "五、首次参会前培训",  # 王一 is new in the term
            "六、议案建议",
            "七、履职考核",
        ]
        == [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、", "七、"}]
    )
    tables = doc.tables
    assert tables[1].rows[1].cells[0].text in {"乡镇", "县"} or len(tables[1].rows) == 3  # two mandates
    proposals = [row.cells[0].text for row in tables[-1].rows[1:]] if len(tables) > 4 else []
    all_text = "\n".join(c.text for t in tables for row in t.rows for c in row.cells)
    assert "2025-001" in all_text and "2025-004" in all_text and "领衔" in all_text
    assert "第十八届人民代表大会第四次会议" in all_text
    del proposals


def test_failed_job_shows_its_error_and_can_be_retried(year_data, secretary, client_for):
    client = client_for(secretary)
    job = document_job_request(
        by=secretary,
        kind="dashboard_deputy_archive",
        params={"year": YEAR, "deputy": 999999},
        township=year_data.township,
    )
    job.refresh_from_db()
    assert job.status == "failed"
    page = client.get(reverse("documents")).content.decode()
    assert "本乡镇未找到该代表。" in page
    job.params = {"year": YEAR, "deputy": year_data.deputies[1].pk}
    job.save(update_fields=["params"])
    response = client.post(reverse("document_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.error == ""


def test_bundle_contents(year_data, secretary, client_for):
    WorkReportText.objects.create(township=year_data.township, year=YEAR, problems="问题", plans="打算")
    client = client_for(secretary)
    client.post(reverse("dashboard:year_end"), {"year": YEAR, "action": "bundle"})
    job = DocumentJob.objects.get(kind="dashboard_year_bundle")
    assert job.status == "done", job.error
    assert job.progress == 100
    with zipfile.ZipFile(job.file.open("rb")) as zf:
        names = zf.namelist()
        base = "2025/红旗镇/"
        assert f"{base}红旗镇_2025年_人大工作总结.docx" in names
        assert any(n.startswith(base) and "名册" in n for n in names)
        assert f"{base}红旗镇_2025年_议案建议办理台账.xlsx" in names
        archives = [n for n in names if n.startswith(f"{base}代表履职档案/")]
        assert len(archives) == 5  # every deputy with a mandate in 2025
        contents = zf.read("2025/目录.txt").decode()
        assert "红旗镇：2025年暂无代表履职考核评分表（尚未计算）。" in contents  # no computed scores: said so
        register = openpyxl.load_workbook(io.BytesIO(zf.read(f"{base}红旗镇_2025年_议案建议办理台账.xlsx")))
        assert register.active.max_row >= 5


def test_dashboard_export_xlsx(year_data, reviewer, client_for):
    client = client_for(reviewer)
    response = client.post(reverse("dashboard:export"), {"year": YEAR})
    job = DocumentJob.objects.get(kind="dashboard_xlsx")
    assert response.status_code == 302 and job.status == "done", job.error
    ws = openpyxl.load_workbook(job.file.open("rb")).active
    assert ws["A3"].value == "红旗镇"
    headers = [c.value for c in ws[2]]
    assert ws.cell(row=3, column=headers.index("收到建议") + 1).value == 4
    rate = ws.cell(row=3, column=headers.index("办结率") + 1)
    assert rate.value == 0.5 and rate.number_format == "0.0%"


def test_commands(year_data, admin_user, tmp_path):
    out = tmp_path / "report.docx"
    call_command("build_work_report", township="hongqi", year=YEAR, out=str(out))
    assert docx.Document(str(out)).paragraphs[0].text == "红旗镇2025年人大工作总结"
    bundle = tmp_path / "bundle.zip"
    call_command("build_year_bundle", township="hongqi", year=YEAR, out=str(bundle))
    with zipfile.ZipFile(bundle) as zf:
        assert "2025/红旗镇/红旗镇_2025年_人大工作总结.docx" in zf.namelist()


def test_archive_from_the_deputy_page(year_data, secretary, other_secretary, client_for):
    wang = year_data.deputies[0]
    url = reverse("dashboard:deputy_archive")
    assert client_for(other_secretary).post(url, {"deputy": wang.pk, "year": YEAR}).status_code == 404
    response = client_for(secretary).post(url, {"deputy": wang.pk, "year": YEAR})
    assert response.status_code == 302 and response["Location"] == reverse("documents")
    job = DocumentJob.objects.get(kind="dashboard_deputy_archive")
    assert job.status == "done" and job.township == year_data.township
    page = client_for(secretary).get(reverse("deputies:detail", args=[wang.pk]), {"year": YEAR})
    assert url in page.content.decode()


@pytest.mark.parametrize(
    ("metric", "list_name"),
    [
        ("overdue", "proposals:list"),
        ("deputies", "deputies:list"),
        ("receptions", "meetings:index"),
        ("plans", "meetings:plans"),
        ("sessions", "meetings:index"),
    ],
)
def test_drill_down_links_the_full_list_of_its_records(year_data, reviewer, client_for, metric, list_name):
    response = client_for(reviewer).get(
        reverse("dashboard:records"), {"metric": metric, "township": year_data.township.pk, "year": YEAR}
    )
    assert response.status_code == 200 and response.context["list_url"] == reverse(list_name)


def test_dashboard_names_the_deputies_levels(year_data, reviewer, client_for):
    levels = client_for(reviewer).get(reverse("dashboard:index"), {"year": YEAR}).context["levels"]
    assert list(levels) == ["national", "provincial", "city", "county", "township"]


def test_year_end_page_lists_the_deputies_and_builds_one_archive(
    year_data, other_data, secretary, client_for
):
    client = client_for(secretary)
    url = reverse("dashboard:year_end")
    page = client.get(url, {"year": YEAR})
    listed = [d.name for d in page.context["deputies"]]
    assert listed and "外镇代表" not in listed
    wang = year_data.deputies[0]
    response = client.post(url, {"year": YEAR, "action": "archive", "deputy": wang.pk})
    assert response.status_code == 302
    job = DocumentJob.objects.get(kind="dashboard_deputy_archive")
    assert job.township == year_data.township and job.params["deputy"] == wang.pk
    stranger = Deputy.objects.get(name="外镇代表")
    assert client.post(url, {"year": YEAR, "action": "archive", "deputy": stranger.pk}).status_code == 404
    assert client.post(url, {"year": YEAR, "action": "archive", "deputy": "abc"}).status_code == 404


def test_bundle_progress_rises_to_the_end(year_data, secretary):
    from renda.dashboard.jobs import year_bundle_files

    seen = []
    year_bundle_files(townships=[year_data.township], year=YEAR, requested_by=secretary, progress=seen.append)
    assert seen == sorted(seen) and len(seen) >= 4 and seen[-1] == 95


def test_bundle_of_a_dead_worker_is_built_again(year_data, secretary, settings):
    import datetime as dt

    from django.utils import timezone

    from renda.core.services import document_jobs_requeue_stale

    job = DocumentJob.objects.create(
        kind="dashboard_year_bundle",
        title="年终资料",
        params={"year": YEAR},
        township=year_data.township,
        requested_by=secretary,
        status=DocumentJob.Status.RUNNING,
        progress=40,
        attempts=1,
    )
    later = timezone.now() + dt.timedelta(seconds=settings.DOCUMENT_STALE_AFTER_SECONDS + 60)
    assert document_jobs_requeue_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.progress == 100
    with zipfile.ZipFile(job.file.open("rb")) as zf:
        assert "2025/红旗镇/红旗镇_2025年_人大工作总结.docx" in zf.namelist()


def test_dashboard_shows_the_contact_duty_lights_recounted_from_raw_rows(year_data, reviewer, client_for):
    import datetime as dt

    from deputies.models import Mandate
    from meetings.models import ActivityParticipation

    client = client_for(reviewer)
    response = client.get(reverse("dashboard:index"), {"year": YEAR})
    row = {r.township.name: r for r in response.context["rows"]}["红旗镇"]
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    serving = {
        m.deputy_id
        for m in Mandate.objects.filter(township=year_data.township, level="township")
        if m.start_date <= end and (m.end_date is None or m.end_date >= start)
    }
    visits = {}
    for p in ActivityParticipation.objects.filter(
        township=year_data.township, activity__kind="visit", activity__start_date__year=YEAR
    ).select_related("activity"):
        n, v = visits.get(p.deputy_id, (0, 0))
        visits[p.deputy_id] = (n + 1, v + (p.activity.voter_count or 0))
    met = sum(1 for d in serving if visits.get(d, (0, 0))[0] >= 2 and visits.get(d, (0, 0))[1] >= 20)
    assert (row.contact_deputies, row.contact_deputies_met) == (len(serving), met)
    assert row.lights["voter_contacts"].colour == ("green" if met == len(serving) else "red")
    assert row.contact_members == 0 and row.lights["member_contacts"].colour == "grey"
    html = response.content.decode()
    assert f"{met}/{len(serving)}" in html
    drill = client.get(
        reverse("dashboard:records"),
        {"metric": "voter_contacts", "township": year_data.township.pk, "year": YEAR},
    )
    assert drill.status_code == 200 and len(drill.context["items"]) == len(serving) - met
    drill = client.get(
        reverse("dashboard:records"),
        {"metric": "member_contacts", "township": year_data.township.pk, "year": YEAR},
    )
    assert drill.status_code == 200 and drill.context["items"] == []
