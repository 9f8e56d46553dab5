"""Each document kind converted with headless LibreOffice: page counts, the register's columns
on page 1, the 交办单 on one page, organ names by the township's kind (镇, 乡, 街道).

Skipped without soffice, except under CI=true (where .ci/run installs it) so CI never skips."""

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.utils import translation

from proposals.documents import assignment_sheet_docx, register_headers, register_workbook
from proposals.report_data import AssignmentSheetData
from renda.core.docx_official import OfficialDocument
from renda.core.models import Township
from renda.core.organs import township_organs
from renda.dashboard import jobs
from tests.dashboard.conftest import TODAY, YEAR  # noqa: F401

HAVE_SOFFICE = bool(shutil.which("soffice") and shutil.which("pdftotext"))
pytestmark = pytest.mark.skipif(
    not HAVE_SOFFICE and os.environ.get("CI") != "true", reason="LibreOffice (soffice) is not installed"
)


def to_pdf(tmp_path, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = src.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return pdf, pages


def page_text(pdf, page):
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _assignment(township, kind, content_chars=900):
    organs = township_organs(name=township, kind=kind)
    return AssignmentSheetData(
        township=township,
        organs=organs,
        number="2025-012",
        kind="建议",
        title="关于加快推进农村饮水安全巩固提升工程的建议",
        content=("农村饮水安全关系群众切身利益。" * 80)[:content_chars],
        category="民生",
        lead_deputy="王一",
        co_signers=["李二", "张三", "赵四", "刘五"],
        by_presidium=False,
        is_key=True,
        supervising_leader="陈主席",
        lead_unit="水利站",
        assisting_units=["财政所", "村镇建设办公室"],
        responsible_leader="周副镇长",
        assigned_on=dt.date(2025, 3, 10),
        deadline=dt.date(2025, 6, 10),
        round=2,
        submitted_on=dt.date(2025, 2, 1),
    )


def test_body_text_sits_28_characters_to_a_line_and_22_lines_to_a_page(tmp_path):
    doc = OfficialDocument()
    doc.paragraph("一二三四五六七八九十" * 6, indent=False)
    for _i in range(30):  # one line each, so widow and orphan control moves none
        doc.paragraph("甲乙丙丁戊己庚" * 4, indent=False)
    pdf, pages = to_pdf(tmp_path, "版心.docx", doc.to_bytes())
    lines = [line.replace(" ", "") for line in page_text(pdf, 1).splitlines()]
    lines = [line for line in lines if line and line[0] in "一二三四五六七八九十甲"]
    assert [len(line) for line in lines[:4]] == [28, 28, 4, 28]  # 60 characters: 28 + 28 + 4
    assert len(lines) == 22  # the type area holds 22 lines


def test_page_numbers_sit_7_mm_below_the_type_area_right_then_left(tmp_path):
    """GB/T 9704 7.5: "— N —" in 4号 宋体, its dashes 7 mm below the type area's lower edge; odd
    pages on the right, even pages on the left, each one character in."""
    import re

    doc = OfficialDocument()
    for _i in range(30):
        doc.paragraph("甲乙丙丁戊己庚" * 4, indent=False)
    pdf, pages = to_pdf(tmp_path, "页码.docx", doc.to_bytes())
    assert pages == 2
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    dashes = [
        tuple(float(v) for v in m.groups())
        for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">—<', xml)
    ]
    assert len(dashes) == 4  # two per page number
    mm = 25.4 / 72
    type_bottom_mm, type_right_mm, type_left_mm = 297 - 35, 210 - 26, 28
    for _x_min, y_min, _x_max, y_max in dashes:
        assert abs((y_min + y_max) / 2 * mm - type_bottom_mm - 7) < 1
    odd_right = dashes[1][2] * mm
    even_left = dashes[2][0] * mm
    assert type_right_mm - 8 < odd_right < type_right_mm  # one character (5 mm) in from the right
    assert type_left_mm < even_left < type_left_mm + 8


@pytest.mark.parametrize(
    "township,kind,office,signer",
    [
        ("红旗镇", "zhen", "红旗镇人大办公室", "红旗镇人大主席团"),
        ("青山乡", "xiang", "青山乡人大办公室", "青山乡人大主席团"),
        ("城关街道", "jiedao", "城关街道人大工委办公室", "城关街道人大工委"),
    ],
)
def test_assignment_sheet_fits_one_page_and_names_the_office(tmp_path, township, kind, office, signer):
    with translation.override("zh-hans"):
        content = assignment_sheet_docx(_assignment(township, kind))
    pdf, pages = to_pdf(tmp_path, "交办单.docx", content)
    assert pages == 1
    text = page_text(pdf, 1).replace(" ", "").replace("\n", "")
    assert office in text and signer in text
    assert "报送镇人大办公室" not in text or kind == "zhen"
    if kind == "xiang":
        assert "镇人大" not in text


def test_register_page_one_holds_every_column(tmp_path):
    day = dt.date(2025, 6, 10)
    rows = [
        [
            "红旗镇",
            f"2025-{i:03d}",
            "建议",
            "关于加快推进农村饮水安全巩固提升工程的建议" * 2,
            "民生",
            "王一",
            "李二、张三",
            day,
            "办理中",
            "水利站",
            "财政所",
            "周副镇长",
            day,
            day,
            day,
            "A",
            "满意",
            1,
            False,
            True,
            True,
            True,
            day,
        ]
        for i in range(60)
    ]
    with translation.override("zh-hans"):
        content = register_workbook(title="红旗镇2025年议案建议办理台账", rows=rows)
        headers = register_headers()
    pdf, pages = to_pdf(tmp_path, "台账.xlsx", content)
    first = page_text(pdf, 1).replace(" ", "")
    missing = [h for h in headers if h[:2] not in first]  # narrow headers wrap after 2 characters
    assert not missing, missing
    assert pages <= 6  # 60 rows, one page wide
    assert "第1页共" in first.replace("\n", "") or "第1页" in first


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,word,congress",
    [
        ("zhen", "镇", "红旗镇人大主席团"),
        ("xiang", "乡", "红旗乡人大主席团"),
        ("jiedao", "街道", "红旗街道人大工委"),
    ],
)
def test_work_report_renders_with_the_organ_of_its_kind(tmp_path, year_data, kind, word, congress):
    t = year_data.township
    Township.objects.filter(pk=t.pk).update(kind=kind, name=f"红旗{word}")
    t.refresh_from_db()
    with translation.override("zh-hans"):
        _name, content = jobs.work_report_build(township=t, year=YEAR, today=TODAY, dated=dt.date(2026, 1, 8))
    pdf, pages = to_pdf(tmp_path, "总结.docx", content)
    assert 1 <= pages <= 8
    text = "".join(page_text(pdf, p) for p in range(1, pages + 1)).replace(" ", "").replace("\n", "")
    assert "现将工作情况汇报如下" in text
    assert congress in text and "2026年1月8日" in text
    if kind == "xiang":
        assert "镇人大" not in text and "全镇" not in text
