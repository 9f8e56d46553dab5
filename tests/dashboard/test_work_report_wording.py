"""The work report reads like a summary, not a form filled in by a machine: meetings per quarter
grouped, agenda subjects once each, a partial category list said to be partial, the presidium's
contacts with deputies counted, no "在的指导" without a county committee. Figures recounted from
the raw rows."""

import datetime as dt
import io
import re

import docx
import pytest
from django.utils import translation

from meetings.models import DeputyContact
from proposals.models import Proposal, ProposalCategory
from renda.core.models import County
from renda.dashboard.documents import quarters_text
from renda.dashboard.jobs import work_report_build

from .conftest import TODAY, YEAR, make_proposal


def _body(township, dated=dt.date(2026, 1, 8)):
    with translation.override("zh-hans"):
        _name, content = work_report_build(township=township, year=YEAR, today=TODAY, dated=dated)
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize(
    "quarters,text",
    [
        ([1, 1, 1, 1], "每季度各1次"),
        ([1, 1, 2, 1], "第一、二、四季度各1次，第三季度2次"),
        ([2, 0, 1, 0], "第一季度2次，第三季度1次"),
        ([0, 0, 0, 0], ""),
    ],
)
def test_meetings_per_quarter_are_grouped_not_enumerated(quarters, text):
    with translation.override("zh-hans"):
        assert quarters_text(quarters) == text


@pytest.mark.django_db
def test_no_mechanical_enumeration_and_no_guidance_of_an_empty_committee(year_data):
    assert not County.objects.exists() or not County.current().committee_name
    body = _body(year_data.township)
    assert not re.search(r"(\d+次、){3}", body)  # "1次、1次、1次、1次"
    assert "和听取" not in body and "在的指导" not in body
    assert "2025年，红旗镇人大在镇党委的正确领导下，切实履行宪法和法律赋予的职权" in body
    County.objects.create(name="无为县", committee_name="无为县人大常委会")
    body = _body(year_data.township)
    assert "红旗镇人大在无为县人大常委会的指导和镇党委的正确领导下" in body


@pytest.mark.django_db
def test_presidium_contacts_with_deputies_in_two_contacts_one_report(year_data):
    t = year_data.township
    wang, li, zhang, zhao, liu = year_data.deputies
    rows = [
        (wang, li, dt.date(2025, 1, 5)),
        (wang, zhang, dt.date(2025, 4, 5)),
        (wang, li, dt.date(2025, 7, 5)),
        (li, zhao, dt.date(2025, 12, 31)),
        (li, liu, dt.date(2024, 12, 31)),  # the year before
        (zhang, liu, dt.date(2026, 1, 2)),  # the year after
    ]
    DeputyContact.objects.bulk_create(
        [DeputyContact(township=t, member=m, deputy=d, date=day) for m, d, day in rows]
    )
    # independent: the raw rows of 2025
    in_year = [
        (c.member_id, c.deputy_id) for c in DeputyContact.objects.filter(township=t) if c.date.year == YEAR
    ]
    n, members, deputies = len(in_year), len({m for m, _d in in_year}), len({d for _m, d in in_year})
    assert (n, members, deputies) == (4, 2, 3)
    body = _body(t)
    assert f"全年{members}名主席团成员联系代表{n}次，联系代表{deputies}名" in body
    section = body[body.index("三、扎实开展") : body.index("四、积极组织代表活动")]
    assert "主席团成员联系代表" in section


@pytest.mark.django_db
def test_a_partial_category_list_says_so_and_the_rest_adds_up(year_data):
    t, term = year_data.township, year_data.term
    serial = 100
    for i, name in enumerate(["民生", "教育", "卫生", "农业", "交通", "环境", "治安"]):
        cat = ProposalCategory.objects.create(township=t, name=name)
        for _n in range(7 - i):
            serial += 1
            make_proposal(t, term, serial, category=cat, state="registered")
    # independent: categories of the year's accepted items, largest first
    counts: dict = {}
    for p in Proposal.objects.filter(township=t, year=YEAR).exclude(state="not_accepted"):
        name = p.category.name if p.category else "未分类"
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rest = ranked[5:]
    body = _body(t)
    assert f"件数最多的前5类为{ranked[0][0]}{ranked[0][1]}件" in body
    assert f"其余{len(rest)}类共{sum(n for _c, n in rest)}件" in body
    assert (
        sum(counts.values())
        == Proposal.objects.filter(township=t, year=YEAR).exclude(state="not_accepted").count()
    )


@pytest.mark.django_db
def test_a_subdistrict_report_names_its_working_committee_and_no_session(year_data):
    t = year_data.township
    type(t).objects.filter(pk=t.pk).update(kind="jiedao", name="城关街道")
    t.refresh_from_db()
    body = _body(t)
    assert "一、组织代表参加县人代会" in body
    assert "城关街道人大工委在街道党工委的正确领导下" in body
