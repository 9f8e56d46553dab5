import io

import docx
import pytest
from django.utils import translation
from docx.oxml.ns import qn
from docx.shared import Pt

from renda.dashboard import selectors
from renda.dashboard.documents import work_report_docx
from renda.dashboard.jobs import work_report_build
from renda.dashboard.services import work_report_text_save

from .conftest import TODAY, YEAR

HEADINGS = [
    "一、依法开好人代会",
    "二、规范主席团会议",
    "三、扎实开展“两联一述”工作",
    "四、积极组织代表活动",
    "五、代表建议办理",
    "六、存在的问题",
    "七、下一步工作打算",
]


def _east_asian(run):
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def build(year_data, secretary, **texts):
    work_report_text_save(
        township=year_data.township,
        year=YEAR,
        opening=texts.get("opening", ""),
        problems=texts.get("problems", "（一）代表活动不够均衡\n个别代表小组活动次数偏少。"),
        plans=texts.get("plans", "进一步加强代表小组建设。"),
        by=secretary,
    )
    with translation.override("zh-hans"):
        _name, content = work_report_build(township=year_data.township, year=YEAR, today=TODAY)
    return docx.Document(io.BytesIO(content))


def test_sections_in_order_with_figures_from_the_database(year_data, secretary):
    doc = build(year_data, secretary)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "红旗镇2025年人大工作总结"
    assert texts[1] == "（草稿）"  # a past year's report stays a draft until its 成文日期 is chosen
    assert texts[texts.index(HEADINGS[0]) - 1].endswith("现将工作情况汇报如下：")
    positions = [texts.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    body = "\n".join(texts)
    # 一: the session, its date, reports and attendance.
    assert "3月10日至3月11日，召开了第十八届人民代表大会第四次会议。" in body
    assert "政府工作报告和主席团工作报告" in body
    assert "应到代表5名，实到3名，出席率60.0%；请假1名，无故缺席1名" in body
    assert "审议中发言1人次" in body
    # 二: meetings per quarter, the missed quarter, topics and decisions.
    assert "共召开主席团会议4次（第一、四季度各1次，第二季度2次；其中临时会议1次）" in body
    assert "第三季度未召开会议" in body
    assert "会议共研究议题4项，内容为：听取议题1；听取议题2；听取议题3；听取议题4。" in body
    assert "作出决定、形成审议意见2项，已落实并反馈1项" in body
    # 三: station, receptions, 述职.
    assert "代表联络站（代表之家、联络点）1个（新城代表联络站），进站代表2名" in body
    assert "有11个月开展代表接待选民活动，共接待12次，代表值班24人次" in body
    assert "组织1名代表向原选区选民述职" in body
    # 四: groups, rooms, activities and trainings.
    assert "红旗镇共有各级人大代表5名（县人大代表1名和镇人大代表5名）；因部分代表同时担任多级人大代表" in body
    assert "共划分代表小组2个" in body
    assert "第一代表小组活动室设在新城村部，代表主要来源于新城村，共有成员2名。" in body
    assert "各代表小组共开展活动8次，参加代表16人次；2个代表小组中有1个做到每季度均开展活动" in body
    assert "共组织代表学习培训1次，参训代表3人次" in body
    # 五: the four rates, equal to the dashboard figures.
    row = selectors.county_figures(townships=[year_data.township], year=YEAR, today=TODAY)[0]
    assert f"本年度共收到代表议案、建议{row.received}件" in body
    assert "已办结2件，办结率50.0%；已书面答复3件，按期答复率66.7%；承办单位与代表见面率66.7%" in body
    assert "满意和基本满意率50.0%" in body
    assert "尚有1件超过办理期限" in body


def test_secretary_text_included_and_subheading_recognised(year_data, secretary):
    doc = build(year_data, secretary, opening="今年以来，镇人大认真履职。")
    texts = [p.text for p in doc.paragraphs]
    assert (
        texts[texts.index(HEADINGS[0]) - 1]
        == "今年以来，镇人大认真履职。本报告数据截至2025年12月31日。现将工作情况汇报如下："
    )
    problems = texts.index("六、存在的问题")
    assert texts[problems + 1] == "（一）代表活动不够均衡"
    assert texts[problems + 2] == "个别代表小组活动次数偏少。"
    assert texts[texts.index("七、下一步工作打算") + 1] == "进一步加强代表小组建设。"
    sub = doc.paragraphs[problems + 1]
    assert _east_asian(sub.runs[0]) == "楷体_GB2312"


def test_page_setup_and_fonts(year_data, secretary):
    doc = build(year_data, secretary)
    section = doc.sections[0]
    mm = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    first = [p.text for p in doc.paragraphs].index(HEADINGS[0])
    title, heading, body = doc.paragraphs[0], doc.paragraphs[first], doc.paragraphs[first + 1]
    assert title.alignment == 1  # centred
    assert _east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert heading.text == HEADINGS[0]
    assert _east_asian(heading.runs[0]) == "黑体" and heading.runs[0].font.size == Pt(16)
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    footer = "".join(r.text for r in section.footer.paragraphs[0].runs)
    assert footer.startswith("— ") and footer.endswith(" —")
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_empty_township_year_reads_sensibly(other_township):
    with translation.override("zh-hans"):
        data = selectors.work_report_data(township=other_township, year=YEAR, today=TODAY)
        doc = docx.Document(io.BytesIO(work_report_docx(data)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年未召开人民代表大会会议" in body
    assert "本年度未收到代表议案和建议。" in body
    assert all(h in body for h in HEADINGS)


def test_subdistrict_report_has_no_presidium_section(db):
    from tests.factories import TermFactory, TownshipFactory

    jd = TownshipFactory(name="城关街道", code="chengguan", kind="jiedao")
    TermFactory(township=jd)
    with translation.override("zh-hans"):
        data = selectors.work_report_data(township=jd, year=YEAR, today=TODAY)
        doc = docx.Document(io.BytesIO(work_report_docx(data)))
    texts = [p.text for p in doc.paragraphs]
    assert "二、规范人大工委工作" in texts
    assert "城关街道作为街道，设人大工作委员会，不设主席团" in "\n".join(texts)
    assert texts[-1].startswith("2026年") and texts[-2] == "城关街道人大工作委员会"


def test_only_the_townships_staff_may_write_its_text(year_data, reviewer, other_secretary):
    from renda.core.exceptions import ApplicationError
    from renda.dashboard.models import WorkReportText

    for user in (reviewer, other_secretary):
        with translation.override("zh-hans"), pytest.raises(ApplicationError, match="您无权进行此项操作"):
            work_report_text_save(
                township=year_data.township, year=YEAR, opening="", problems="问题", plans="打算", by=user
            )
    assert not WorkReportText.objects.filter(township=year_data.township).exists()
