"""The demo county keeps the mandate timeline's rules (issue 14), checked with deputies.serving:
a 街道 has no township congress; a past 换届 gives two terms; every proposal's lead and
co-signers serve on its date; session numbers follow their dates within each term."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction

from deputies.models import Mandate, PresidiumMembership
from deputies.serving import deputy_not_serving, deputy_serving, presidium_memberships_on
from meetings.models import PresidiumMeeting, Session
from proposals.models import Proposal
from renda.core.models import Term, Township
from renda.core.terms import term_on

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for this module's tests, which only read it: in a transaction rolled back after
    the last one (each test's own transaction nests in it as a savepoint, as with Django's
    TestCase.setUpTestData), so no other module sees it."""
    with django_db_blocker.unblock(), transaction.atomic():
        # six years reach back into the previous term (17: 2016-12-28 … 2021-12-27)
        call_command("seed_demo", "--size", "small", "--townships", "3", "--deputies", "24", "--years", "6")
        yield {t.kind: t for t in Township.objects.all()}
        transaction.set_rollback(True)


def test_demo_subdistrict_has_no_township_congress(demo):
    jiedao = demo[Township.Kind.JIEDAO]
    assert not Mandate.objects.filter(township=jiedao, level=Mandate.Level.TOWNSHIP).exists()
    assert not Session.objects.filter(township=jiedao).exists()
    assert not PresidiumMeeting.objects.filter(township=jiedao).exists()
    assert not PresidiumMembership.objects.filter(township=jiedao).exists()
    # its county deputies do the work: they are on its roster, in its groups and stations
    assert deputy_serving(township=jiedao, on=dt.date(2025, 6, 1), level=Mandate.Level.COUNTY).count() >= 10


def test_demo_has_a_past_term_change(demo):
    for township in (demo[Township.Kind.ZHEN], demo[Township.Kind.XIANG]):
        old, new = Term.objects.filter(township=township).order_by("start_date")
        assert old.end_date + dt.timedelta(days=1) == new.start_date
        before = set(deputy_serving(township=township, on=old.end_date))
        after = set(deputy_serving(township=township, on=new.start_date))
        assert before and after and before != after and before & after  # some re-elected, some not
        assert not Mandate.objects.filter(
            township=township, level=Mandate.Level.TOWNSHIP, term=old, end_date__isnull=True
        ).exists()
        for term in (old, new):  # each term has its own presidium, of deputies serving in it
            day = max(term.start_date, min(term.end_date, dt.date(2025, 6, 1)))
            assert presidium_memberships_on(township=township, day=day, term=term).count() >= 5


def test_demo_proposals_are_led_and_signed_by_serving_deputies(demo):
    proposals = Proposal.objects.select_related("township", "lead_deputy").prefetch_related("co_signers")
    assert proposals.exists()
    broken = []
    for p in proposals:
        signers = [p.lead_deputy, *p.co_signers.all()]
        for d in deputy_not_serving(township=p.township, deputies=signers, on=p.submitted_on):
            broken.append((p.pk, p.submitted_on, d.name))
    assert broken == []


def test_demo_session_numbers_follow_their_dates(demo):
    by_term = defaultdict(list)
    for s in Session.objects.select_related("term", "township").order_by("start_date"):
        assert term_on(township=s.township, on=s.start_date) == s.term
        by_term[s.term].append(s)
    assert len(by_term) >= 4  # both terms of both congress townships
    for term, sessions in by_term.items():
        numbers = [s.number for s in sessions]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), term
        for s in sessions:
            # the demo holds one session a year, in January: the first January in the term is 第一次会议
            januaries = [
                y
                for y in range(term.start_date.year, s.start_date.year + 1)
                if dt.date(y, 1, 31) >= term.start_date
            ]
            assert s.number == len(januaries), (term, s.start_date, s.number)
