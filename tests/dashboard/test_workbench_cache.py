"""The workbench from the records cache (renda.core.records_cache): a
second view runs fewer queries when nothing was written, a committed change shows at once, what
the session holds (a roster import waiting for confirmation) is part of the page's key, and the
forms to post carry fresh tokens every time."""

import pytest
from django.urls import reverse

from renda.core.models import Reminder
from tests.pages import TOKEN, page_view


@pytest.mark.django_db(transaction=True)
def test_workbench_from_the_cache_until_a_committed_write(township, term, secretary, client_for):
    client = client_for(secretary)
    first, before = page_view(client, "/")
    second, after = page_view(client, "/")
    assert after < before and after <= 4
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert TOKEN.findall(first) and set(TOKEN.findall(first)).isdisjoint(TOKEN.findall(second))
    Reminder.objects.create(township=township, key="k", text="请核对代表名册")
    assert "请核对代表名册" in page_view(client, "/")[0]


@pytest.mark.django_db(transaction=True)
def test_workbench_follows_what_the_session_holds(township, term, secretary, client_for):
    client = client_for(secretary)
    plain, _n = page_view(client, "/")
    session = client.session
    session["roster_import_1"] = {"rows": []}
    session.save()
    waiting, _n = page_view(client, "/")
    assert TOKEN.sub("", waiting) != TOKEN.sub("", plain)
    assert reverse("deputies:import") in waiting
