"""The deputy archive (一人一档) is built once (renda.core.archive): the deputy's page and the
.docx show the same sections with the same figures, each figure recounted here from the raw
rows; the providers' queries do not grow with the number of deputies."""

import datetime as dt
import io
import re
import shutil
import subprocess
import uuid
from html.parser import HTMLParser

import docx
import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import ScoreResult
from assessments.services import assessment_compute
from deputies.models import Deputy, LiaisonStation, Mandate
from meetings.models import (
    ActivityParticipation,
    Commendation,
    FloorSpeech,
    PresidiumAttendance,
    RotaEntry,
    SessionAttendance,
)
from proposals.models import Proposal
from renda.core import hooks
from renda.core.archive import ARCHIVE_SECTION, ArchiveSection, DeputyArchive, Link, deputy_archives
from renda.dashboard.documents import deputy_archive_docx

from .conftest import YEAR
from .test_documents import add_deputies

HEADING = re.compile(r"^[一二三四五六七八九十]+、(.+)$")


def _docx_sections(content: bytes) -> dict:
    """{title: {"summary": [paragraphs], "rows": [[cell texts]]}} read back from the .docx, in
    the document's order (the body's paragraphs and tables as they come)."""
    document = docx.Document(io.BytesIO(content))
    out: dict = {}
    current = None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            match = HEADING.match(text)
            if match:
                current = out.setdefault(match.group(1), {"summary": [], "rows": []})
            elif current is not None and text:
                current["summary"].append(text)
        elif tag == "tbl" and current is not None:
            table = docx.table.Table(block, document)
            current["rows"] = [[c.text for c in row.cells] for row in table.rows[1:]]
    return out


class _PageSections(HTMLParser):
    """The archive sections of the deputy page: {key: {"title", "summary", "rows", "links"}}."""

    def __init__(self):
        super().__init__()
        self.sections: dict = {}
        self.current = None
        self.field = None
        self.row = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-archive-section" in attrs:
            self.current = self.sections.setdefault(
                attrs["data-archive-section"], {"title": "", "summary": "", "rows": [], "links": []}
            )
        elif self.current is None:
            return
        elif tag == "h3":
            self.field = "title"
        elif tag == "p" and "data-archive-summary" in attrs:
            self.field = "summary"
        elif tag == "tr" and self.row is None:
            self.row = []
        elif tag == "td":
            self.row.append("")
            self.field = "td"
        elif tag == "a" and self.field != "td":
            self.current["links"].append(attrs.get("href"))
        elif tag == "br" and self.field == "td":
            self.row[-1] += "\n"

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "section":
            self.current = None
        elif tag in ("h3", "p", "td"):
            self.field = None if tag != "td" else None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.current["rows"].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.current is None or self.field is None:
            return
        if self.field == "td":
            self.row[-1] += data.strip("\n ") if not self.row[-1] else data.rstrip("\n")
        else:
            self.current[self.field] += data.strip()


def _page_sections(client, deputy, year):
    response = client.get(reverse("deputies:detail", args=[deputy.pk]), {"year": year})
    assert response.status_code == 200
    parser = _PageSections()
    parser.feed(response.content.decode())
    return response, parser.sections


@pytest.fixture
def archived(year_data, secretary):
    """year_data with every section filled for 王一: a commendation, a rota turn, a score."""
    t, wang = year_data.township, year_data.deputies[0]
    FloorSpeech.objects.create(township=t, session=year_data.session, deputy=wang, topic="集镇供水")
    PresidiumAttendance.objects.create(
        township=t, meeting=year_data.meetings[0], deputy=wang, status="excused", reason="外出\n学习"
    )
    Commendation.objects.create(
        township=t, deputy=wang, year=YEAR, kind=Commendation.Kind.DEPUTY, document_no="红人发〔2025〕3号",
        date=dt.date(YEAR, 12, 20),
    )  # fmt: skip
    station = LiaisonStation.objects.get(township=t)
    RotaEntry.objects.create(township=t, deputy=wang, station=station, date=dt.date(YEAR, 5, 6))
    with translation.override("zh-hans"):
        assessment_compute(township=t, year=YEAR, by=secretary)
    return year_data


def _raw_figures(deputy, year):
    """Each figure of the archive counted straight from its table."""
    proposals = Proposal.objects.filter(year=year).filter(
        Q(lead_deputy=deputy) | Q(pk__in=Proposal.co_signers.through.objects.filter(deputy=deputy).values("proposal_id"))
    )  # fmt: skip
    score = ScoreResult.objects.filter(deputy=deputy, assessment__year=year).first()
    return {
        "mandates": Mandate.objects.filter(deputy=deputy, start_date__lte=dt.date(year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=dt.date(year, 1, 1)))
        .count(),
        "attendance": SessionAttendance.objects.filter(deputy=deputy, session__start_date__year=year).count()
        + PresidiumAttendance.objects.filter(deputy=deputy, meeting__date__year=year).count(),
        "speeches": FloorSpeech.objects.filter(deputy=deputy, session__start_date__year=year).count(),
        "activities": ActivityParticipation.objects.filter(
            deputy=deputy, activity__start_date__year=year
        ).count(),
        "proposals": sorted(proposals.values_list("number", flat=True)),
        "commendations": Commendation.objects.filter(deputy=deputy, year=year).count(),
        "rota": RotaEntry.objects.filter(deputy=deputy, date__year=year).count(),
        "score": score,
    }


def test_page_and_docx_show_the_same_sections_and_figures(archived, secretary, client_for):
    wang = archived.deputies[0]
    with translation.override("zh-hans"):
        archive = next(
            a
            for a in deputy_archives(township_ids=[archived.township.pk], year=YEAR)
            if a.deputy_id == wang.pk
        )
        content = deputy_archive_docx(archive)
    response, page = _page_sections(client_for(secretary), wang, YEAR)
    written = _docx_sections(content)

    # the same sections, in the same order, on the page and in the document (the page adds its action)
    document_titles = list(written)[1:]  # after 一、基本情况
    page_titles = [s["title"] for key, s in page.items() if key != "dashboard"]
    assert document_titles == page_titles == [s.title for s in archive.document_sections]
    assert "dashboard" in page and reverse("dashboard:deputy_archive") in response.content.decode()
    assert "archive document" not in str(written).lower()

    # the same rows and summaries (a link on the page is its text in the .docx)
    by_key = {s.key: s for s in archive.document_sections}
    for key, section in by_key.items():
        on_page, in_doc = page[key], written[section.title]
        assert on_page["rows"] == in_doc["rows"] == [[str(c) for c in row] for row in section.rows], key
        said = [x for x in (section.summary, section.empty_message) if x]
        assert in_doc["summary"] == said, key
        assert on_page["summary"] == section.summary, key

    # each figure recounted from the raw rows
    raw = _raw_figures(wang, YEAR)
    assert len(by_key["deputies.roster"].rows) == raw["mandates"] == 2
    assert "第一代表小组" in by_key["deputies.roster"].summary
    assert len(by_key["meetings.attendance"].rows) == raw["attendance"] == 2
    assert f"人代会审议发言{raw['speeches']}次" in by_key["meetings.attendance"].summary
    assert (
        "外出\n学习" in written["出席会议情况"]["rows"][1]
        and "外出\n学习" in page["meetings.attendance"]["rows"][1]
    )
    assert len(by_key["meetings.activities"].rows) == raw["activities"]
    assert f"本年度参加活动{raw['activities']}次。" == by_key["meetings.activities"].summary
    assert sorted(r[0] for r in by_key["proposals"].rows) == raw["proposals"] == ["2025-001", "2025-004"]
    assert len(by_key["meetings.commendations"].rows) == raw["commendations"] == 1
    assert len(by_key["meetings.rota"].rows) == raw["rota"] == 1
    score = raw["score"]
    assert score is not None and f"总分{score.total}分，排名第{score.rank}" in by_key["assessments"].summary
    assert len(by_key["assessments"].rows) == len(score.lines) > 0

    # the page links the records: a session, an activity, a proposal, the rota turn, the score card
    html = response.content.decode()
    assert reverse("meetings:session_detail", args=[archived.session.pk]) in html
    assert reverse("proposals:detail", args=[Proposal.objects.get(number="2025-001").pk]) in html
    assert reverse("meetings:rota_entry", args=[RotaEntry.objects.get().pk]) in html
    assert reverse("assessments:card", args=[score.assessment_id, wang.pk]) in html


def test_a_deputy_without_records_has_the_same_empty_sections_on_page_and_docx(
    year_data, secretary, client_for
):
    qian = Deputy.objects.get(name="钱六")  # mandate ended in 2024: asked for by id
    with translation.override("zh-hans"):
        archive = deputy_archives(township_ids=[year_data.township.pk], year=YEAR, deputy_ids=[qian.pk])[0]
        written = _docx_sections(deputy_archive_docx(archive))
    _response, page = _page_sections(client_for(secretary), qian, YEAR)
    keys = ["deputies.roster", "meetings.attendance", "meetings.activities", "proposals", "assessments"]
    assert [s.key for s in archive.sections] == keys and list(page) == [*keys, "dashboard"]
    for section in archive.document_sections:
        assert not section.rows and page[section.key]["rows"] == written[section.title]["rows"] == []
        assert written[section.title]["summary"] == [x for x in (section.summary, section.empty_message) if x]
    assert written["代表职务"]["summary"] == ["2025年无代表资格。"]


def test_the_archives_queries_do_not_grow_with_the_deputies(archived):
    def count():
        with CaptureQueriesContext(connection) as ctx, translation.override("zh-hans"):
            archives = deputy_archives(township_ids=[archived.township.pk], year=YEAR)
        return len(ctx.captured_queries), len(archives)

    before, n = count()
    add_deputies(archived, 6, start=0)
    after, m = count()
    assert after == before <= 21 and m == n + 6


def test_the_page_queries_are_bounded(archived, secretary, client_for, django_assert_max_num_queries):
    client = client_for(secretary)
    url = reverse("deputies:detail", args=[archived.deputies[0].pk])
    client.get(url, {"year": YEAR})
    with django_assert_max_num_queries(45):
        assert client.get(url, {"year": YEAR}).status_code == 200


def test_a_provider_gets_the_whole_batch_once_and_its_section_is_on_page_and_docx(
    year_data, secretary, client_for
):
    calls = []

    def provider(*, deputies, year, user=None, today=None):
        calls.append(([d.deputy_id for d in deputies], year, getattr(user, "pk", None)))
        return {
            d.deputy_id: ArchiveSection(
                key="tests.example", title="示例", summary=f"{d.name} {year}", headers=("甲",),
                rows=[(Link("记录", "/x/"),)],
            )
            for d in deputies
        }  # fmt: skip

    hooks.register(ARCHIVE_SECTION, provider, order=999)
    try:
        with translation.override("zh-hans"):
            archives = deputy_archives(township_ids=[year_data.township.pk], year=YEAR)
        assert len(calls) == 1 and len(calls[0][0]) == len(archives) == 5
        assert (
            isinstance(archives[0], DeputyArchive)
            and archives[0].document_sections[-1].key == "tests.example"
        )
        written = _docx_sections(deputy_archive_docx(archives[0]))
        assert written["示例"] == {"summary": [f"{archives[0].name} {YEAR}"], "rows": [["记录"]]}
        _response, page = _page_sections(client_for(secretary), year_data.deputies[0], YEAR)
        assert page["tests.example"]["rows"] == [["记录"]] and calls[-1] == (
            [year_data.deputies[0].pk],
            YEAR,
            secretary.pk,
        )
    finally:
        hooks.unregister(ARCHIVE_SECTION, provider)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_archive(archived, tmp_path):
    wang = archived.deputies[0]
    with translation.override("zh-hans"):
        archive = deputy_archives(township_ids=[archived.township.pk], year=YEAR, deputy_ids=[wang.pk])[0]
        (tmp_path / "archive.docx").write_bytes(deputy_archive_docx(archive))
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text",
         "--outdir", str(tmp_path / "out"), str(tmp_path / "archive.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "out" / "archive.txt").read_text(encoding="utf-8-sig")
    for section in archive.document_sections:
        assert section.title in text
    assert "红人发〔2025〕3号" in text and "2025-004" in text
