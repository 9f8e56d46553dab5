"""Opening a page writes nothing: settings and categories exist from the township's creation,
and the scoring scheme is created only when an editor saves it; a deputy's unread messages stay
unread until the deputy marks them; a session's expected list is shown, not stored, until the
attendance is saved. A GET issues no INSERT, UPDATE or DELETE (the session store aside)."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from proposals.models import ProposalCategory, ProposalSettings
from renda.core.models import Township


def _counts():
    return {m._meta.label: m.objects.aggregate(n=Count("pk"))["n"] for m in apps.get_models()}


def _writes(client, url):
    """The status of GET `url` and the writing statements it ran (the session store aside)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and "django_session" not in q["sql"]
    ]
    return response.status_code, writes


def test_a_new_township_is_set_up_when_created_not_when_a_page_is_opened(admin_user):
    from django.contrib import admin
    from django.test import RequestFactory

    from renda.core.admin import TownshipAdmin

    township = Township(name="新设镇", code="xinshe", kind=Township.Kind.ZHEN)
    request = RequestFactory().post("/")
    request.user = admin_user
    TownshipAdmin(Township, admin.site).save_model(request, township, None, change=False)
    assert ProposalSettings.objects.filter(township=township).count() == 1
    assert ProposalCategory.objects.filter(township=township).count() == 9


def test_get_pages_of_a_fresh_township_write_no_row(township, secretary, chair, client_for):
    ProposalCategory.objects.filter(township=township).delete()
    ProposalSettings.objects.filter(township=township).delete()
    for user, urls in (
        (secretary, ["/proposals/new/", "/proposals/settings/", "/proposals/"]),
        (chair, [f"/assessments/township/{township.pk}/scheme/2026/"]),
    ):
        client = client_for(user)
        for url in urls:
            before = _counts()
            status, writes = _writes(client, url)
            assert status in (200, 302), url
            assert _counts() == before, url
            assert writes == [], url


@pytest.mark.django_db
def test_a_deputy_reading_messages_writes_nothing(township, secretary, client_for):
    from portal.models import DeputyAccount, Message
    from portal.services import deputy_accounts_create
    from tests.factories import DeputyFactory

    deputy = DeputyFactory(township=township)
    deputy_accounts_create(township=township, by=secretary, deputies=[deputy])
    account = DeputyAccount.objects.get(deputy=deputy)
    account.must_change_password = False
    account.save()
    Message.objects.create(township=township, deputy=deputy, key="k", text="会议通知")
    client = client_for(account.user)
    for url in ("/me/", "/me/messages/"):
        status, writes = _writes(client, url)
        assert status == 200, url
        assert writes == [], url
    assert Message.objects.get(deputy=deputy).read_at is None


@pytest.mark.django_db
def test_the_session_attendance_page_computes_the_expected_list_and_writes_nothing(
    township, term, secretary, client_for
):
    from meetings.models import SessionAttendance
    from meetings.services import session_create
    from tests.factories import DeputyFactory

    day = dt.date(2026, 3, 4)
    session = session_create(by=secretary, township=township, number=7, start_date=day, end_date=day)
    elected = DeputyFactory(township=township, mandate__start_date=dt.date(2026, 1, 1))
    status, writes = _writes(client_for(secretary), f"/meetings/sessions/{session.pk}/attendance/")
    assert status == 200
    assert writes == []
    assert not SessionAttendance.objects.filter(session=session, deputy=elected).exists()
