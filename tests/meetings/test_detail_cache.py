"""The presidium meeting's page from the records cache (renda.core.records_cache): a second view
runs fewer queries when nothing was written, a committed change shows at once, every form to post
is rendered with fresh tokens, a refused vote's typed figures come back though the page is
cached, and a refused form's page is never kept."""

import pytest
from django.urls import reverse

from meetings.services import agenda_item_add, presidium_attendance_save
from tests.factories import staff_user
from tests.pages import TOKEN, page_view


@pytest.mark.django_db(transaction=True)
def test_meeting_page_from_the_cache_until_a_committed_write(
    client_for, secretary, reviewer, meeting, presidium
):
    by = staff_user(meeting.township)
    item = agenda_item_add(
        meeting=meeting, topic="审议预算调整方案", order=1, reporting_unit="镇财政所", reporter="王明", by=by
    )
    presidium_attendance_save(
        by=by, meeting=meeting, entries={m.deputy_id: ("present", "") for m in presidium}
    )
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client = client_for(secretary)
    first, before = page_view(client, url)
    second, after = page_view(client, url)
    assert after < before and after <= 7
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert TOKEN.findall(first) and set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    assert 'border">9 / 9</span>' in second
    # a refused vote: the figures typed come back once (the session's), the page otherwise cached
    vote = reverse("meetings:agenda_vote", args=[item.pk])
    client.post(vote, {"votes_for": "12", "votes_against": "0", "votes_abstain": "0"})
    assert 'name="votes_for" value="12"' in page_view(client, url)[0]
    assert 'name="votes_for" value="12"' not in page_view(client, url)[0]
    # a committed change: shown at once, to the secretary and to the county
    absent = presidium[8].deputy_id
    presidium_attendance_save(by=by, meeting=meeting, entries={absent: ("excused", "外出学习")})
    page = page_view(client, url)[0]
    assert 'border">8 / 9</span>' in page and "外出学习" in page
    assert 'border">8 / 9</span>' in page_view(client_for(reviewer), url)[0]


@pytest.mark.django_db(transaction=True)
def test_a_refused_form_is_shown_with_what_was_typed_and_not_kept(client_for, secretary, meeting):
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client = client_for(secretary)
    page_view(client, url)
    page_view(client, url)  # the page's fragments are in the cache
    refused = client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"agenda-order": "x"})
    assert refused.status_code == 400
    assert 'name="agenda-order" value="x"' in refused.content.decode()
    assert "<details open>" in refused.content.decode()
    page = page_view(client, url)[0]
    assert 'name="agenda-order" value="x"' not in page and "<details open>" not in page
