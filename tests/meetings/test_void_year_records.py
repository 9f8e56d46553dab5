"""The records of the office's year can be corrected openly (issues 15 and 18): a contact with a
deputy, a reception issue, an appraisal, a commendation, a planned activity and a rota entry are
voided with a reason, leave their list page and every figure that counted them, show on the
voided records page, and the chair (not the secretary) restores them."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from deputies.models import DeputyGroup, LiaisonStation
from meetings.models import (
    Activity,
    Appraisal,
    Commendation,
    DeputyContact,
    PlannedActivity,
    ReceptionIssue,
    RotaEntry,
)
from meetings.selectors import (
    appraisal_year,
    appraisals_by_township,
    contact_duties,
    contact_duty_counts,
    plan_vs_held,
    reception_issue_list,
    reception_issue_summary,
    rota_compliance,
    rota_counts,
)
from meetings.services import (
    activity_save,
    appraisal_save,
    commendation_save,
    deputy_contact_create,
    planned_activity_add,
    reception_issue_record,
    rota_entry_create,
    rota_entry_record,
)
from renda.core.exceptions import ApplicationError
from renda.core.history import history_entries
from renda.core.services import record_restore, record_void
from renda.dashboard.selectors import county_figures, work_report_data
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = dt.date(YEAR, 12, 20)


def _live(model, **filters):
    """The rows of `model` that are not voided, counted from the raw table (all_objects)."""
    return model.all_objects.filter(**filters).exclude(voided_at__isnull=False)


@dataclass
class Kind:
    """How to make two records of a kind, where they are listed, and their figures."""

    model: type
    make: Callable  # (world, n) -> the n-th record
    page: Callable  # (world) -> the list page's URL
    marker: Callable  # (obj) -> a string the list page shows for the record
    figures: Callable  # (world) -> the figures the app computes
    raw: Callable  # (world) -> the same figures, recounted from the raw rows
    record_page: Callable  # (obj) -> the page offering its void form


@pytest.fixture
def world(township, term, presidium, deputies, secretary):
    station = LiaisonStation.objects.create(township=township, name="红旗镇人大代表联络站")
    group = DeputyGroup.objects.create(township=township, term=term, number=1, name="第一代表小组")
    reception, _warnings = activity_save(
        township=township,
        kind="reception",
        start_date=dt.date(YEAR, 3, 14),
        topic="3月代表接待选民日",
        notice_date=dt.date(YEAR, 3, 7),
        deputies=[],
        on_duty=deputies[:2],
        by=secretary,
    )
    county = DeputyFactory(township=township, name="县代表", mandate__level="county")
    return {
        "township": township,
        "by": secretary,
        "deputies": deputies,
        "members": [p.deputy for p in presidium],
        "station": station,
        "group": group,
        "reception": reception,
        "county": county,
    }


# --- the six kinds ---------------------------------------------------------------------------


def _contact(w, n):
    return deputy_contact_create(
        township=w["township"],
        member=w["members"][n],
        deputy=w["deputies"][10],
        date=dt.date(YEAR, 2, 3 + n),
        method="visit",
        note=f"听取意见{n}",
        by=w["by"],
    )


def _contact_figures(w):
    t = w["township"]
    duties = contact_duties(township=t, year=YEAR, today=TODAY)
    counts = contact_duty_counts(township_ids=[t.pk], year=YEAR, today=TODAY)[t.pk]
    report = work_report_data(township=t, year=YEAR, today=TODAY).contact
    return {
        "contacts": duties["contacts"],
        "per_member": sorted(r.total for r in duties["members"] if r.total),
        "members_met": counts.members_met,
        "report_contacts": report.member_contacts,
        "report_members": report.contact_members,
    }


def _contact_raw(w):
    rows = _live(DeputyContact, township=w["township"], date__year=YEAR)
    per_member = {}
    for member_id in rows.values_list("member_id", flat=True):
        per_member[member_id] = per_member.get(member_id, 0) + 1
    return {
        "contacts": rows.count(),
        "per_member": sorted(per_member.values()),
        "members_met": 0,  # two contacts are far below the quota
        "report_contacts": rows.count(),
        "report_members": len(per_member),
    }


def _issue(w, n):
    return reception_issue_record(
        activity=w["reception"], voter_name=f"王某{n}", content=f"村道破损{n}", by=w["by"]
    )


def _issue_figures(w):
    qs = reception_issue_list(user=w["by"], township=w["township"], filters={"year": str(YEAR)})
    summary = reception_issue_summary(qs=qs, today=TODAY)
    report = work_report_data(township=w["township"], year=YEAR, today=TODAY).contact.issues
    return {
        "total": summary.total,
        "unsorted": summary.unsorted,
        "open": summary.open,
        "listed": qs.count(),
        "report": report.raised,
    }


def _issue_raw(w):
    rows = _live(ReceptionIssue, township=w["township"], activity__start_date__year=YEAR)
    n = rows.count()
    return {
        "total": n,
        "unsorted": rows.filter(state="received").count(),
        "open": rows.filter(state__in=ReceptionIssue.OPEN_STATES).count(),
        "listed": n,
        "report": n,
    }


def _appraisal(w, n):
    subject = (
        {"subject": "group", "group": w["group"]} if n else {"subject": "station", "station": w["station"]}
    )
    return appraisal_save(
        township=w["township"],
        year=YEAR,
        grade="excellent" if n else "good",
        score=Decimal("90"),
        date=dt.date(YEAR, 12, 10),
        appraised_by="全体代表会议",
        by=w["by"],
        **subject,
    )


def _appraisal_figures(w):
    t = w["township"]
    page = appraisal_year(user=w["by"], township=t, year=YEAR)
    return {
        "listed": len(page["appraisals"]),
        "grades": {str(label): n for label, n in page["grades"] if n},
        "report": len(work_report_data(township=t, year=YEAR, today=TODAY).appraisals.appraisals),
        "bundle": len(appraisals_by_township(township_ids=[t.pk], year=YEAR)[t.pk].appraisals),
    }


def _appraisal_raw(w):
    rows = _live(Appraisal, township=w["township"], year=YEAR)
    labels = dict(Appraisal.Grade.choices)
    grades = {}
    for g in rows.values_list("grade", flat=True):
        grades[str(labels[g])] = grades.get(str(labels[g]), 0) + 1
    n = rows.count()
    return {"listed": n, "grades": grades, "report": n, "bundle": n}


def _commendation(w, n):
    recipient = (
        {"kind": "deputy", "deputy": w["deputies"][n]} if n else {"kind": "group", "group": w["group"]}
    )
    return commendation_save(
        township=w["township"],
        year=YEAR,
        document_no=f"红人发〔2025〕{12 + n}号",
        date=dt.date(YEAR, 12, 10),
        by=w["by"],
        **recipient,
    )


def _commendation_figures(w):
    t = w["township"]
    page = appraisal_year(user=w["by"], township=t, year=YEAR)
    report = work_report_data(township=t, year=YEAR, today=TODAY).appraisals.commendations
    return {
        "listed": len(page["commendations"]),
        "groups": page["groups_commended"],
        "deputies": page["deputies_commended"],
        "report": len(report),
    }


def _commendation_raw(w):
    rows = _live(Commendation, township=w["township"], year=YEAR)
    return {
        "listed": rows.count(),
        "groups": rows.filter(kind="group").count(),
        "deputies": rows.filter(kind="deputy").count(),
        "report": rows.count(),
    }


def _plan(w, n):
    return planned_activity_add(
        township=w["township"],
        year=YEAR,
        month=3 + n,
        kind="group",
        subject=f"集中学习第{n}次",
        group=w["group"],
        by=w["by"],
    )


def _plan_figures(w):
    t = w["township"]
    plan = plan_vs_held(township=t, year=YEAR, today=TODAY)
    row = county_figures(townships=[t], year=YEAR, today=TODAY)[0]
    report = work_report_data(township=t, year=YEAR, today=TODAY).yearly_plans
    return {
        "planned": plan["planned"],
        "missed": plan["missed"],
        "county": row.plans_planned,
        "county_missed": row.plans_missed,
        "report": report.planned,
    }


def _plan_raw(w):
    # nothing was held: every planned month of March and April is over by December
    n = _live(PlannedActivity, township=w["township"], year=YEAR).count()
    return {"planned": n, "missed": n, "county": n, "county_missed": n, "report": n}


def _rota(w, n):
    entry = rota_entry_create(
        township=w["township"],
        deputy=w["county"],
        station=w["station"],
        date=dt.date(YEAR, 2 + 3 * n, 10),
        by=w["by"],
    )
    return rota_entry_record(entry=entry, state="held", by=w["by"])


def _rota_figures(w):
    t = w["township"]
    page = rota_compliance(township=t, year=YEAR, today=TODAY)
    counts = rota_counts(township_ids=[t.pk], year=YEAR, today=TODAY)[t.pk]
    row = county_figures(townships=[t], year=YEAR, today=TODAY)[0]
    report = work_report_data(township=t, year=YEAR, today=TODAY).contact
    return {
        "entries": len(page["entries"]),
        "held": page["held"],
        "deputy_held": sum(r.held for r in page["rows"]),
        "counted": counts.entries,
        "counted_held": counts.held,
        "county": row.rota_entries,
        "county_held": row.rota_held,
        "report": report.rota_entries,
        "report_held": report.rota_held,
    }


def _rota_raw(w):
    rows = _live(RotaEntry, township=w["township"], date__year=YEAR)
    n, held = rows.count(), rows.filter(state="held").count()
    return {
        "entries": n,
        "held": held,
        "deputy_held": held,
        "counted": n,
        "counted_held": held,
        "county": n,
        "county_held": held,
        "report": n,
        "report_held": held,
    }


KINDS = {
    "contact": Kind(
        DeputyContact,
        _contact,
        lambda w: f"{reverse('meetings:contacts')}?year={YEAR}",
        lambda o: reverse("meetings:contact_detail", args=[o.pk]),
        _contact_figures,
        _contact_raw,
        lambda o: reverse("meetings:contact_detail", args=[o.pk]),
    ),
    "issue": Kind(
        ReceptionIssue,
        _issue,
        lambda w: f"{reverse('meetings:issue_list')}?year={YEAR}",
        lambda o: reverse("meetings:issue_detail", args=[o.pk]),
        _issue_figures,
        _issue_raw,
        lambda o: reverse("meetings:issue_detail", args=[o.pk]),
    ),
    "appraisal": Kind(
        Appraisal,
        _appraisal,
        lambda w: f"{reverse('meetings:appraisals')}?year={YEAR}",
        lambda o: reverse("meetings:year_record", args=["appraisal", o.pk]),
        _appraisal_figures,
        _appraisal_raw,
        lambda o: reverse("meetings:year_record", args=["appraisal", o.pk]),
    ),
    "commendation": Kind(
        Commendation,
        _commendation,
        lambda w: f"{reverse('meetings:appraisals')}?year={YEAR}",
        lambda o: reverse("meetings:year_record", args=["commendation", o.pk]),
        _commendation_figures,
        _commendation_raw,
        lambda o: reverse("meetings:year_record", args=["commendation", o.pk]),
    ),
    "plan": Kind(
        PlannedActivity,
        _plan,
        lambda w: f"{reverse('meetings:plans')}?year={YEAR}",
        lambda o: o.subject,
        _plan_figures,
        _plan_raw,
        lambda o: f"{reverse('meetings:plans')}?year={YEAR}",
    ),
    "rota": Kind(
        RotaEntry,
        _rota,
        lambda w: f"{reverse('meetings:rota')}?year={YEAR}",
        lambda o: reverse("meetings:rota_entry", args=[o.pk]),
        _rota_figures,
        _rota_raw,
        lambda o: reverse("meetings:rota_entry", args=[o.pk]),
    ),
}


def _ct(obj):
    return ContentType.objects.get_for_model(type(obj)).pk


@pytest.mark.parametrize("name", list(KINDS))
def test_a_voided_record_leaves_its_page_and_figures_and_the_chair_restores_it(
    name, world, secretary, chair, reviewer, client_for
):
    kind = KINDS[name]
    kept, wrong = kind.make(world, 0), kind.make(world, 1)
    before = kind.figures(world)
    assert before == kind.raw(world)
    own = client_for(secretary)
    page = own.get(kind.page(world)).content.decode()
    assert kind.marker(kept) in page and kind.marker(wrong) in page
    # the record's page offers the void form (with its reason) to township staff only
    void = reverse("record_void", args=[_ct(wrong), wrong.pk])
    assert void in own.get(kind.record_page(wrong)).content.decode()
    reader = client_for(reviewer)
    reader.post(reverse("township_select"), {"township": world["township"].pk})
    r = reader.get(kind.record_page(wrong))
    assert r.status_code == 200 and void not in r.content.decode()

    r = own.post(
        reverse("record_void", args=[_ct(wrong), wrong.pk]),
        {"reason": "误录，重复", "next": kind.page(world)},
        follow=True,  # back to the list page, which says what was voided
    )
    assert r.redirect_chain == [(kind.page(world), 302)] and "已作废" in r.content.decode()

    row = kind.model.all_objects.get(pk=wrong.pk)
    assert (row.voided_by, row.void_reason) == (secretary, "误录，重复")
    assert not kind.model.objects.filter(pk=wrong.pk).exists()
    after = kind.figures(world)
    assert after == kind.raw(world) and after != before
    page = own.get(kind.page(world)).content.decode()
    assert kind.marker(kept) in page and kind.marker(wrong) not in page
    voided = client_for(chair).get(reverse("voided_records")).content.decode()
    assert str(row) in voided and "误录，重复" in voided
    entry = history_entries(row)[0]
    assert (str(entry["changes"][0]), entry["reason"], entry["user"]) == ("已作废", "误录，重复", secretary)

    # the secretary may not restore it; the chair does, and every figure comes back
    assert own.post(reverse("record_restore", args=[_ct(wrong), wrong.pk])).status_code == 403
    assert kind.model.all_objects.get(pk=wrong.pk).is_voided
    assert client_for(chair).post(reverse("record_restore", args=[_ct(wrong), wrong.pk])).status_code == 302
    assert kind.figures(world) == before == kind.raw(world)
    assert kind.marker(wrong) in own.get(kind.page(world)).content.decode()
    assert str(history_entries(row)[0]["changes"][0]) == "已恢复"


@pytest.mark.parametrize("name", list(KINDS))
def test_another_township_cannot_void_and_the_secretary_cannot_restore(
    name, world, secretary, other_secretary, client_for
):
    obj = KINDS[name].make(world, 0)
    with translation.override("zh-hans"), pytest.raises(ApplicationError, match="您无权进行此项操作"):
        record_void(obj=obj, by=other_secretary, reason="错")
    r = client_for(other_secretary).post(reverse("record_void", args=[_ct(obj), obj.pk]), {"reason": "错"})
    assert r.status_code == 404
    assert not type(obj).all_objects.get(pk=obj.pk).is_voided
    record_void(obj=obj, by=secretary, reason="错")
    with translation.override("zh-hans"), pytest.raises(ApplicationError, match="您无权进行此项操作"):
        record_restore(obj=type(obj).all_objects.get(pk=obj.pk), by=secretary)


def test_voiding_a_reception_voids_its_issues_and_restores_them_with_it(world, secretary, chair):
    issues = [_issue(world, 0), _issue(world, 1)]
    alone = _issue(world, 2)
    record_void(obj=alone, by=secretary, reason="重复登记")
    reception = world["reception"]

    record_void(obj=reception, by=secretary, reason="接待日未举行")

    assert not ReceptionIssue.objects.filter(activity=reception).exists()
    # an issue voided with the reception is restored only with it
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        record_restore(obj=ReceptionIssue.all_objects.get(pk=issues[0].pk), by=chair)
    assert "已作废" in err.value.message
    record_restore(obj=Activity.all_objects.get(pk=reception.pk), by=chair)
    assert set(ReceptionIssue.objects.filter(activity=reception)) == set(issues)
    assert ReceptionIssue.all_objects.get(pk=alone.pk).is_voided


def test_a_voided_commendation_frees_its_year_for_the_right_one(world, secretary, chair):
    wrong = _commendation(world, 1)
    record_void(obj=wrong, by=secretary, reason="文号录错")
    right = _commendation(world, 1)
    assert right.pk != wrong.pk
    # restoring the wrong one now would make two: refused with a message
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        record_restore(obj=Commendation.all_objects.get(pk=wrong.pk), by=chair)
    assert "恢复" in err.value.message
    assert Commendation.all_objects.get(pk=wrong.pk).is_voided


def test_the_voided_records_page_lists_them_in_a_fixed_number_of_queries(world, secretary, chair, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(chair)
    client.get(reverse("voided_records"))  # content types and the session cached

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("voided_records")).content.decode()
        return len(queries), page

    made = {name: [kind.make(world, 0), kind.make(world, 1)] for name, kind in KINDS.items()}
    for rows in made.values():
        record_void(obj=rows[0], by=secretary, reason="第一批误录")
    few, _page = page_queries()
    for rows in made.values():
        record_void(obj=rows[1], by=secretary, reason="第二批误录")
    many, page = page_queries()
    assert many == few
    for rows in made.values():
        for obj in rows:
            assert reverse("record_restore", args=[_ct(obj), obj.pk]) in page
