"""The deputy's page from the records cache (renda.core.records_cache): a second view runs
fewer queries when nothing was written, a committed change shows at once, personal data stays
masked per user and the page's forms to post carry fresh tokens every time."""

import pytest
from django.urls import reverse

from deputies import services
from tests.factories import DeputyFactory
from tests.pages import TOKEN, page_view


@pytest.mark.django_db(transaction=True)
def test_deputy_page_from_the_cache_until_a_committed_write(township, term, secretary, reviewer, client_for):
    d = DeputyFactory(township=township, name="张三", phone="13812341234", work_unit="红星村委会")
    url = reverse("deputies:detail", args=[d.pk])
    own, county = client_for(secretary), client_for(reviewer)
    first, before = page_view(own, url)
    second, after = page_view(own, url)
    assert after < before and after <= 5
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    # the archive's document button and the void form: posted forms, fresh tokens each time
    assert TOKEN.findall(first) and set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    assert "13812341234" in second
    # another user: their own page (masked), not the secretary's
    for _ in range(2):
        masked, _n = page_view(county, url)
        assert "13812341234" not in masked and "138****1234" in masked
    assert "13812341234" in page_view(own, url)[0]
    # a committed change: shown at once, to both
    services.deputy_update(deputy=d, by=secretary, work_unit="东风村委会")
    assert "东风村委会" in page_view(own, url)[0] and "红星村委会" not in page_view(own, url)[0]
    assert "东风村委会" in page_view(county, url)[0]
