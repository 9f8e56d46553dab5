"""Year-end documents in bulk: the deputy archives, the bundle and the dashboard workbook.

Query counts must not grow with the number of deputies or townships, and the archives written
by one shared DeputyArchiveWriter must be the documents OfficialDocument makes."""

import datetime as dt
import io
import zipfile
from dataclasses import replace

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from deputies.models import GroupMembership
from meetings.models import PresidiumAttendance, SessionAttendance
from renda.core.archive import deputy_archives, deputy_archives_by_township
from renda.core.docx_official import OfficialDocument
from renda.dashboard import documents, jobs, selectors
from renda.dashboard.documents import DeputyArchiveWriter, deputy_archive_docx, h1
from tests.factories import DeputyFactory, TermFactory, TownshipFactory

from .conftest import TODAY, YEAR, activity, make_proposal


def add_deputies(year_data, n, start):
    """`n` more deputies of the township, each with a record in every archive section."""
    t = year_data.township
    for i in range(n):
        d = DeputyFactory(township=t, name=f"新增代表{start + i}")
        SessionAttendance.objects.create(
            township=t, session=year_data.session, deputy=d, status="excused", reason="外出\n务工"
        )
        PresidiumAttendance.objects.create(township=t, meeting=year_data.meetings[0], deputy=d)
        GroupMembership.objects.create(township=t, group=year_data.groups[0], deputy=d, term=year_data.term)
        activity(t, "visit", dt.date(YEAR, 7, 1 + i), topic=f"走访{start + i}", deputies=(d,))
        p = make_proposal(t, year_data.term, 100 + start + i, lead_deputy=d, lead_unit=year_data.unit)
        p.co_signers.add(year_data.deputies[0])


def queries(fn):
    with CaptureQueriesContext(connection) as ctx, translation.override("zh-hans"):
        fn()
    return len(ctx.captured_queries)


def _archives(township, **kwargs):
    return deputy_archives(township_ids=[township.pk], year=YEAR, **kwargs)


def test_archive_data_queries_do_not_grow_with_deputies(year_data):
    def archives():
        return _archives(year_data.township)

    before = queries(archives)
    add_deputies(year_data, 6, start=0)
    assert queries(archives) == before <= 21  # four of them: new deputies' training; one: reception issues
    with translation.override("zh-hans"):
        assert len(archives()) == 5 + 6


def test_bundle_queries_do_not_grow_with_deputies(year_data, secretary):
    def bundle():
        jobs.year_bundle_files(townships=[year_data.township], year=YEAR, requested_by=secretary)

    queries(bundle)  # caches filled on the first build (content types …)
    before = queries(bundle)
    add_deputies(year_data, 6, start=0)
    assert queries(bundle) == before


def test_county_bundle_reads_reports_and_archives_in_the_same_queries_for_more_townships(
    year_data, admin_user, monkeypatch
):
    """The work reports, their texts and the archives: one set of queries for a batch of
    townships. (The other apps' documents (jobs.bundle_parts) are left out here: each is built by
    its app, per township.)"""
    monkeypatch.setattr(jobs, "bundle_parts", lambda: [])

    def bundle(townships):
        return lambda: jobs.year_bundle_files(townships=townships, year=YEAR, requested_by=admin_user)

    one = queries(bundle([year_data.township]))
    others = []
    for i in range(4):
        t = TownshipFactory(code=f"more{i}", name=f"新增{i}镇", kind="jiedao" if i % 2 else "zhen")
        TermFactory(township=t)
        d = DeputyFactory(township=t)
        activity(t, "reception", dt.date(YEAR, 3, 1), deputies=(d,))
        others.append(t)
    assert queries(bundle([year_data.township, *others])) == one


def test_work_reports_of_several_townships_equal_each_one_alone(year_data, other_township):
    DeputyFactory(township=other_township, name="外镇代表")
    townships = [year_data.township, other_township]
    texts = {year_data.township.pk: {"problems": "问题", "plans": "打算", "opening": ""}}
    with translation.override("zh-hans"):
        together = selectors.work_reports_data(townships=townships, year=YEAR, texts=texts, today=TODAY)
        for t in townships:
            assert together[t.pk] == selectors.work_report_data(
                township=t, year=YEAR, texts=texts.get(t.pk), today=TODAY
            )
    assert together[year_data.township.pk].presidium.adhoc == 1
    assert together[other_township.pk].sessions == []


def test_archives_of_several_townships_equal_each_one_alone(year_data, other_township):
    DeputyFactory(township=other_township, name="外镇代表")
    with translation.override("zh-hans"):
        together = deputy_archives_by_township(
            township_ids=[year_data.township.pk, other_township.pk], year=YEAR
        )
        for t in (year_data.township, other_township):
            assert together[t.pk] == _archives(t)
    assert [a.name for a in together[other_township.pk]] == ["外镇代表"]


def _reference_archive(archive):
    """The archive as the OfficialDocument API makes it, paragraph by paragraph and cell by cell."""
    doc = OfficialDocument(_("Deputy performance archive"))
    heading = {"township": archive.township_name, "name": archive.name, "year": archive.year}
    doc.paragraph(_("%(township)s · %(name)s · %(year)s") % heading, align="center", indent=False)
    doc.heading1(h1(1, _("Profile")))
    doc.table([_("Item"), _("Content")], archive.profile, widths_mm=(40, 116))
    for n, section in enumerate(archive.document_sections, start=2):
        doc.heading1(h1(n, section.title))
        if section.summary:
            doc.paragraph(section.summary)
        if section.rows:
            rows = [[str(cell) for cell in row] for row in section.rows]
            doc.table(section.headers, rows, widths_mm=section.widths or None)
        elif section.empty_message:
            doc.paragraph(section.empty_message)
    return doc.to_bytes()


def _parts(content):
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_archives_from_one_writer_are_the_documents_official_document_makes(year_data):
    add_deputies(year_data, 2, start=0)
    with translation.override("zh-hans"):
        archives = _archives(year_data.township)
        assert all(a.sections[0].rows for a in archives)  # every one with a mandate
        # Texts python-docx writes specially: outer spaces, tabs, an empty cell.
        profile = list(archives[0].profile)
        profile[7], profile[8] = (profile[7][0], " 镇农业站\t站长 "), (profile[8][0], "")
        archives[0] = replace(archives[0], profile=tuple(profile))
        writer = DeputyArchiveWriter()
        written = [deputy_archive_docx(a, writer=writer) for a in archives]
        references = [_reference_archive(a) for a in archives]
    assert {len(a.sections[0].rows) for a in archives} >= {1, 2}  # tables of one and more rows
    for content, reference in zip(written, references):
        parts, expected = _parts(content), _parts(reference)
        assert parts.keys() == expected.keys()
        for name in expected:
            if name != "docProps/core.xml":
                assert parts[name] == expected[name], name
    doc = docx.Document(io.BytesIO(written[0]))
    assert doc.tables[0].rows[8].cells[1].text == " 镇农业站\t站长 "
    new = next(
        d
        for d in map(docx.Document, map(io.BytesIO, written))
        if "红旗镇　新增代表1　2025年度" in d.paragraphs[2].text
    )
    assert new.tables[2].rows[1].cells[3].text == "外出\n务工"  # the session attendance, a line break kept


def test_archive_writer_starts_each_archive_afresh(year_data):
    with translation.override("zh-hans"):
        first, second = _archives(year_data.township)[:2]
        writer = DeputyArchiveWriter()
        deputy_archive_docx(first, writer=writer)
        again = deputy_archive_docx(second, writer=writer)
        alone = deputy_archive_docx(second)
    assert _parts(again)["word/document.xml"] == _parts(alone)["word/document.xml"]
    assert first.name not in "\n".join(p.text for p in docx.Document(io.BytesIO(again)).paragraphs)


def test_bundle_stores_documents_that_are_zipped_already(year_data, secretary):
    with translation.override("zh-hans"):
        content = documents.zip_bytes(
            jobs.year_bundle_files(townships=[year_data.township], year=YEAR, requested_by=secretary)
        )
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        kinds = {i.filename.rsplit(".", 1)[-1]: i.compress_type for i in zf.infolist()}
        assert kinds == {"txt": zipfile.ZIP_DEFLATED, "docx": zipfile.ZIP_STORED, "xlsx": zipfile.ZIP_STORED}
        assert zf.testzip() is None


@pytest.fixture
def more_townships(db):
    def make(n):
        for i in range(n):
            t = TownshipFactory(code=f"x{n}t{i}", name=f"另{n}镇{i}")
            TermFactory(township=t)
            DeputyFactory(township=t)

    return make


def test_dashboard_workbook_queries_do_not_grow_with_townships(year_data, reviewer, more_townships):
    from renda.core.access import access_for

    def workbook():
        townships = access_for(reviewer).townships()
        return lambda: jobs.dashboard_workbook_build(townships=townships, year=YEAR, today=TODAY)

    before = queries(workbook())
    more_townships(5)
    assert queries(workbook()) == before


def test_dashboard_workbook_styles(year_data, other_township):
    with translation.override("zh-hans"):
        content = jobs.dashboard_workbook_build(
            townships=[year_data.township, other_township], year=YEAR, today=TODAY
        )
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws["A1"].font.bold and ws["A1"].font.size == 14
    assert all(c.font.bold and c.border.left.style == "thin" and c.alignment.wrap_text for c in ws[2])
    body = [c for row in ws.iter_rows(min_row=3, max_row=4) for c in row]
    assert all(c.border.left.style == "thin" and not c.font.bold for c in body)
    fills = {c.fill.fgColor.rgb for c in body if c.fill.fill_type == "solid"}
    assert fills and fills <= {"00C7EFCF", "00FFE8B0", "00F8C4C4"}
    assert any(c.fill.fill_type is None for c in body)  # cells without a light stay plain


def test_dashboard_workbook_holds_one_number_a_cell(year_data, other_township):
    # given the dashboard workbook of a 镇 and a 乡
    with translation.override("zh-hans"):
        content = jobs.dashboard_workbook_build(
            townships=[year_data.township, other_township], year=YEAR, today=TODAY
        )
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [c.value for c in ws[2]]
    row = {h: c for h, c in zip(headers, ws[3])}
    # then quarters are columns of numbers, rates are numbers shown as percentages
    quarters = [row[f"主席团会议{q}季度"].value for q in "一二三四"]
    assert all(isinstance(n, int) for n in quarters) and sum(quarters) == len(year_data.meetings)
    for rate in ("办结率", "按期答复率", "见面率", "满意率"):
        cell = row[rate]
        assert cell.value is None or (isinstance(cell.value, float) and 0 <= cell.value <= 1), rate
        assert cell.number_format == "0.0%", rate
    # every figure cell holds a number or nothing, never text such as "1 1 1 1" or "79.8%"
    for h, cell in row.items():
        if h != "乡镇":
            assert cell.value is None or isinstance(cell.value, int | float), (h, cell.value)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
