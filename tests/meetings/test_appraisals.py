"""Year-end appraisals (评议) and commendations (先进代表小组, 优秀代表): records, refusals, the
page, the work report, the year-end bundle and the deputy archive."""

import datetime as dt
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext

from deputies.models import DeputyGroup, LiaisonStation
from meetings.models import Appraisal, Commendation
from meetings.selectors import appraisal_year, appraisals_by_township
from meetings.services import appraisal_save, commendation_save
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = dt.date(YEAR, 12, 20)


@pytest.fixture
def group(township, term):
    return DeputyGroup.objects.create(township=township, term=term, number=1, name="第一代表小组")


@pytest.fixture
def station(township):
    return LiaisonStation.objects.create(township=township, name="红旗镇人大代表联络站")


def _appraise(township, by, **kw):
    values = {
        "year": YEAR,
        "subject": "presidium",
        "grade": "good",
        "date": DAY,
        "appraised_by": "全体代表会议",
    }
    values.update(kw)
    return appraisal_save(township=township, by=by, **values)


def _commend(township, by, **kw):
    values = {"year": YEAR, "kind": "deputy", "document_no": "红人发〔2025〕12号", "date": DAY}
    values.update(kw)
    return commendation_save(township=township, by=by, **values)


def test_appraisals_and_commendations_are_recorded_with_history(
    township, secretary, group, station, deputies
):
    a = _appraise(township, secretary, subject="group", group=group, grade="excellent", score=Decimal("92.5"))
    assert a.history.first().history_user == secretary
    assert "92.5" in a.result and str(a.get_grade_display()) in a.result
    s = _appraise(township, secretary, subject="station", station=station, grade="", score=Decimal("80"))
    assert s.grade == "" and s.score == 80 and s.group is None
    c = _commend(township, secretary, deputy=deputies[0])
    g = _commend(township, secretary, kind="group", group=group)
    assert c.history.first().history_user == secretary and g.recipient_name == group.name
    # corrected: the same row, its history grows
    a = _appraise(township, secretary, appraisal=a, subject="group", group=group, grade="good", score=None)
    assert Appraisal.objects.count() == 2 and a.history.count() == 2 and a.grade == "good"


def test_refusals_are_messages_on_the_field(township, other_township, secretary, group, deputies):
    cases = [
        ({"grade": "", "score": None}, "grade"),
        ({"grade": "", "score": Decimal("101")}, "score"),
        ({"subject": "group", "group": None}, "group"),
        ({"subject": "station", "station": None}, "station"),
        ({"appraised_by": " "}, "appraised_by"),
        ({"date": dt.date(YEAR + 3, 1, 5)}, "date"),
        ({"date": dt.date(YEAR - 1, 12, 30)}, "date"),
    ]
    for kw, field in cases:
        with pytest.raises(ApplicationError) as err:
            _appraise(township, secretary, **kw)
        assert err.value.field == field, kw
    other_group = DeputyGroup.objects.create(
        township=other_township, term=other_township.terms.get(), number=1, name="外镇小组"
    )
    with pytest.raises(ApplicationError) as err:
        _appraise(township, secretary, subject="group", group=other_group)
    assert err.value.field == "group"
    # a deputy who did not serve in the year is not an 优秀代表 of that year
    gone = DeputyFactory(township=township, mandate__end_date=dt.date(YEAR - 1, 6, 1))
    with pytest.raises(ApplicationError) as err:
        _commend(township, secretary, deputy=gone)
    assert err.value.field == "deputy" and gone.name in err.value.message
    # a deputy who served part of the year is one
    _commend(
        township, secretary, deputy=DeputyFactory(township=township, mandate__end_date=dt.date(YEAR, 3, 1))
    )
    _commend(township, secretary, deputy=deputies[0])
    with pytest.raises(ApplicationError) as err:
        _commend(township, secretary, deputy=deputies[0])
    assert err.value.field == "deputy"
    assert Appraisal.objects.count() == 0 and Commendation.objects.count() == 2


def _records(township, secretary, group, station, deputies):
    _appraise(township, secretary, subject="group", group=group, grade="excellent")
    _appraise(township, secretary, subject="station", station=station, grade="good", score=Decimal("88"))
    _appraise(township, secretary, subject="presidium", grade="", score=Decimal("95.5"))
    _commend(township, secretary, kind="group", group=group)
    for d in deputies[:2]:
        _commend(township, secretary, deputy=d)
    _appraise(township, secretary, year=YEAR - 1, date=dt.date(YEAR - 1, 12, 20), grade="poor")


def test_page_figures_agree_with_the_raw_rows(
    township, secretary, group, station, deputies, client_for, django_assert_max_num_queries
):
    _records(township, secretary, group, station, deputies)
    data = appraisal_year(user=secretary, township=township, year=YEAR)
    raw = dict(
        Appraisal.objects.filter(township=township, year=YEAR)
        .exclude(grade="")
        .values_list("grade")
        .annotate(n=Count("pk"))
    )
    labels = dict(Appraisal.Grade.choices)
    assert dict(data["grades"]) == {labels[g]: raw.get(g, 0) for g in Appraisal.Grade.values}
    assert data["groups_commended"] == Commendation.objects.filter(year=YEAR, kind="group").count() == 1
    assert data["deputies_commended"] == Commendation.objects.filter(year=YEAR, kind="deputy").count() == 2

    client = client_for(secretary)
    with django_assert_max_num_queries(30):
        r = client.get(reverse("meetings:appraisals"), {"year": YEAR})
    html = r.content.decode()
    assert r.status_code == 200
    assert f'data-figure="grade-1">{raw.get("excellent", 0)}<' in html
    assert 'data-figure="deputies">2<' in html and group.name in html and deputies[0].name in html


def test_page_records_through_the_form_and_refuses_with_a_message(township, secretary, group, client_for):
    client = client_for(secretary)
    url = reverse("meetings:appraisals") + f"?year={YEAR}"
    r = client.post(
        url,
        {
            "what": "appraisal",
            "appraisal-subject": "group",
            "appraisal-group": group.pk,
            "appraisal-grade": "excellent",
            "appraisal-date": "2025-12-20",
            "appraisal-appraised_by": "镇人大主席团",
        },
    )
    assert r.status_code == 302 and Appraisal.objects.get().group == group
    r = client.post(
        url,
        {
            "what": "appraisal",
            "appraisal-subject": "presidium",
            "appraisal-date": "2025-12-20",
            "appraisal-appraised_by": "全体代表",
        },
    )
    assert (
        r.status_code == 200 and Appraisal.objects.count() == 1 and "invalid-feedback" in r.content.decode()
    )


def test_access_other_township_404_reviewer_reads_only_get_writes_nothing(
    township, secretary, other_secretary, reviewer, group, station, deputies, client_for
):
    _records(township, secretary, group, station, deputies)
    a = Appraisal.objects.filter(year=YEAR).first()
    c = Commendation.objects.first()
    other = client_for(other_secretary)
    assert other.get(reverse("meetings:year_record", args=["appraisal", a.pk])).status_code == 404
    assert other.get(reverse("meetings:year_record", args=["commendation", c.pk])).status_code == 404
    assert group.name not in other.get(reverse("meetings:appraisals"), {"year": YEAR}).content.decode()

    rev = client_for(reviewer)
    session = rev.session
    session["selected_township"] = township.pk
    session.save()
    before = (Appraisal.history.count(), Commendation.history.count())
    r = rev.get(reverse("meetings:appraisals"), {"year": YEAR})
    assert (
        r.status_code == 200 and group.name in r.content.decode() and 'name="what"' not in r.content.decode()
    )
    assert rev.get(reverse("meetings:year_record", args=["appraisal", a.pk])).status_code == 200
    assert (Appraisal.history.count(), Commendation.history.count()) == before
    assert rev.post(reverse("meetings:appraisals"), {"what": "appraisal"}).status_code == 403
    void_a = reverse("record_void", args=[ContentType.objects.get_for_model(Appraisal).pk, a.pk])
    assert rev.post(void_a, {"reason": "错"}).status_code == 403
    assert Appraisal.objects.filter(pk=a.pk).exists()
    # the secretary voids one with a reason, from its page
    own = client_for(secretary)
    record = reverse("meetings:year_record", args=["commendation", c.pk])
    void_c = reverse("record_void", args=[ContentType.objects.get_for_model(Commendation).pk, c.pk])
    assert void_c in own.get(record).content.decode()
    assert own.post(void_c, {"reason": "表彰名单录错"}).status_code == 302
    assert not Commendation.objects.filter(pk=c.pk).exists()
    assert own.get(record).status_code == 404


def test_work_report_bundle_and_archive_list_them(township, secretary, group, station, deputies, admin_user):
    from renda.core.archive import deputy_archives
    from renda.dashboard import selectors
    from renda.dashboard.documents import work_report_docx
    from renda.dashboard.jobs import year_bundle_files

    _records(township, secretary, group, station, deputies)
    data = selectors.work_report_data(township=township, year=YEAR, today=dt.date(YEAR + 1, 1, 10))
    yearly = data.appraisals
    assert len(yearly.appraisals) == Appraisal.objects.filter(township=township, year=YEAR).count() == 3
    assert len(yearly.commendations) == Commendation.objects.filter(township=township, year=YEAR).count()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(work_report_docx(data))).paragraphs)
    assert group.name in text and station.name in text and deputies[0].name in text and "95.5" in text
    assert "红人发〔2025〕12号" in text

    files = dict(year_bundle_files(townships=[township], year=YEAR, requested_by=admin_user))
    name = gettext("appraisals and commendations")
    sheet = next(content for path, content in files.items() if path.endswith(".xlsx") and name in path)
    wb = openpyxl.load_workbook(io.BytesIO(sheet))
    appraisal_rows = list(wb.worksheets[0].iter_rows(min_row=3, values_only=True))
    commendation_rows = list(wb.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert len(appraisal_rows) == 3 and len(commendation_rows) == 3
    assert {r[1] for r in commendation_rows} == {group.name, deputies[0].name, deputies[1].name}

    archives = {a.deputy_id: a for a in deputy_archives(township_ids=[township.pk], year=YEAR)}
    commended = gettext("Commendations")  # the selector's titles are in the active language too
    sections = {s.title: s for s in archives[deputies[0].pk].sections}
    assert sections[commended].rows[0][1] == "红人发〔2025〕12号"
    # nothing commended: no section (the other sections, training included, are unaffected)
    others = [s.title for s in archives[deputies[5].pk].sections]
    assert commended not in others and len(others) == len(sections) - 1

    plain = appraisals_by_township(township_ids=[township.pk], year=YEAR - 1)[township.pk]
    assert len(plain.appraisals) == 1 and plain.commendations == []


def test_deputy_archive_page_shows_the_commendation(township, secretary, deputies, client_for):
    _commend(township, secretary, deputy=deputies[0])
    r = client_for(secretary).get(reverse("deputies:detail", args=[deputies[0].pk]), {"year": YEAR})
    assert r.status_code == 200
    assert (
        'data-archive-section="meetings.commendations"' in r.content.decode()
        and "红人发〔2025〕12号" in r.content.decode()
    )
