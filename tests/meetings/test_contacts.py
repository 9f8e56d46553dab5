"""两联一述: presidium members' contacts with deputies, deputies' voter visits, and their quotas."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import DeputyContact
from meetings.selectors import contact_duties
from meetings.services import activity_save, deputy_contact_create
from renda.core.exceptions import ApplicationError
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_voter_visit_keeps_its_voter_count_and_households(township, deputies):
    visit = dict(
        township=township,
        kind="visit",
        start_date=dt.date(YEAR, 4, 2),
        topic="走访选民",
        voter_count=23,
        households=11,
    )
    visit, _w = activity_save(by=staff_user(township), **visit, deputies=deputies[:1])
    visit.refresh_from_db()
    assert (visit.voter_count, visit.households) == (23, 11)
    # households belong to visits only
    inspection = dict(
        township=township, kind="inspection", start_date=dt.date(YEAR, 4, 2), topic="视察", households=5
    )
    inspection, _w = activity_save(by=staff_user(township), **inspection, deputies=deputies[:1])
    inspection.refresh_from_db()
    assert inspection.households is None and inspection.voter_count is None


def test_member_contact_needs_a_presidium_member_and_is_recorded_with_history(
    township, presidium, deputies, secretary
):
    member, other = presidium[0].deputy, deputies[10]
    contact = deputy_contact_create(
        township=township,
        member=member,
        deputy=other,
        date=dt.date(YEAR, 2, 3),
        method="visit",
        note="听取意见",
        by=secretary,
    )
    assert contact.history.first().history_user == secretary
    with pytest.raises(ApplicationError) as err:
        deputy_contact_create(
            township=township,
            member=deputies[11],
            deputy=other,
            date=dt.date(YEAR, 2, 3),
            method="visit",
            by=secretary,
        )
    assert err.value.field == "member"
    with pytest.raises(ApplicationError):
        deputy_contact_create(
            township=township,
            member=member,
            deputy=member,
            date=dt.date(YEAR, 2, 3),
            method="visit",
            by=secretary,
        )
    assert DeputyContact.objects.count() == 1


def test_contact_quotas_twelve_a_year_once_a_month_and_twenty_voters_twice_a_year(
    township, presidium, deputies, secretary
):
    diligent, monthly_gap = presidium[0].deputy, presidium[1].deputy
    for month in range(1, 13):
        deputy_contact_create(
            township=township,
            member=diligent,
            deputy=deputies[10],
            date=dt.date(YEAR, month, 5),
            method="visit",
            by=secretary,
        )
    for _ in range(12):  # twelve contacts, all in March: the yearly count is met, the monthly one not
        deputy_contact_create(
            township=township,
            member=monthly_gap,
            deputy=deputies[11],
            date=dt.date(YEAR, 3, 5),
            method="phone",
            by=secretary,
        )
    a, b = deputies[10], deputies[11]
    for day, voters in ((dt.date(YEAR, 3, 1), 12), (dt.date(YEAR, 9, 1), 9)):
        activity_save(
            by=staff_user(township),
            township=township,
            kind="visit",
            start_date=day,
            topic="走访",
            voter_count=voters,
            households=5,
            deputies=[a],
        )
    activity_save(
        by=staff_user(township),
        township=township,
        kind="visit",
        start_date=dt.date(YEAR, 5, 1),
        topic="走访",
        voter_count=40,
        deputies=[b],
    )

    duties = contact_duties(township=township, year=YEAR, today=dt.date(YEAR + 1, 1, 10))

    members = {r.member.pk: r for r in duties["members"]}
    assert members[diligent.pk].total == 12
    assert (members[diligent.pk].light_year.colour, members[diligent.pk].light_month.colour) == (
        "green",
        "green",
    )
    assert members[monthly_gap.pk].light_year.colour == "green"
    assert members[monthly_gap.pk].light_month.colour == "red"
    assert members[presidium[2].deputy.pk].light_year.colour == "red"
    voters = {r.deputy.pk: r for r in duties["deputies"]}
    assert (voters[a.pk].visits, voters[a.pk].voters, voters[a.pk].households) == (2, 21, 10)
    assert voters[a.pk].light.colour == "green"
    assert voters[b.pk].light.colour == "red"  # 40 voters, but one visit
    # Independent recount over the raw rows.
    assert duties["contacts"] == DeputyContact.objects.filter(date__year=YEAR).count() == 24


def test_contact_page_records_a_contact_and_refuses_a_non_member(
    client_for, secretary, presidium, deputies, township
):
    c = client_for(secretary)
    url = reverse("meetings:contacts")
    r = c.post(
        url,
        {"member": deputies[11].pk, "deputy": deputies[10].pk, "date": f"{YEAR}-03-01", "method": "visit"},
    )
    # only presidium members are offered: another deputy is refused beside the field
    assert r.status_code == 200 and r.context["form"].errors.get("member")
    assert not DeputyContact.objects.exists()
    r = c.post(
        url,
        {
            "member": presidium[0].deputy.pk,
            "deputy": deputies[10].pk,
            "date": f"{YEAR}-03-01",
            "method": "visit",
        },
    )
    assert r.status_code == 302
    contact = DeputyContact.objects.get()
    assert c.get(reverse("meetings:contact_detail", args=[contact.pk])).status_code == 200
    r = c.get(url + f"?year={YEAR}")
    assert r.status_code == 200 and presidium[0].deputy.name in r.content.decode()


def test_contact_page_is_read_only_for_the_reviewer_and_another_township_sees_no_contact(
    client_for, reviewer, other_secretary, presidium, deputies, township, secretary
):
    contact = deputy_contact_create(
        township=township,
        member=presidium[0].deputy,
        deputy=deputies[10],
        date=dt.date(YEAR, 2, 3),
        method="visit",
        by=secretary,
    )
    assert client_for(reviewer).post(reverse("meetings:contacts"), {}).status_code == 403
    assert (
        client_for(other_secretary).get(reverse("meetings:contact_detail", args=[contact.pk])).status_code
        == 404
    )


def test_township_counts_for_the_dashboard_agree_with_the_page_and_the_raw_rows(
    township, other_township, presidium, deputies, secretary
):
    from meetings.models import ActivityParticipation
    from meetings.selectors import contact_duty_counts, member_contacts_behind, voter_contacts_behind

    diligent = presidium[0].deputy
    for month in range(1, 13):
        deputy_contact_create(
            township=township,
            member=diligent,
            deputy=deputies[10],
            date=dt.date(YEAR, month, 5),
            method="visit",
            by=secretary,
        )
    deputy_contact_create(
        township=township,
        member=presidium[1].deputy,
        deputy=deputies[10],
        date=dt.date(YEAR, 1, 5),
        method="visit",
        by=secretary,
    )
    for day, voters in ((dt.date(YEAR, 3, 1), 12), (dt.date(YEAR, 9, 1), 9)):
        activity_save(
            by=staff_user(township),
            township=township,
            kind="visit",
            start_date=day,
            topic="走访",
            voter_count=voters,
            deputies=deputies[10:12],
        )
    today = dt.date(YEAR + 1, 1, 10)

    counts = contact_duty_counts(township_ids=[township.pk, other_township.pk], year=YEAR, today=today)
    page = contact_duties(township=township, year=YEAR, today=today)

    mine = counts[township.pk]
    assert (mine.members, mine.members_met) == (len(page["members"]), page["members_met"]) == (9, 1)
    assert (mine.deputies, mine.deputies_met) == (len(page["deputies"]), page["deputies_met"])
    assert mine.light_members.colour == "red" and mine.light_deputies.colour == "red"
    assert counts[other_township.pk].members == 0 and counts[other_township.pk].light_members.colour == "grey"
    # Independent recount: members with 12 contacts spread over every month; deputies with two
    # visits reaching 20 voters.
    per_member = {}
    for c in DeputyContact.objects.filter(township=township, date__year=YEAR):
        per_member.setdefault(c.member_id, set()).add(c.date.month)
    raw_met = sum(
        1
        for m in presidium
        if len(per_member.get(m.deputy_id, ())) == 12
        and DeputyContact.objects.filter(member=m.deputy, date__year=YEAR).count() >= 12
    )
    assert mine.members_met == raw_met == 1
    visits = {}
    for p in ActivityParticipation.objects.filter(
        township=township, activity__kind="visit", activity__start_date__year=YEAR
    ).select_related("activity"):
        n, v = visits.get(p.deputy_id, (0, 0))
        visits[p.deputy_id] = (n + 1, v + (p.activity.voter_count or 0))
    assert mine.deputies_met == sum(1 for n, v in visits.values() if n >= 2 and v >= 20) == 2
    behind = set(member_contacts_behind(township_ids=[township.pk], year=YEAR, today=today))
    assert behind == {m.deputy for m in presidium[1:]}
    assert set(voter_contacts_behind(township_ids=[township.pk], year=YEAR).values_list("pk", flat=True)) == {
        d.pk for d in deputies if d.pk not in (deputies[10].pk, deputies[11].pk)
    }
