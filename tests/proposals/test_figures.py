"""Deadlines (calendar, working days), carry-over, the four rates, and the reminder beat job."""

import datetime as dt

import pytest

from proposals import services
from proposals.models import Proposal, ProposalSettings
from proposals.selectors import (
    proposal_statistics_figures,
    proposal_stats,
    proposal_stats_by_township,
    proposal_unit_ranking,
)
from proposals.summaries import refresh_proposal_figures
from renda.core.models import Reminder

TODAY = dt.date(2026, 11, 26)


def test_default_deadline_is_three_calendar_months(make_proposal):
    p = make_proposal("assigned", assigned_on=dt.date(2025, 11, 30))
    assert p.deadline == dt.date(2026, 2, 28)


def test_deadline_in_working_days_across_national_day(township, make_proposal, secretary):
    # given a township counting 10 working days
    services.proposal_settings_update(
        township=township, deadline_amount=10, deadline_unit="workdays", categories=["民生"], by=secretary
    )
    # when an item is assigned on Friday 26 September 2025
    p = make_proposal("assigned", assigned_on=dt.date(2025, 9, 26))
    # then: Sun 28 Sep (make-up workday) 1, 29–30 Sep 2–3, 1–8 Oct holiday, 9–10 Oct 4–5,
    # Sat 11 Oct (make-up workday) 6, 13–16 Oct 7–10
    assert p.deadline == dt.date(2025, 10, 16)


def test_deadline_in_calendar_days(township, make_proposal, secretary):
    services.proposal_settings_update(
        township=township, deadline_amount=30, deadline_unit="days", categories=["民生"], by=secretary
    )
    p = make_proposal("assigned", assigned_on=dt.date(2025, 9, 26))
    assert p.deadline == dt.date(2025, 10, 26)


def test_settings_refuse_bad_input_and_keep_used_categories(township, secretary, make_proposal):
    with pytest.raises(Exception) as exc:
        services.proposal_settings_update(
            township=township, deadline_amount=0, deadline_unit="months", categories=["民生"], by=secretary
        )
    assert getattr(exc.value, "field", None) == "deadline_amount"
    cats = services.proposal_categories_ensure(township=township)
    used = cats.get(name="交通水利")
    p = make_proposal("submitted")
    Proposal.objects.filter(pk=p.pk).update(category=used)
    services.proposal_settings_update(
        township=township,
        deadline_amount=2,
        deadline_unit="months",
        categories=["民生", "", "民生"],
        by=secretary,
    )
    used.refresh_from_db()
    assert not used.is_active  # in use: kept, hidden from new items
    assert set(township_cats(township)) == {"民生", "交通水利"}
    assert ProposalSettings.objects.get(township=township).deadline_amount == 2


def township_cats(township):
    from proposals.models import ProposalCategory

    return ProposalCategory.objects.filter(township=township).values_list("name", flat=True)


@pytest.fixture
def handmade(make_proposal, secretary, unit):
    """Seven items of 2025 with known figures."""
    p1 = make_proposal("closed", replied_on=dt.date(2025, 4, 1), met=True, rating="satisfied")
    p2 = make_proposal(
        "closed", deadline=dt.date(2025, 3, 20), replied_on=dt.date(2025, 4, 9), met=False, rating="basically"
    )
    p3 = make_proposal("replied", replied_on=dt.date(2025, 4, 1), met=True)
    p4 = make_proposal("in_progress", assigned_on=dt.date(2025, 9, 1))  # deadline 2025-12-01: overdue
    p5 = make_proposal("registered")
    p6 = make_proposal("not_accepted")
    p7 = make_proposal("replied", replied_on=dt.date(2025, 4, 1), met=False)
    p7 = services.proposal_evaluate(
        proposal=p7, by=secretary, rating="dissatisfied", evaluated_on=dt.date(2025, 4, 5)
    )
    p7 = services.proposal_reply(
        proposal=p7, by=secretary, text="再次答复", outcome="C", replied_on=dt.date(2025, 6, 1)
    )
    p7 = services.proposal_evaluate(
        proposal=p7, by=secretary, rating="dissatisfied", evaluated_on=dt.date(2025, 6, 5)
    )
    return [p1, p2, p3, p4, p5, p6, p7]


def test_four_rates_on_a_handmade_set(handmade, township, django_assert_num_queries):
    with django_assert_num_queries(1):
        s = proposal_stats(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    assert s["received"] == 6 and s["not_accepted"] == 1 and s["carried_over"] == 0 and s["total"] == 6
    assert s["closed"] == 2 and s["closed_rate"] == 33.3
    assert s["replied"] == 4 and s["on_time"] == 3 and s["on_time_rate"] == 75.0
    assert s["met"] == 2 and s["met_rate"] == 50.0
    assert s["evaluated"] == 3 and s["satisfied"] == 2 and s["satisfied_rate"] == 66.7
    assert s["overdue"] == 1


def test_stats_by_township_is_one_query_and_fills_empty_townships(
    handmade, township, other_township, django_assert_num_queries
):
    # the other township has no stored figures yet (no proposal was ever written): counted live
    with django_assert_num_queries(2):
        rows = proposal_stats_by_township(townships=[township, other_township], year=2025, today=TODAY)
    assert rows[township.pk]["closed_rate"] == 33.3 and rows[township.pk]["received"] == 6
    assert rows[other_township.pk]["received"] == 0 and rows[other_township.pk]["closed_rate"] is None
    # once both have stored figures, one query reads them
    refresh_proposal_figures(other_township.pk, 2025)
    with django_assert_num_queries(1):
        assert (
            proposal_stats_by_township(townships=[township, other_township], year=2025, today=TODAY) == rows
        )


def test_rates_empty_set_are_none():
    s = proposal_stats(qs=Proposal.objects.none(), year=2025)
    assert s["total"] == 0 and s["closed_rate"] is None and s["satisfied_rate"] is None


def test_carry_over_across_the_year_boundary(handmade, township, secretary):
    p4 = handmade[3]
    # 2026: the open items of 2025 (p3 replied, p4 in progress, p5 registered, p7 evaluated) carry over
    s26 = proposal_stats(qs=Proposal.objects.filter(township=township), year=2026, today=TODAY)
    assert s26["received"] == 0 and s26["carried_over"] == 4 and s26["closed"] == 0
    assert s26["overdue"] == 1  # p4 is still overdue
    assert p4.is_carried_over(2026) and not handmade[0].is_carried_over(2026)
    # when p4 is finished in March 2026
    p4 = services.proposal_reply(
        proposal=p4, by=secretary, text="已办", outcome="A", replied_on=dt.date(2026, 3, 1)
    )
    p4 = services.proposal_evaluate(
        proposal=p4, by=secretary, rating="satisfied", evaluated_on=dt.date(2026, 3, 5)
    )
    p4 = services.proposal_close(proposal=p4, by=secretary, closed_on=dt.date(2026, 3, 6))
    s26 = proposal_stats(qs=Proposal.objects.filter(township=township), year=2026, today=TODAY)
    assert s26["carried_over"] == 4 and s26["closed"] == 1 and s26["overdue"] == 0
    # then it counts as closed in 2026, not in 2025, and is gone from 2027
    s25 = proposal_stats(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    assert s25["closed"] == 2
    s27 = proposal_stats(qs=Proposal.objects.filter(township=township), year=2027, today=dt.date(2027, 6, 1))
    assert s27["carried_over"] == 3


def test_unit_ranking(handmade, township, unit):
    rows = proposal_unit_ranking(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    assert [r["name"] for r in rows] == [unit.name]
    assert rows[0]["on_time_rate"] == 75.0


def test_beat_job_creates_reminders_once(make_proposal, township):
    from proposals.tasks import proposals_remind_deadlines as task

    p = make_proposal("assigned", assigned_on=dt.date(2025, 9, 1))  # deadline 2025-12-01
    make_proposal("closed")  # finished: no reminder
    assert task.name == "proposals.tasks.proposals_remind_deadlines"
    # a week before the deadline: "due soon", once however often it runs
    assert services.proposals_remind_deadlines(today=dt.date(2025, 11, 26)) == 1
    services.proposals_remind_deadlines(today=dt.date(2025, 11, 27))
    assert list(Reminder.objects.filter(township=township).values_list("key", flat=True)) == [
        f"proposal-{p.pk}-r1-due"
    ]
    # more than 7 days before: nothing new
    Reminder.objects.all().delete()
    assert services.proposals_remind_deadlines(today=dt.date(2025, 11, 1)) == 0
    assert not Reminder.objects.exists()
    # past the deadline: an "overdue" reminder, once
    services.proposals_remind_deadlines(today=dt.date(2025, 12, 2))
    services.proposals_remind_deadlines(today=dt.date(2025, 12, 3))
    reminders = list(Reminder.objects.filter(township=township))
    assert [r.key for r in reminders] == [f"proposal-{p.pk}-r1-overdue"]
    assert reminders[0].due_date == dt.date(2025, 12, 1) and str(p.pk) in reminders[0].url


def test_beat_task_runs(make_proposal):
    from proposals.tasks import proposals_remind_deadlines as task

    make_proposal("assigned", assigned_on=dt.date(2025, 1, 2))
    assert task.apply().get() == 1


def test_statistics_figures_roll_up_one_grouped_query_to_the_same_figures(
    handmade, township, django_assert_num_queries
):
    qs = Proposal.objects.filter(township=township)
    # one grouped query, plus the names of townships and of handling units
    with django_assert_num_queries(3):
        figures = proposal_statistics_figures(qs=qs, year=2025, today=TODAY)
    assert figures["stats"] == proposal_stats(qs=qs, year=2025, today=TODAY)
    assert [r["total"] for r in figures["by_township"]] == [figures["stats"]["total"]]
    assert sum(r["total"] for r in figures["by_category"]) == figures["stats"]["total"]
    ranking = proposal_unit_ranking(qs=qs, year=2025, today=TODAY)
    assert [(r["name"], r["on_time_rate"], r["satisfied_rate"], r["total"]) for r in figures["ranking"]] == [
        (r["name"], r["on_time_rate"], r["satisfied_rate"], r["total"]) for r in ranking
    ]
