"""Leads and co-signers are township deputies serving on the day the proposal was submitted;
a refusal names the person and the date."""

import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import Mandate
from proposals import services
from proposals.models import Proposal
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory

DAY = dt.date(2026, 3, 4)


@pytest.fixture
def county_only(township):
    d = DeputyFactory(township=township, mandate__end_date=dt.date(2023, 6, 30))
    Mandate.objects.create(
        township=township, deputy=d, level="county", term_number=18, start_date=dt.date(2021, 11, 20)
    )
    return d


def _motion(township, secretary, signers, **kw):
    return services.proposal_submit(
        township=township,
        by=secretary,
        kind=Proposal.Kind.MOTION,
        title="关于修缮中心小学校舍的议案",
        content="校舍老旧。",
        lead_deputy=signers[0],
        co_signers=signers[1:],
        submitted_on=DAY,
        during_session=True,
        session_number=5,
        **kw,
    )


@pytest.mark.django_db
def test_co_signer_with_only_a_county_mandate_is_refused(township, secretary, deputies, county_only):
    with pytest.raises(ApplicationError) as exc:
        _motion(township, secretary, [*deputies[:4], county_only])
    assert exc.value.field == "co_signers"
    assert county_only.name in exc.value.message and "2026-03-04" in exc.value.message
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_co_signer_with_no_mandate_is_refused(township, secretary, deputies):
    nobody = DeputyFactory(township=township, mandate=False)
    with pytest.raises(ApplicationError) as exc:
        _motion(township, secretary, [*deputies[:4], nobody])
    assert nobody.name in exc.value.message


@pytest.mark.django_db
def test_former_deputy_as_lead_is_refused(township, secretary, county_only):
    with pytest.raises(ApplicationError) as exc:
        services.proposal_submit(
            township=township,
            by=secretary,
            kind=Proposal.Kind.SUGGESTION,
            title="关于硬化村道的建议",
            content="村道破损。",
            lead_deputy=county_only,
            submitted_on=DAY,
        )
    assert exc.value.field == "lead_deputy" and county_only.name in exc.value.message


@pytest.mark.django_db
def test_lead_elected_after_the_date_is_refused_through_the_form(township, secretary, client_for):
    later = DeputyFactory(township=township, mandate__start_date=dt.date(2026, 5, 1))
    response = client_for(secretary).post(
        reverse("proposals:create"),
        {
            "kind": Proposal.Kind.SUGGESTION,
            "title": "关于硬化村道的建议",
            "content": "村道破损。",
            "lead_deputy": later.pk,
            "submitted_on": "2026-03-04",
            "origin": Proposal.Origin.DEPUTY,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert later.name in page and "2026-03-04" in page
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_serving_signers_are_accepted(township, secretary, deputies):
    proposal = _motion(township, secretary, deputies[:5])
    assert proposal.co_signers.count() == 4


@pytest.mark.django_db
def test_old_record_with_a_non_serving_signer_shows_a_warning(
    township, secretary, deputies, county_only, client_for
):
    proposal = _motion(township, secretary, deputies[:5])
    proposal.co_signers.add(county_only)  # as recorded before the rule
    response = client_for(secretary).get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "alert-warning" in page and county_only.name in page and "2026-03-04" in page
    # editing the old record is not refused for the signer already on it
    services.proposal_update(proposal=proposal, by=secretary, title="关于修缮校舍的议案")


@pytest.mark.django_db
def test_old_record_with_a_signer_not_serving_stays_editable_through_the_form(
    township, secretary, deputies, client_for
):
    proposal = _motion(township, secretary, deputies[:5])
    nobody = DeputyFactory(township=township, mandate=False)
    proposal.co_signers.add(nobody)  # as recorded before the rule
    client = client_for(secretary)
    url = reverse("proposals:edit", args=[proposal.pk])
    page = client.get(url)
    text = page.content.decode()
    assert (
        page.status_code == 200 and "alert-warning" in text and nobody.name in text and "2026-03-04" in text
    )
    # the signer is still offered and ticked, so saving keeps them
    assert nobody.pk in page.context["form"].initial["co_signers"]
    assert nobody in page.context["form"].fields["co_signers"].queryset
    data = {
        "title": "关于修缮校舍的议案",
        "content": "校舍老旧。",
        "origin": Proposal.Origin.DEPUTY,
        "lead_deputy": deputies[0].pk,
        "co_signers": [d.pk for d in deputies[1:5]] + [nobody.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "关于修缮校舍的议案" and nobody in proposal.co_signers.all()
    # someone else not serving is not offered
    stranger = DeputyFactory(township=township, mandate=False)
    response = client.post(url, {**data, "co_signers": [*data["co_signers"], stranger.pk]})
    assert response.status_code == 200 and stranger not in proposal.co_signers.all()
