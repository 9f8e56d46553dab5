"""The public page 议案建议进行时: anonymous, published years only, published fields only."""

import datetime as dt

import pytest
from django.db.models import Q

from portal import services
from portal.models import PublishedYear
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalReply
from tests.factories import DeputyFactory

MARK = "MARKER-ZX9"


@pytest.fixture
def published(township, secretary):
    services.publication_years_set(township=township, years=[2025], by=secretary)
    return 2025


def _public(client, url):
    response = client.get(url)
    return response, response.content.decode()


def test_anonymous_sees_the_published_year_with_its_items_and_rates(
    client, township, published, make_proposal
):
    p = make_proposal("closed", title="关于修缮东风桥的建议")

    response, html = _public(client, f"/public/t/{township.code}/2025/")

    assert response.status_code == 200
    assert "关于修缮东风桥的建议" in html
    assert p.lead_deputy.name in html
    assert p.lead_unit.name in html
    assert "<caption>" in html and 'scope="col"' in html
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies


def test_a_marker_in_unpublished_fields_never_appears(
    client, township, published, make_proposal, secretary, deputies
):
    # given a marker in every field the public page must not show
    lead = deputies[0]
    lead.phone = f"139{MARK}"
    lead.id_number = MARK
    lead.work_unit = MARK
    lead.notes = MARK
    lead.save()
    p = make_proposal("evaluated", content=f"内容{MARK}", lead_deputy=lead)
    Proposal.objects.filter(pk=p.pk).update(
        supervising_leader=MARK, responsible_leader=MARK, not_accepted_reason=MARK
    )
    ProposalReply.objects.filter(proposal=p).update(text=MARK)
    p.evaluations.update(comment=MARK)
    p.events.update(note=MARK)
    p.lead_unit.contact_person = MARK
    p.lead_unit.phone = MARK
    p.lead_unit.save()
    # and an item marked not for publication, its title carrying the marker
    hidden = make_proposal("replied", title=f"不公开{MARK}")
    proposal_services.proposal_publication_set(proposal=hidden, publish=False, by=secretary)

    for url in (f"/public/t/{township.code}/2025/", "/public/2025/", "/public/"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert MARK not in html, url
    html = client.get(f"/public/t/{township.code}/2025/").content.decode()
    assert p.title in html
    assert "1 件统计在内但不予公开" in html or "不予公开" in html


def test_unpublished_years_and_other_townships_are_404(
    client, township, other_township, published, make_proposal
):
    make_proposal("assigned", submitted_on=dt.date(2024, 5, 1))

    assert client.get(f"/public/t/{township.code}/2024/").status_code == 404
    assert client.get(f"/public/t/{other_township.code}/2025/").status_code == 404
    assert client.get("/public/2024/").status_code == 404
    assert client.get(f"/public/t/{other_township.code}/").status_code == 404
    assert client.get("/public/t/nosuch/2025/").status_code == 404


def test_the_public_rates_equal_an_independent_count(client, township, published, make_proposal, secretary):
    make_proposal("closed", rating="satisfied")
    make_proposal("evaluated", rating="dissatisfied", submitted_on=dt.date(2025, 4, 1))
    make_proposal("replied", met=False)
    make_proposal("assigned", deadline=dt.date(2025, 5, 1))
    make_proposal("not_accepted")
    hidden = make_proposal("closed")
    proposal_services.proposal_publication_set(proposal=hidden, publish=False, by=secretary)
    from proposals.selectors import proposal_public_stats

    stats = proposal_public_stats(townships=[township], year=2025)

    members = Proposal.objects.filter(township=township, year=2025).exclude(state="not_accepted")
    closed = members.filter(state="closed").count()
    replied = members.filter(replied_on__isnull=False)
    evaluated = members.exclude(rating="")
    satisfied = evaluated.filter(Q(rating="satisfied") | Q(rating="basically")).count()
    assert stats["total"] == members.count() == 5
    assert stats["closed_rate"] == round(100 * closed / members.count(), 1)
    assert stats["met_rate"] == round(100 * replied.filter(met_in_person=True).count() / replied.count(), 1)
    assert stats["on_time_rate"] == round(
        100 * replied.filter(replied_on_time=True).count() / replied.count(), 1
    )
    assert stats["satisfied_rate"] == round(100 * satisfied / evaluated.count(), 1)
    assert stats["unpublished"] == 1


def test_the_public_page_query_count_does_not_grow(
    client, township, published, make_proposal, django_assert_max_num_queries
):
    for i in range(3):
        make_proposal("replied", title=f"建议{i}")
    with django_assert_max_num_queries(6):
        small = client.get(f"/public/t/{township.code}/2025/")
    for i in range(12):
        make_proposal("assigned", title=f"另一建议{i}", lead_deputy=DeputyFactory(township=township))
    with django_assert_max_num_queries(6):
        big = client.get(f"/public/t/{township.code}/2025/")
    with django_assert_max_num_queries(8):
        county = client.get("/public/2025/")
    assert small.status_code == big.status_code == county.status_code == 200
    assert big.content.decode().count("另一建议") == 12


def test_publication_settings_are_for_the_township_office(client_for, township, secretary, reviewer):
    response = client_for(secretary).post("/portal/publication/", {"years": ["2025", "2026"]})

    assert response.status_code == 302
    assert set(PublishedYear.objects.filter(township=township).values_list("year", flat=True)) == {2025, 2026}
    assert client_for(reviewer).post("/portal/publication/", {"years": ["2024"]}).status_code == 403
    assert client_for(secretary).post("/portal/publication/", {"years": ["1990"]}).status_code == 200


def test_marking_not_for_publication_is_a_recorded_step_for_staff_only(
    client_for, make_proposal, secretary, unit_user
):
    p = make_proposal("assigned")

    assert client_for(unit_user).post(f"/proposals/{p.pk}/publication/", {"publish": "0"}).status_code == 403
    response = client_for(secretary).post(f"/proposals/{p.pk}/publication/", {"publish": "0"})

    assert response.status_code == 302
    p.refresh_from_db()
    assert p.not_for_publication
    assert p.events.filter(action="unpublish", by=secretary).exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_is_served_from_the_records_cache_until_a_committed_write(
    client, township, published, make_proposal, secretary, django_assert_num_queries
):
    """The same bytes for everyone: computed once per records generation; a committed change
    (here an item withdrawn from publication) shows at once."""
    from django.core.cache import cache

    cache.clear()
    p = make_proposal("closed", title="关于修缮东风桥的建议")
    first, html = _public(client, f"/public/t/{township.code}/2025/")
    assert "关于修缮东风桥的建议" in html
    with django_assert_num_queries(0):
        again, _html = _public(client, f"/public/t/{township.code}/2025/")
    assert again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Content-Type"] == first["Content-Type"]
    proposal_services.proposal_publication_set(proposal=p, publish=False, by=secretary)
    _response, html = _public(client, f"/public/t/{township.code}/2025/")
    assert "关于修缮东风桥的建议" not in html
