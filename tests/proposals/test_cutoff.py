"""A past year's figures are fixed as of its 31 December: later events do not move them."""

import dataclasses
import datetime as dt

import docx

from proposals import services
from proposals.models import Proposal, ProposalEvaluation, ProposalReply
from proposals.selectors import RATE_DEFINITIONS, proposal_report_data, proposal_stats
from renda.dashboard.documents import work_report_docx
from renda.dashboard.selectors import county_figures, drill_records, work_report_data

TODAY = dt.date(2026, 11, 26)
END = dt.date(2025, 12, 31)


def _figures(township):
    row = county_figures(townships=[township], year=2025, today=TODAY)[0]
    report = work_report_data(township=township, year=2025, today=TODAY)
    handling = proposal_report_data(township=township, year=2025, today=TODAY)
    return row.proposals, report.proposals, dataclasses.replace(handling, open_items=[])


def _second_round_pending(make_proposal, secretary):
    """Replied in 2025, rated 不满意 in December 2025: the second handling runs into 2026."""
    p = make_proposal("replied", assigned_on=dt.date(2025, 9, 1), replied_on=dt.date(2025, 11, 3))
    return services.proposal_evaluate(
        proposal=p,
        by=secretary,
        rating="dissatisfied",
        evaluated_on=dt.date(2025, 12, 10),
        new_deadline=dt.date(2026, 1, 20),
    )


def test_past_year_figures_stay_after_a_second_round_reply_in_the_next_year(
    make_proposal, secretary, township
):
    # given 2025 items: one closed, one in its second handling at year end, one replied
    make_proposal("closed", replied_on=dt.date(2025, 4, 1))
    rehandled = _second_round_pending(make_proposal, secretary)
    make_proposal("replied", replied_on=dt.date(2025, 5, 1))
    before = _figures(township)
    dashboard, report, handling = before
    assert dashboard["replied"] == 3 and dashboard["evaluated"] == 2 and dashboard["overdue"] == 0
    assert report.replied == 3
    assert handling.rehandled == 1 and handling.outcomes == {"A": 3}
    # when the second-round reply comes in February 2026 (late, class C), is rated and closed
    p = services.proposal_reply(
        proposal=rehandled, by=secretary, text="再次答复", outcome="C", replied_on=dt.date(2026, 2, 25)
    )
    p = services.proposal_evaluate(
        proposal=p, by=secretary, rating="satisfied", evaluated_on=dt.date(2026, 3, 1)
    )
    services.proposal_close(proposal=p, by=secretary, closed_on=dt.date(2026, 3, 2))
    # then 2025's dashboard row, work report and handling report are unchanged
    assert _figures(township) == before
    # and 2026 sees the item closed as a carried-over one
    s26 = proposal_stats(qs=Proposal.objects.filter(township=township), year=2026, today=TODAY)
    assert (s26["carried_over"], s26["carried_closed"], s26["received"]) == (2, 1, 0)
    assert s26["carried_closed_rate"] == 50.0


def test_past_year_counts_equal_an_independent_count_over_the_raw_history(make_proposal, secretary, township):
    make_proposal("closed", replied_on=dt.date(2025, 4, 1))
    rehandled = _second_round_pending(make_proposal, secretary)
    make_proposal("in_progress", assigned_on=dt.date(2025, 8, 1))  # deadline 2025-11-01: overdue at year end
    make_proposal("registered")
    services.proposal_reply(
        proposal=rehandled, by=secretary, text="再次答复", outcome="B", replied_on=dt.date(2026, 2, 25)
    )
    s = proposal_stats(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    # independent counts over the replies and evaluations tables
    replied = ProposalReply.objects.filter(replied_on__lte=END).values("proposal").distinct().count()
    evaluated = ProposalEvaluation.objects.filter(evaluated_on__lte=END).values("proposal").distinct().count()
    latest_on_time = sum(
        1
        for pid in ProposalReply.objects.filter(replied_on__lte=END)
        .values_list("proposal", flat=True)
        .distinct()
        if ProposalReply.objects.filter(proposal=pid, replied_on__lte=END).order_by("-round").first().on_time
    )
    assert (s["received"], s["replied"], s["evaluated"], s["on_time"]) == (
        4,
        replied,
        evaluated,
        latest_on_time,
    )
    assert s["replied"] == 2 and s["evaluated"] == 2
    # overdue at year end: the item in progress past its deadline (the rehandled one was due 2026-01-20)
    assert s["overdue"] == 1
    assert s["received_closed"] == 1 and s["closed_rate"] == 25.0
    drilled = drill_records(metric="overdue", township_ids=[township.pk], year=2025)
    assert drilled.count() == 1


def test_closed_rate_is_over_received_with_carried_over_on_their_own_line(make_proposal, secretary, township):
    old = make_proposal("in_progress", submitted_on=dt.date(2024, 10, 8), assigned_on=dt.date(2024, 10, 9))
    make_proposal("closed", submitted_on=dt.date(2025, 3, 1), replied_on=dt.date(2025, 3, 20))
    make_proposal("registered", submitted_on=dt.date(2025, 3, 2))
    p = services.proposal_reply(
        proposal=old, by=secretary, text="办结", outcome="A", replied_on=dt.date(2025, 2, 1)
    )
    p = services.proposal_evaluate(
        proposal=p, by=secretary, rating="satisfied", evaluated_on=dt.date(2025, 2, 3)
    )
    services.proposal_close(proposal=p, by=secretary, closed_on=dt.date(2025, 2, 4))
    s = proposal_stats(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    assert (s["received"], s["received_closed"], s["closed_rate"]) == (2, 1, 50.0)
    assert (s["carried_over"], s["carried_closed"], s["carried_closed_rate"]) == (1, 1, 100.0)
    assert s["closed"] == 2 and s["closed_on_time"] == 1 and s["closed_on_time_rate"] == 50.0
    assert set(RATE_DEFINITIONS) >= {"closed_rate", "closed_on_time_rate", "carried_closed_rate"}


def test_work_report_states_its_cutoff(make_proposal, township):
    make_proposal("closed", replied_on=dt.date(2025, 4, 1))
    past = work_report_data(township=township, year=2025, today=TODAY)
    text = "\n".join(
        p.text for p in docx.Document(__import__("io").BytesIO(work_report_docx(past))).paragraphs
    )
    assert "截至2025年12月31日" in text
    current = work_report_data(township=township, year=2026, today=TODAY)
    text = "\n".join(
        p.text for p in docx.Document(__import__("io").BytesIO(work_report_docx(current))).paragraphs
    )
    assert "截至今日（2026年11月26日）" in text
