"""两联一述 as a page (issue 14): which deputies each presidium member keeps in contact with,
edited by the secretary with history, refused for someone not serving or the member themselves;
the page's figures recounted from the rows."""

import datetime as dt

import pytest

from deputies.models import ContactAssignment, Mandate, PresidiumMembership
from deputies.services import contact_assignments_set
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(township, term):
    out = []
    for name in ["甲", "乙", "丙", "丁"]:
        d = DeputyFactory(township=township, name=name)
        Mandate.objects.create(
            township=township, deputy=d, level=Mandate.Level.TOWNSHIP, term=term, start_date=term.start_date
        )
        out.append(d)
    return out


@pytest.fixture
def member(township, term, people):
    return PresidiumMembership.objects.create(
        township=township, term=term, deputy=people[0], role="chair", start_date=term.start_date
    )


def test_secretary_assigns_and_changes_with_history(township, term, people, member, secretary, client_for):
    client = client_for(secretary)
    url = f"/deputies/contacts/{member.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"deputies": [people[1].pk, people[2].pk]})
    assert response.status_code == 302
    rows = ContactAssignment.objects.filter(term=term, member=people[0])
    assert set(rows.values_list("deputy_id", flat=True)) == {people[1].pk, people[2].pk}
    client.post(url, {"deputies": [people[2].pk]})
    assert set(rows.values_list("deputy_id", flat=True)) == {people[2].pk}
    history = ContactAssignment.history.filter(member_id=people[0].pk)
    assert history.filter(history_type="+").count() == 2
    removed = history.get(history_type="-")
    assert removed.deputy_id == people[1].pk and removed.history_user == secretary

    page = client.get(f"/deputies/contacts/?term={term.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    # recounted from the rows: the member's list, and who is left out
    data = page.context["page"]
    assert [d.pk for d in data["members"][0]["deputies"]] == list(rows.values_list("deputy_id", flat=True))
    left_out = (
        {d.pk for d in people}
        - {member.deputy_id}
        - set(ContactAssignment.objects.filter(term=term).values_list("deputy_id", flat=True))
    )
    assert {d.pk for d in data["unassigned"]} == left_out
    assert people[3].name in html


def test_refusals(township, term, people, member, secretary, other_township):
    with pytest.raises(ApplicationError) as exc:
        contact_assignments_set(
            township=township, term=term, member=member, deputies=[people[0]], by=secretary
        )
    assert exc.value.field == "deputies"
    gone = DeputyFactory(township=township, name="已离任")
    Mandate.objects.filter(deputy=gone).delete()  # only a county mandate: not a township deputy
    Mandate.objects.create(
        township=township,
        deputy=gone,
        level=Mandate.Level.COUNTY,
        term_number=18,
        start_date=dt.date(2021, 1, 1),
    )
    with pytest.raises(ApplicationError) as exc:
        contact_assignments_set(township=township, term=term, member=member, deputies=[gone], by=secretary)
    assert exc.value.field == "deputies" and "已离任" in exc.value.message
    stranger = DeputyFactory(township=other_township, name="外乡")
    with pytest.raises(ApplicationError):
        contact_assignments_set(
            township=township, term=term, member=member, deputies=[stranger], by=secretary
        )
    assert not ContactAssignment.objects.exists()


def test_reviewer_reads_but_cannot_change(township, term, member, reviewer, client_for):
    client = client_for(reviewer)
    assert client.get("/deputies/contacts/").status_code == 200
    assert client.get(f"/deputies/contacts/{member.pk}/").status_code == 403
    assert client.post(f"/deputies/contacts/{member.pk}/", {"deputies": []}).status_code == 403
