"""The home page's to-do list: each line's count recomputed from raw rows in Python, the links,
the role-specific lists, and a query count that does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from deputies.models import Deputy, DeputyGroup, PresidiumMembership
from meetings.models import Activity, Decision, DeputyContact, PresidiumMeeting
from proposals.models import Proposal
from renda.core.models import Township
from renda.dashboard import todo
from tests.factories import TermFactory, TownshipFactory, UserFactory

from .conftest import TODAY, make_proposal

D = dt.date


@pytest.fixture
def busy(year_data):
    """year_data (2025) plus what is due on TODAY (15 March 2026)."""
    t, term = year_data.township, year_data.term
    make_proposal(t, term, 6, year=2026, state="submitted")
    make_proposal(t, term, 7, year=2026, state="submitted")
    make_proposal(
        t,
        term,
        8,
        year=2026,
        state="assigned",
        lead_unit=year_data.unit,
        assigned_on=D(2026, 3, 1),
        deadline=TODAY + dt.timedelta(days=5),
    )
    make_proposal(
        t,
        term,
        9,
        year=2026,
        state="assigned",
        lead_unit=year_data.unit,
        assigned_on=D(2026, 3, 1),
        deadline=TODAY + dt.timedelta(days=30),
    )
    Decision.objects.create(
        township=t,
        term=term,
        number=3,
        meeting=year_data.meetings[3],
        title="审议意见三",
        text="…",
        responsible_unit="镇政府",
        deadline=D(2026, 1, 31),
        status="overdue",
    )
    Assessment.objects.create(township=t, year=2025, state=Assessment.State.PUBLISHED)
    # 两联一述: two presidium members today, one with a contact this month, one without; a
    # former member owes nothing.
    wang, li, zhang = Deputy.objects.filter(township=t, name__in=["王一", "李二", "张三"]).order_by("name")
    for d, end in ((wang, None), (li, None), (zhang, D(2026, 1, 31))):
        PresidiumMembership.objects.create(
            township=t, term=term, deputy=d, role="member", start_date=term.start_date, end_date=end
        )
    DeputyContact.objects.create(township=t, member=wang, deputy=zhang, date=D(2026, 3, 2))
    DeputyContact.objects.create(township=t, member=li, deputy=zhang, date=D(2026, 2, 27))
    return year_data


def _lines(user, ids, session=None):
    return {
        line.key: line for line in todo.todo_lines(user=user, township_ids=ids, session=session, today=TODAY)
    }


# Each line recomputed from raw rows, in Python, without the to-do module's queries.
def _proposals(ids):
    return list(Proposal.objects.filter(township_id__in=ids).values("state", "deadline"))


OPEN = {"assigned", "in_progress"}
RAW = {
    "overdue": lambda ids: sum(p["state"] in OPEN and p["deadline"] < TODAY for p in _proposals(ids)),
    "due_soon": lambda ids: sum(
        p["state"] in OPEN and TODAY <= p["deadline"] <= TODAY + dt.timedelta(days=7) for p in _proposals(ids)
    ),
    "to_register": lambda ids: sum(p["state"] == "submitted" for p in _proposals(ids)),
    "to_evaluate": lambda ids: sum(p["state"] == "replied" for p in _proposals(ids)),
    "decisions_due": lambda ids: sum(
        d.status in ("open", "in_progress", "overdue") and d.deadline <= TODAY + dt.timedelta(days=7)
        for d in Decision.objects.filter(township_id__in=ids)
    ),
    "presidium_missing": lambda ids: sum(
        t.kind != "jiedao"
        and not any(
            D(2026, 1, 1) <= m.date <= D(2026, 3, 31) for m in PresidiumMeeting.objects.filter(township=t)
        )
        for t in Township.objects.filter(pk__in=ids)
    ),
    "reception_missing": lambda ids: sum(
        not any(
            a.kind == "reception" and D(2026, 3, 1) <= a.start_date <= TODAY
            for a in Activity.objects.filter(township=t)
        )
        for t in Township.objects.filter(pk__in=ids)
    ),
    "groups_idle": lambda ids: sum(
        not any(
            a.kind == "group" and D(2026, 1, 1) <= a.start_date <= D(2026, 3, 31) for a in g.activities.all()
        )
        for g in DeputyGroup.objects.filter(township_id__in=ids)
        if g.term.start_date <= TODAY <= g.term.end_date
    ),
    "to_lock": lambda ids: sum(
        a.state == "published" for a in Assessment.objects.filter(township_id__in=ids)
    ),
    "contacts_missing": lambda ids: sum(
        m.start_date <= TODAY
        and (m.end_date is None or m.end_date > TODAY)
        and not any(
            c.member_id == m.deputy_id and D(2026, 3, 1) <= c.date <= TODAY
            for c in DeputyContact.objects.filter(township_id=m.township_id)
        )
        for m in PresidiumMembership.objects.filter(township_id__in=ids)
    ),
    "training_missing": lambda ids: _untrained_new_deputies(ids),
}


def _untrained_new_deputies(ids):
    """Township deputies serving today whose mandate began in the term covering today (and who
    held none in another term), with no training attended since their mandate began."""
    from deputies.models import Mandate
    from meetings.models import ActivityParticipation
    from renda.core.models import Term

    n = 0
    mandates = list(Mandate.objects.filter(level="township"))
    for t in Township.objects.filter(pk__in=ids):
        term = next((x for x in Term.objects.filter(township=t) if x.start_date <= TODAY <= x.end_date), None)
        for m in mandates:
            if m.township_id != t.pk or term is None or m.term_id != term.pk:
                continue
            if not (m.start_date <= TODAY and (m.end_date is None or m.end_date > TODAY)):
                continue
            if any(o.deputy_id == m.deputy_id and o.term_id != term.pk for o in mandates):
                continue
            n += not any(
                p.activity.kind == "training" and p.activity.start_date >= m.start_date
                for p in ActivityParticipation.objects.filter(deputy_id=m.deputy_id).select_related(
                    "activity"
                )
            )
    return n


@pytest.mark.parametrize("key", sorted(RAW))
def test_each_line_counts_what_the_raw_rows_say(busy, secretary, key):
    ids = [busy.township.pk]
    expected = RAW[key](ids)
    assert _lines(secretary, ids)[key].count == expected
    assert expected > 0, "the fixture leaves something to do on every line"


def test_the_counts_of_the_fixture(busy, secretary):
    counts = {k: line.count for k, line in _lines(secretary, [busy.township.pk]).items()}
    assert counts == {
        "overdue": 1,  # 2025-003, deadline 2025-06-01
        "due_soon": 1,  # 2026-008
        "to_register": 2,
        "to_evaluate": 1,
        "decisions_due": 2,  # 审议意见二 (in 3 days) and 审议意见三 (overdue)
        "presidium_missing": 1,
        "reception_missing": 1,
        "groups_idle": 2,
        "contacts_missing": 1,  # 李二: last contact in February
        "training_missing": 2,  # 赵四 and 刘五 never trained (王一, 李二, 张三 on 2025-04-01)
        "imports": 0,
        "to_lock": 1,
    }


def test_a_line_of_one_links_to_the_record_and_of_several_to_the_filtered_list(busy, secretary):
    lines = _lines(secretary, [busy.township.pk])
    overdue = Proposal.objects.get(number="2025-003")
    assert lines["overdue"].url == reverse("proposals:detail", args=[overdue.pk])
    assert lines["to_register"].url == reverse("proposals:list") + "?state=submitted&year="
    assert lines["decisions_due"].url == reverse("meetings:decision_list") + "?status=due"
    assert lines["to_lock"].url == reverse("assessments:index") + "?year=2025"
    assert lines["presidium_missing"].url == reverse("meetings:meeting_create")


def test_the_filtered_lists_show_the_counted_rows(busy, secretary, client_for):
    client = client_for(secretary)
    page = client.get(reverse("proposals:list"), {"state": "submitted", "year": ""})
    assert page.status_code == 200
    assert {p.number for p in page.context["page_obj"].object_list} == {"2026-006", "2026-007"}
    page = client.get(reverse("meetings:decision_list"), {"status": "due"})
    assert {d.title for d in page.context["page_obj"].object_list} == {"审议意见二", "审议意见三"}


def test_pending_imports_come_from_the_session(busy, secretary):
    session = {"roster_import_abc": {"township": 1}, "roster_import_def": {}, "other": 1}
    line = _lines(secretary, [busy.township.pk], session)["imports"]
    assert line.count == 2 and line.url == reverse("deputies:import")


def test_the_chair_sees_their_own_list(busy, chair):
    keys = list(_lines(chair, [busy.township.pk]))
    assert keys[0] == "to_lock"  # the chair's sign-off comes first
    assert "to_register" not in keys and "imports" not in keys


def test_the_handling_unit_sees_the_proposals_of_its_unit(busy):
    unit_user = UserFactory(username="unit", township=busy.township, role="handling_unit")
    busy.unit.users.add(unit_user)
    lines = _lines(unit_user, [busy.township.pk])
    assert list(lines) == ["to_reply", "overdue", "due_soon"]
    mine = Proposal.objects.filter(lead_unit=busy.unit, state__in=["assigned", "in_progress"])
    assert lines["to_reply"].count == mine.count() == 3
    assert lines["overdue"].count == 1 and lines["due_soon"].count == 1


def test_a_county_user_counts_townships(busy, reviewer):
    other = TownshipFactory(name="城关街道", code="chengguan", kind="jiedao")
    TermFactory(township=other)
    ids = [busy.township.pk, other.pk]
    lines = _lines(reviewer, ids)
    assert lines["presidium_missing_county"].count == RAW["presidium_missing"](ids) == 1  # no presidium
    assert lines["reception_missing_county"].count == RAW["reception_missing"](ids) == 2


def test_home_page_shows_the_lines_as_links(busy, secretary, client_for):
    html = client_for(secretary).get(reverse("home")).content.decode()
    assert 'data-todo="to_register"' in html and 'data-todo="decisions_due"' in html
    assert 'data-todo-done="imports"' in html
    assert '<span class="light light-' in html and "Light(" not in html


@pytest.mark.parametrize("role", ["township_secretary", "township_chair", "handling_unit", "county_reviewer"])
def test_every_role_gets_a_home_page(busy, client_for, role):
    user = UserFactory(
        username=f"u-{role}", township=None if role.startswith("county") else busy.township, role=role
    )
    assert client_for(user).get(reverse("home")).status_code == 200


def test_home_query_count_does_not_grow_with_the_data(busy, secretary, client_for):
    client = client_for(secretary)
    client.get(reverse("home"))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx)

    before = queries()
    t, term = busy.township, busy.term
    for n in range(10, 30):
        make_proposal(t, term, n, year=2026, state="submitted")
    Assessment.objects.create(township=t, year=2024, state=Assessment.State.PUBLISHED)
    assert queries() == before
    assert before <= 48  # the quarter card judges the yearly plans (4 queries) and new deputies' training (4)


def test_old_workbench_address_leads_home(secretary, client_for):
    response = client_for(secretary).get(reverse("dashboard:workbench"))
    assert response.status_code == 302 and response.url == reverse("home")
