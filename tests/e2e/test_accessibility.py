"""WCAG 2 A and AA (GB/T 37668) on the pages of the journeys, in a real Chromium: axe-core, vendored
from npm in static/vendor/axe-core, finds no violation on the login page, the secretary's pages, the
chair's and the handling unit's homes, the reviewer's dashboard, or the register and the home page
on a 390 px phone, and the public pages (议案建议进行时) anyone may open."""

import pytest
from django.templatetags.static import static

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result =>
  result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n =>
    n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200))})))"""


def _violations(page, base, path):
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    # a same-origin script file: the Content-Security-Policy refuses an inline one
    page.add_script_tag(url=f"{base}{static('vendor/axe-core/axe.min.js')}")
    return [(path, v["id"], v["help"], v["nodes"]) for v in page.evaluate(RUN_AXE, TAGS)]


def _journey_pages():
    from deputies.models import PresidiumMembership
    from meetings.models import Activity, Decision, PresidiumMeeting, Session
    from proposals.models import Proposal

    scope = {"township__code": "hongqi"}
    proposal = (
        Proposal.objects.filter(**scope, is_key=True).first() or Proposal.objects.filter(**scope).first()
    )
    meeting = PresidiumMeeting.objects.filter(**scope).order_by("-date").first()
    session = Session.objects.filter(**scope).first()
    activity = Activity.objects.filter(**scope).first()
    decision = Decision.objects.filter(**scope).first()
    membership = PresidiumMembership.objects.filter(**scope).first()
    return [
        "/",
        "/deputies/",
        "/deputies/contacts/",
        f"/deputies/contacts/{membership.pk}/",
        "/proposals/",
        "/proposals/?key=on",
        f"/proposals/{proposal.pk}/",
        "/proposals/new/",
        "/meetings/",
        "/meetings/sessions/",
        f"/meetings/sessions/{session.pk}/",
        "/meetings/presidium/",
        f"/meetings/presidium/{meeting.pk}/",
        "/meetings/follow-ups/",
        f"/meetings/follow-ups/{decision.pk}/",
        "/meetings/activities/",
        f"/meetings/activities/{activity.pk}/",
        f"/meetings/calendar/?year={meeting.date.year}&month={meeting.date.month}",
        "/meetings/contacts/",
    ]


def test_the_journeys_pages_have_no_wcag_a_or_aa_violation(demo, live_server, page, browser):
    from renda.core.models import Township

    base = live_server.url
    found = _violations(page, base, "/accounts/login/")
    # the public page 议案建议进行时, county-wide and of one township, without logging in
    for path in ["/public/", "/public/t/hongqi/"]:
        found += _violations(page, base, path)

    login(page, base, "hongqi_mishu")
    hongqi = Township.objects.get(code="hongqi")
    for path in [*_journey_pages(), f"/assessments/township/{hongqi.pk}/", "/dashboard/year-end/"]:
        found += _violations(page, base, path)

    for username in ["hongqi_zhuxi", "hongqi_danwei"]:  # the chair's and the handling unit's homes
        page.context.clear_cookies()
        login(page, base, username)
        for path in ["/", "/proposals/"]:
            found += _violations(page, base, path)

    page.context.clear_cookies()
    login(page, base, "county_reviewer")
    for path in ["/dashboard/", "/proposals/"]:
        found += _violations(page, base, path)

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        small = phone.new_page()
        small.set_default_timeout(20000)
        login(small, base, "hongqi_mishu")
        for path in ["/", "/proposals/"]:
            found += _violations(small, base, path)
    finally:
        phone.close()

    assert found == [], "\n".join(
        f"{path} {rule}: {help_}\n  " + "\n  ".join(nodes) for path, rule, help_, nodes in found
    )
