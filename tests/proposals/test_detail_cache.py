"""The proposal's page from the records cache (renda.core.records_cache): a second view runs
fewer queries when nothing was written, a committed change shows at once, every form to post is
rendered with fresh tokens, and a refused action's page (with what was typed) is never kept."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals import services
from tests.pages import TOKEN, page_view


@pytest.mark.django_db(transaction=True)
def test_proposal_page_from_the_cache_until_a_committed_write(
    make_proposal, secretary, chair, reviewer, client_for
):
    p = make_proposal("replied")
    url = reverse("proposals:detail", args=[p.pk])
    for user in (secretary, chair, reviewer):
        client = client_for(user)
        first, before = page_view(client, url)
        second, after = page_view(client, url)
        assert after < before and after <= 5
        assert TOKEN.sub("", first) == TOKEN.sub("", second)
        assert TOKEN.findall(first) and set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    own = page_view(client_for(secretary), url)[0]
    assert reverse("proposals:action", args=[p.pk, "evaluate"]) in own and "/void/" in own
    assert reverse("proposals:undo", args=[p.pk]) in page_view(client_for(chair), url)[0]
    # a committed change: shown at once (the evaluation, the timeline, the actions)
    services.proposal_evaluate(proposal=p, by=secretary, rating="satisfied", evaluated_on=dt.date(2025, 5, 1))
    own = page_view(client_for(secretary), url)[0]
    assert "2025-05-01" in own and reverse("proposals:action", args=[p.pk, "close"]) in own
    assert "2025-05-01" in page_view(client_for(reviewer), url)[0]


@pytest.mark.django_db(transaction=True)
def test_a_refused_action_is_shown_with_its_errors_and_not_kept(make_proposal, secretary, client_for):
    p = make_proposal("submitted")
    url = reverse("proposals:detail", args=[p.pk])
    client = client_for(secretary)
    page_view(client, url)
    blank, _n = page_view(client, url)
    refused = client.post(reverse("proposals:action", args=[p.pk, "reject"]), {"reject-reason": ""})
    assert refused.status_code == 400 and 'class="collapse show" id="act-reject"' in refused.content.decode()
    assert "invalid-feedback" in refused.content.decode()
    assert TOKEN.sub("", page_view(client, url)[0]) == TOKEN.sub("", blank)


@pytest.mark.django_db(transaction=True)
def test_register_from_the_cache_until_a_committed_write(make_proposal, secretary, client_for):
    make_proposal("submitted", title="修缮村道")
    client = client_for(secretary)
    url = reverse("proposals:list") + "?year=2025"
    first, before = page_view(client, url)
    second, after = page_view(client, url)
    assert after < before and after <= 4
    assert TOKEN.sub("", first) == TOKEN.sub("", second) and "修缮村道" in second
    # the export form is in the cached fragment: its tokens are this page's own
    assert set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    make_proposal("submitted", title="整治河道")
    assert "整治河道" in page_view(client, url)[0]
