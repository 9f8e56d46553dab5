"""Reads of meetings and activities. Everything starts from `access_for(user).scope(Model)`; counts are
aggregate queries whose number does not grow with the data."""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import DeputyGroup
from deputies.selectors import deputy_serving, presidium_chairs_on, presidium_memberships_on
from renda.core.access import access_for
from renda.core.figures import AppraisalLine, CommendationLine, YearAppraisals
from renda.core.quotas import QUOTAS

from .documents import MinutesData, MinutesDecision, MinutesItem, ReportedDecision, Vote
from .models import (
    ATTENDED,
    Activity,
    AgendaItem,
    AttendanceStatus,
    Decision,
    PresidiumMeeting,
    Session,
    SessionAttendance,
)
from .naming import chinese_number

# --- Lists -------------------------------------------------------------------------------


# A join in an aggregate bypasses the participations' manager: leave out voided deputies here.
LIVE_PARTICIPATION = Q(participations__deputy__voided_at__isnull=True)


def session_list(*, user, township=None):
    qs = access_for(user).scope(Session)
    if township is not None:
        qs = qs.filter(township=township)
    return (
        qs.select_related("term", "township")
        .annotate(
            deputies=Count("attendance", distinct=True),
            attended=Count("attendance", filter=Q(attendance__status__in=ATTENDED), distinct=True),
        )
        .order_by("-start_date", "-pk")
    )


def presidium_meeting_list(*, user, township=None, year=None):
    qs = access_for(user).scope(PresidiumMeeting)
    if township is not None:
        qs = qs.filter(township=township)
    if year:
        qs = qs.filter(date__year=year)
    return (
        qs.select_related("term", "township", "chair")
        .annotate(
            items=Count("agenda_items", distinct=True),
            present=Count("attendance", filter=Q(attendance__status__in=ATTENDED), distinct=True),
        )
        .order_by("-date", "-pk")
    )


def decision_list(*, user, township=None, filters=None):
    filters = filters or {}
    qs = access_for(user).scope(Decision)
    if township is not None:
        qs = qs.filter(township=township)
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=Decision.OPEN_STATUSES)
    elif status == "due":  # the home page's line: open and past due or due within 7 days
        soon = timezone.localdate() + dt.timedelta(days=7)
        qs = qs.filter(status__in=Decision.OPEN_STATUSES, deadline__lte=soon)
    elif status in Decision.Status.values:
        qs = qs.filter(status=status)
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(responsible_unit__icontains=filters["q"]))
    return qs.select_related(
        "township", "term", "meeting", "meeting__term", "reported_at", "reported_at__term"
    ).order_by("deadline", "pk")


def decision_open_list(*, user, township=None):
    """Every follow-up not yet done (open, in progress, overdue), earliest deadline first."""
    return decision_list(user=user, township=township, filters={"status": "open"})


def activity_list(*, user, filters=None, township=None):
    """Activities the user may see. filters: kind, year, month, group (id), q (topic/place)."""
    filters = filters or {}
    qs = access_for(user).scope(Activity)
    if township is not None:
        qs = qs.filter(township=township)
    if filters.get("kind") in Activity.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("year"):
        qs = qs.filter(start_date__year=int(filters["year"]))
    if filters.get("month"):
        qs = qs.filter(start_date__month=int(filters["month"]))
    if filters.get("group"):
        qs = qs.filter(group_id=int(filters["group"]))
    if filters.get("q"):
        qs = qs.filter(Q(topic__icontains=filters["q"]) | Q(place__icontains=filters["q"]))
    return (
        qs.select_related("township", "group")
        .annotate(participant_count=Count("participations", distinct=True, filter=LIVE_PARTICIPATION))
        .order_by("-start_date", "-pk")
    )


def session_attendance_rows(*, session):
    """The attendance rows of a session, in roster order, with the deputy loaded."""
    return (
        SessionAttendance.objects.filter(session=session)
        .select_related("deputy")
        .order_by("deputy__surname_strokes", "deputy__name_pinyin", "deputy_id")
    )


ROSTER_ORDER = ("surname_strokes", "name_pinyin", "pk")


def session_attendance_rows_checked(*, session):
    """The expected list (应到) of a session, one row per deputy in roster order, each with
    `serving`. Until the attendance is first saved the list is computed on read from the mandate
    timeline: the township deputies serving on the session's first day (deputies.serving), each
    with the row stored for them or an unsaved "present" one; nothing is written (saving the
    attendance stores it, services.session_attendance_save). Once saved the list is a record:
    its rows as stored, `serving` False marking old data (a deputy not serving on that day,
    shown as a warning). Two queries."""
    serving = deputy_serving(township=session.township, on=session.start_date)
    if session.expected_fixed_at is None:
        stored = {a.deputy_id: a for a in SessionAttendance.objects.filter(session=session)}
        rows = []
        for deputy in serving.order_by(*ROSTER_ORDER):
            row = stored.get(deputy.pk) or SessionAttendance(
                township_id=session.township_id, session=session, deputy=deputy
            )
            row.deputy, row.serving = deputy, True
            rows.append(row)
        return rows
    rows = list(session_attendance_rows(session=session))
    ids = set(serving.filter(pk__in=[r.deputy_id for r in rows]).values_list("pk", flat=True))
    for row in rows:
        row.serving = row.deputy_id in ids
    return rows


def session_attendance_summary(*, session):
    """[(status label, count)] and the total of a session's attendance; a list not yet fixed is
    the one the attendance page shows (computed on read, everyone present)."""
    if session.expected_fixed_at is None:
        rows = session_attendance_rows_checked(session=session)
        counts = {s.value: sum(1 for r in rows if r.status == s.value) for s in AttendanceStatus}
        counts["total"] = len(rows)
    else:
        counts = SessionAttendance.objects.filter(session=session).aggregate(
            total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in AttendanceStatus}
        )
    return [(str(s.label), counts[s.value]) for s in AttendanceStatus], counts["total"]


# --- Compliance --------------------------------------------------------------------------


@dataclass
class Compliance:
    """One township's record against the quotas in one year."""

    township_id: int
    has_presidium: bool
    year: int
    presidium_by_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    # presidium meetings with a report on the handling of motions and suggestions, per quarter
    progress_by_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    groups_total: int = 0
    groups_active_by_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    receptions_by_month: list = field(default_factory=lambda: [0] * 12)
    trainings: int = 0
    sessions: int = 0

    def quarter_ok(self, quarter):
        """Presidium meeting held (where there is a presidium) and every group active."""
        presidium = (
            not self.has_presidium
            or self.presidium_by_quarter[quarter - 1] >= QUOTAS["presidium_per_quarter"]
        )
        groups = self.groups_active_by_quarter[quarter - 1] >= self.groups_total
        return presidium and groups

    def progress_light(self, today=None):
        """A report on proposal progress to the presidium every quarter (grey without one)."""
        from renda.core.quotas import GREY, Light, light_per_period

        if not self.has_presidium:
            return Light(GREY)
        return light_per_period(
            counts=self.progress_by_quarter,
            required=QUOTAS["progress_reports_per_quarter"],
            year=self.year,
            today=today or timezone.localdate(),
        )

    @property
    def progress_light_today(self):
        return self.progress_light()

    @property
    def session_held(self):
        return self.sessions >= QUOTAS["sessions_per_year"]

    @property
    def months_with_reception(self):
        return sum(1 for n in self.receptions_by_month if n)


def compliance_for_townships(*, townships, year):
    """{township_id: Compliance} for the given townships (ids, objects or a queryset) and year.

    Five aggregate queries whatever the number of townships."""
    ids = [t if isinstance(t, int) else t.pk for t in townships]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # 1. townships' kinds
    from renda.core.models import Township

    rows = {
        pk: Compliance(township_id=pk, has_presidium=kind != Township.Kind.JIEDAO, year=year)
        for pk, kind in Township.objects.filter(pk__in=ids).values_list("pk", "kind")
    }
    _compliance_presidium(rows, ids, start, end)  # 2.
    _compliance_groups(rows, ids, start, end)  # 3. and 4.
    _compliance_activities(rows, ids, start, end)  # 5.
    # 6. sessions
    for r in (
        Session.objects.filter(township_id__in=ids, start_date__range=(start, end))
        .values("township_id")
        .annotate(n=Count("pk"))
    ):
        rows[r["township_id"]].sessions = r["n"]
    return rows


def _compliance_presidium(rows, ids, start, end):
    """Presidium meetings per quarter, and those with a report on proposal progress. One query."""
    progress = Q(
        Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), kind=AgendaItem.Kind.PROPOSAL_PROGRESS))
    )
    for r in (
        PresidiumMeeting.objects.filter(township_id__in=ids, date__range=(start, end))
        .values("township_id")
        .annotate(
            **{f"q{q}": Count("pk", filter=Q(quarter=q)) for q in range(1, 5)},
            **{f"p{q}": Count("pk", filter=Q(quarter=q) & progress) for q in range(1, 5)},
        )
    ):
        rows[r["township_id"]].presidium_by_quarter = [r[f"q{q}"] for q in range(1, 5)]
        rows[r["township_id"]].progress_by_quarter = [r[f"p{q}"] for q in range(1, 5)]


def _compliance_groups(rows, ids, start, end):
    """The groups of the term(s) running in the year, and those that met the group-activity quota
    per quarter (one row per group: a few hundred). Two queries."""
    for r in (
        DeputyGroup.objects.filter(township_id__in=ids, term__start_date__lte=end, term__end_date__gte=start)
        .values("township_id")
        .annotate(n=Count("pk"))
    ):
        rows[r["township_id"]].groups_total = r["n"]
    quarter_months = {q: [3 * q - 2, 3 * q - 1, 3 * q] for q in range(1, 5)}
    needed = QUOTAS["group_activities_per_quarter"]
    for r in (
        Activity.objects.filter(
            township_id__in=ids, kind=Activity.Kind.GROUP, start_date__range=(start, end), group__isnull=False
        )
        .values("township_id", "group_id")
        .annotate(
            **{
                f"q{q}": Count("pk", filter=Q(start_date__month__in=months))
                for q, months in quarter_months.items()
            }
        )
    ):
        active = rows[r["township_id"]].groups_active_by_quarter
        for q in range(1, 5):
            active[q - 1] += r[f"q{q}"] >= needed


def _compliance_activities(rows, ids, start, end):
    """Receptions per month, trainings in the year. One query."""
    rec = Q(kind=Activity.Kind.RECEPTION)
    for r in (
        Activity.objects.filter(township_id__in=ids, start_date__range=(start, end))
        .values("township_id")
        .annotate(
            trainings=Count("pk", filter=Q(kind=Activity.Kind.TRAINING)),
            **{f"m{m}": Count("pk", filter=rec & Q(start_date__month=m)) for m in range(1, 13)},
        )
    ):
        row = rows[r["township_id"]]
        row.trainings = r["trainings"]
        row.receptions_by_month = [r[f"m{m}"] for m in range(1, 13)]


@dataclass
class DueItem:
    label: str
    done: bool
    detail: str = ""


def compliance_due(*, compliance, today=None):
    """What is due this quarter (and this month / year) for one township, as DueItems."""
    today = today or timezone.localdate()
    c = compliance
    q = (today.month - 1) // 3 + 1
    items = []
    if c.has_presidium:
        n = c.presidium_by_quarter[q - 1]
        items.append(
            DueItem(
                _("Presidium meeting this quarter (at least %(n)s)") % {"n": QUOTAS["presidium_per_quarter"]},
                n >= QUOTAS["presidium_per_quarter"],
                _("%(n)s held") % {"n": n},
            )
        )
        n = c.progress_by_quarter[q - 1]
        items.append(
            DueItem(
                _("Report on the handling of motions and suggestions to the presidium this quarter"),
                n >= QUOTAS["progress_reports_per_quarter"],
                _("%(n)s held") % {"n": n},
            )
        )
    active, total = c.groups_active_by_quarter[q - 1], c.groups_total
    items.append(
        DueItem(
            _("Every deputy group active this quarter"),
            total > 0 and active >= total,
            _("%(active)s of %(total)s groups") % {"active": active, "total": total},
        )
    )
    n = c.receptions_by_month[today.month - 1]
    items.append(
        DueItem(
            _("Voter reception this month"), n >= QUOTAS["receptions_per_month"], _("%(n)s held") % {"n": n}
        )
    )
    items.append(
        DueItem(
            _("Deputy training this year (at least %(n)s)") % {"n": QUOTAS["trainings_per_year"]},
            c.trainings >= QUOTAS["trainings_per_year"],
            _("%(n)s held") % {"n": c.trainings},
        )
    )
    items.append(
        DueItem(_("Congress session this year"), c.session_held, _("%(n)s held") % {"n": c.sessions})
    )
    return items


# --- Calendar ----------------------------------------------------------------------------


@dataclass
class CalendarEvent:
    date: dt.date
    kind: str
    label: str
    url: str
    css: str


def calendar_month(*, user, year, month, township=None):
    """Weeks (lists of 7 (date, events)) of a month: sessions, presidium meetings, activities."""
    cal = calendar.Calendar(firstweekday=0)
    days = list(cal.itermonthdates(year, month))
    first, last = days[0], days[-1]
    access = access_for(user)
    sessions = access.scope(Session).filter(start_date__lte=last, end_date__gte=first)
    meetings = access.scope(PresidiumMeeting).filter(date__range=(first, last))
    activities = access.scope(Activity).filter(start_date__range=(first, last))
    if township is not None:
        sessions, meetings, activities = (
            sessions.filter(township=township),
            meetings.filter(township=township),
            activities.filter(township=township),
        )
    show_township = township is None and access.is_county
    events: dict = {}
    for event in chain(
        _session_events(sessions, show_township),
        _meeting_events(meetings, show_township),
        _activity_events(activities, show_township),
    ):
        if first <= event.date <= last:
            events.setdefault(event.date, []).append(event)
    weeks = [[(d, events.get(d, [])) for d in days[i : i + 7]] for i in range(0, len(days), 7)]
    return weeks


def _session_events(sessions, show_township):
    """A CalendarEvent on every day of each session."""
    from django.urls import reverse

    for s in sessions.select_related("term", "township"):
        label = _prefix(s, show_township) + str(s.title)
        url = reverse("meetings:session_detail", args=[s.pk])
        day = s.start_date
        while day <= s.end_date:
            yield CalendarEvent(day, "session", label, url, "text-bg-danger")
            day += dt.timedelta(days=1)


def _meeting_events(meetings, show_township):
    from django.urls import reverse

    for m in meetings.select_related("term", "township"):
        label = _("Presidium meeting %(n)s") % {"n": chinese_number(m.number)}
        yield CalendarEvent(
            m.date,
            "presidium",
            _prefix(m, show_township) + label,
            reverse("meetings:meeting_detail", args=[m.pk]),
            "text-bg-primary",
        )


def _activity_events(activities, show_township):
    from django.urls import reverse

    for a in activities.select_related("township").only(
        "pk", "kind", "topic", "start_date", "township__name"
    )[:2000]:
        yield CalendarEvent(
            a.start_date,
            a.kind,
            _prefix(a, show_township) + f"{a.get_kind_display()}：{a.topic}",
            reverse("meetings:activity_detail", args=[a.pk]),
            "text-bg-success",
        )


def _prefix(obj, show):
    return f"{obj.township.name}·" if show else ""


# --- Minutes -----------------------------------------------------------------------------


def minutes_data(*, meeting_id) -> MinutesData:
    """Plain data for the minutes (会议纪要) of one presidium meeting."""
    meeting = PresidiumMeeting.objects.select_related("township", "term", "chair").get(pk=meeting_id)
    present, absent = _minutes_attendance(meeting)
    decisions = [
        MinutesDecision(
            number=d.number,
            kind=str(d.get_kind_display()),
            title=d.title,
            text=d.text,
            unit=d.responsible_unit,
            deadline=d.deadline,
            agenda_item=d.agenda_item_id,
        )
        for d in meeting.decisions.order_by("number")
    ]
    reported = [
        ReportedDecision(number=d.number, title=d.title, unit=d.responsible_unit, completed_on=d.completed_on)
        for d in meeting.decisions_reported.order_by("number")
    ]
    return MinutesData(
        township=meeting.township.name,
        title=_("Minutes of the %(township)s presidium meeting") % {"township": meeting.township.name},
        subtitle=str(meeting.title),
        date=meeting.date,
        place=meeting.place,
        chair=meeting.chair.name if meeting.chair_id else "",
        member_count=meeting.member_count,
        majority_needed=meeting.majority_needed,
        present=present,
        absent=absent,
        non_voting=_minutes_non_voting(meeting),
        summary=meeting.summary,
        items=_minutes_items(meeting),
        decisions=decisions,
        reported=reported,
    )


def _minutes_attendance(meeting):
    """The names of the members present, and of those absent with the reason."""
    attendance = list(
        meeting.attendance.select_related("deputy").order_by("deputy__surname_strokes", "deputy__name_pinyin")
    )
    present = [a.deputy.name for a in attendance if a.status in ATTENDED]
    absent = [
        f"{a.deputy.name}（{a.reason or a.get_status_display()}）"
        for a in attendance
        if a.status not in ATTENDED
    ]
    return present, absent


def _minutes_non_voting(meeting):
    return [
        (
            f"{nv.deputy.name}（{_('deputy')}）"
            if nv.deputy_id
            else f"{nv.name}（{nv.post}）"
            if nv.post
            else nv.name
        )
        for nv in meeting.non_voting.select_related("deputy")
    ]


def _minutes_items(meeting) -> list[MinutesItem]:
    """The agenda items, each with its vote (None when not put to the vote)."""
    return [
        MinutesItem(
            pk=item.pk,
            topic=item.topic,
            unit=item.reporting_unit,
            reporter=item.reporter,
            rank=str(item.get_reporter_rank_display()) if item.reporter_rank else "",
            text=item.text,
            vote=Vote(
                votes_for=item.votes_for,
                against=item.votes_against,
                abstain=item.votes_abstain,
                passed=item.votes_for >= meeting.majority_needed,
            )
            if item.was_voted
            else None,
        )
        for item in meeting.agenda_items.all()
    ]


# --- 两联一述: contact duties and their quotas ------------------------------------------------
# Presidium members contact deputies at least 12 times a year and at least once a month; each
# deputy visits voters at least twice a year and reaches at least 20 voters (10 households).
# The numbers live in renda.core.quotas.QUOTAS.
CONTACT_QUOTA_KEYS = (
    "member_contacts_per_year",
    "member_contacts_per_month",
    "voter_visits_per_year",
    "voters_per_year",
    "households_per_year",
)


@dataclass
class MemberContacts:
    member: object
    per_month: list
    assigned: int = 0
    light_year: object = None
    light_month: object = None

    @property
    def total(self):
        return sum(self.per_month)


@dataclass
class VoterContacts:
    deputy: object
    visits: int = 0
    voters: int = 0
    households: int = 0
    light: object = None


def _member_lights(per_month, *, year, today):
    """A presidium member's two lights: contacts in the year, and at least one every month."""
    from renda.core.quotas import light_per_period, light_per_year

    return (
        light_per_year(
            count=sum(per_month), required=QUOTAS["member_contacts_per_year"], year=year, today=today
        ),
        light_per_period(
            counts=per_month, required=QUOTAS["member_contacts_per_month"], year=year, today=today
        ),
    )


def _voter_quota_met(visits, voters):
    return visits >= QUOTAS["voter_visits_per_year"] and voters >= QUOTAS["voters_per_year"]


def _voter_light(visits, voters, *, year, today):
    from renda.core.quotas import light_yearly_target

    return light_yearly_target(met=_voter_quota_met(visits, voters), year=year, today=today)


def _year_members_q(start, end):
    return Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gt=start))


def _year_township_deputies(*, township_ids, start, end):
    """Deputies with a township-level mandate during the period (those who owe voter contacts)."""
    from deputies.models import Deputy, Mandate
    from deputies.selectors import mandate_active_during_q

    return Deputy.objects.filter(township_id__in=township_ids).filter(
        pk__in=Mandate.objects.filter(
            mandate_active_during_q(start=start, end=end),
            township_id__in=township_ids,
            level=Mandate.Level.TOWNSHIP,
        ).values("deputy_id")
    )


def _voter_visits(*, township_ids, start, end):
    from .models import ActivityParticipation

    return (
        ActivityParticipation.objects.filter(
            township_id__in=township_ids,
            activity__kind=Activity.Kind.VISIT,
            activity__start_date__gte=start,
            activity__start_date__lte=end,
        )
        .values("township_id", "deputy_id")
        .annotate(n=Count("pk"), voters=Sum("activity__voter_count"), households=Sum("activity__households"))
        .order_by()
    )


def contact_duties(*, township, year, today=None):
    """Each presidium member's contacts with deputies per month and each township deputy's voter
    visits in `year`, with their quota lights: a fixed number of queries for any roster."""
    from renda.core.quotas import GREEN

    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    member_rows = _member_contacts(township=township, year=year, start=start, end=end, today=today)
    deputies = _year_township_deputies(township_ids=[township.pk], start=start, end=end).order_by(
        "surname_strokes", "name_pinyin"
    )
    voters = {d.pk: VoterContacts(deputy=d) for d in deputies}
    for r in _voter_visits(township_ids=[township.pk], start=start, end=end):
        row = voters.get(r["deputy_id"])
        if row is not None:
            row.visits, row.voters, row.households = r["n"], r["voters"] or 0, r["households"] or 0
    for row in voters.values():
        row.light = _voter_light(row.visits, row.voters, year=year, today=today)
    voter_rows = list(voters.values())
    return {
        "members": member_rows,
        "deputies": voter_rows,
        "quotas": {key: QUOTAS[key] for key in CONTACT_QUOTA_KEYS},
        "members_met": sum(
            1 for r in member_rows if r.light_year.colour == GREEN and r.light_month.colour == GREEN
        ),
        "deputies_met": sum(1 for r in voter_rows if r.light.colour == GREEN),
        "contacts": sum(r.total for r in member_rows),
        "visits": sum(r.visits for r in voter_rows),
        "voters": sum(r.voters for r in voter_rows),
    }


def _member_contacts(*, township, year, start, end, today):
    """[MemberContacts]: each presidium member of the year with their contacts per month, the
    deputies assigned to them and their quota lights. Three queries."""
    from deputies.models import ContactAssignment, PresidiumMembership

    from .models import DeputyContact

    members = (
        PresidiumMembership.objects.filter(_year_members_q(start, end), township=township)
        .select_related("deputy")
        .order_by("deputy__surname_strokes", "deputy__name_pinyin")
    )
    rows = {}
    for m in members:
        rows.setdefault(m.deputy_id, MemberContacts(member=m.deputy, per_month=[0] * 12))
    for r in (
        DeputyContact.objects.filter(township=township, date__gte=start, date__lte=end)
        .values("member_id", "date__month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows.get(r["member_id"])
        if row is not None:
            row.per_month[r["date__month"] - 1] = r["n"]
    for r in (
        ContactAssignment.objects.filter(
            township=township, member_id__in=list(rows), term__start_date__lte=end
        )
        .filter(term__end_date__gte=start)
        .values("member_id")
        .annotate(n=Count("deputy", distinct=True))
        .order_by()
    ):
        rows[r["member_id"]].assigned = r["n"]
    for row in rows.values():
        row.light_year, row.light_month = _member_lights(row.per_month, year=year, today=today)
    return list(rows.values())


def presidium_meeting_warnings(*, meeting, attendance, decisions) -> list[str]:
    """Where a record from before the rules breaks one (a chair who was not 主席 or 副主席, an
    attendee who was not a member serving that day, a 决定 or 审议意见 on an item not put to the
    vote or that failed it): warnings for the meeting's page, which shows the record as it is.
    `attendance` and `decisions` (with their agenda items) are the lists the page shows."""
    day, args = meeting.date, {"date": meeting.date.isoformat()}
    warnings = []
    if (
        meeting.chair_id
        and not presidium_chairs_on(township=meeting.township, day=day).filter(pk=meeting.chair_id).exists()
    ):
        warnings.append(
            _("%(name)s chaired this meeting but was not the presidium's chair or a vice-chair on %(date)s.")
            % {**args, "name": meeting.chair.name}
        )
    members = set(
        presidium_memberships_on(township=meeting.township, day=day, term=meeting.term).values_list(
            "deputy_id", flat=True
        )
    )
    for a in attendance:
        if a.deputy_id not in members:
            warnings.append(
                _("%(name)s is on the attendance list but was not a presidium member serving on %(date)s.")
                % {**args, "name": a.deputy.name}
            )
    for d in decisions:
        item = d.agenda_item
        if item is not None:
            item.meeting = meeting  # `passed` reads the meeting without another query
        names = {"kind": d.get_kind_display(), "title": d.title}
        if d.kind == Decision.Kind.DECISION and item is None:
            warnings.append(_("The %(kind)s “%(title)s” was recorded without an agenda item.") % names)
        elif d.kind == Decision.Kind.DECISION and not item.was_voted:
            warnings.append(
                _("The %(kind)s “%(title)s” was recorded on “%(topic)s”, which was not put to the vote.")
                % {**names, "topic": item.topic}
            )
        elif item is not None and item.passed is False:
            warnings.append(
                _(
                    "The %(kind)s “%(title)s” was recorded on “%(topic)s”, which did not win more "
                    "than half of all presidium members."
                )
                % {**names, "topic": item.topic}
            )
    return warnings


def _voter_quota_met_rows(*, township_ids, start, end):
    """(township, deputy) rows of the township deputies who met the voter-contact quota."""
    deputies = _year_township_deputies(township_ids=township_ids, start=start, end=end)
    return (
        _voter_visits(township_ids=township_ids, start=start, end=end)
        .filter(deputy_id__in=deputies.values("pk"))
        .filter(n__gte=QUOTAS["voter_visits_per_year"], voters__gte=QUOTAS["voters_per_year"])
    )


def voter_contacts_behind(*, township_ids, year):
    """Township deputies of the year who have not (yet) met the voter-contact quota."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    met = _voter_quota_met_rows(township_ids=township_ids, start=start, end=end).values("deputy_id")
    return _year_township_deputies(township_ids=township_ids, start=start, end=end).exclude(pk__in=met)


def member_contacts_behind(*, township_ids, year, today=None):
    """Presidium members of the year whose contacts with deputies are behind either quota."""
    from deputies.models import Deputy

    counts = contact_duty_counts(township_ids=township_ids, year=year, today=today)
    return Deputy.objects.filter(pk__in=[pk for c in counts.values() for pk in c.members_behind_ids])


@dataclass
class ContactDutyCounts:
    """A township's 两联一述 figures for the county dashboard and the workbench."""

    members: int = 0
    members_met: int = 0
    deputies: int = 0
    deputies_met: int = 0
    light_members: object = None
    light_deputies: object = None
    members_behind_ids: list = field(default_factory=list)


def contact_duty_counts(*, township_ids, year, today=None):
    """{township id: ContactDutyCounts}: how many presidium members met both contact quotas and
    how many township deputies met the voter-contact quota, each with the township's light (the
    worst of its people's). The same rules as `contact_duties`; four queries for any number of
    townships (rows per member-month and per deputy who met the quota, never per contact)."""
    from deputies.models import PresidiumMembership
    from renda.core.quotas import GREEN, GREY, Light, light_worst, light_yearly_target

    from .models import DeputyContact

    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = {tid: ContactDutyCounts() for tid in township_ids}
    per_month = {}
    for tid, member_id in (
        PresidiumMembership.objects.filter(_year_members_q(start, end), township_id__in=township_ids)
        .values_list("township_id", "deputy_id")
        .distinct()
    ):
        per_month[(tid, member_id)] = [0] * 12
    for r in (
        DeputyContact.objects.filter(township_id__in=township_ids, date__gte=start, date__lte=end)
        .values("township_id", "member_id", "date__month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts = per_month.get((r["township_id"], r["member_id"]))
        if counts is not None:
            counts[r["date__month"] - 1] = r["n"]
    member_lights = {tid: [] for tid in township_ids}
    for (tid, member_id), counts in per_month.items():
        light_year, light_month = _member_lights(counts, year=year, today=today)
        row = out[tid]
        row.members += 1
        if light_year.colour == GREEN and light_month.colour == GREEN:
            row.members_met += 1
        else:
            row.members_behind_ids.append(member_id)
        member_lights[tid] += [light_year, light_month]

    deputies = _year_township_deputies(township_ids=township_ids, start=start, end=end)
    for r in deputies.values("township_id").annotate(n=Count("pk")).order_by():
        out[r["township_id"]].deputies = r["n"]
    for r in _voter_quota_met_rows(township_ids=township_ids, start=start, end=end):
        out[r["township_id"]].deputies_met += 1
    for tid, row in out.items():
        behind = row.members - row.members_met
        row.light_members = light_worst(member_lights[tid], note=str(behind) if behind else "")
        if row.deputies:
            all_met = row.deputies_met >= row.deputies
            light = light_yearly_target(met=all_met, year=year, today=today)
            row.light_deputies = (
                light if all_met else Light(light.colour, str(row.deputies - row.deputies_met))
            )
        else:
            row.light_deputies = Light(GREY)
    return out


# --- Reception issues (两簿两卡) -------------------------------------------------------------


@dataclass
class IssueSummary:
    """The register's figures over the issues listed (one aggregate query)."""

    total: int = 0
    government: int = 0
    redirected: int = 0
    unsorted: int = 0
    open: int = 0
    overdue: int = 0
    replied: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    archived: int = 0

    @property
    def with_feedback(self):
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def satisfaction_rate(self):
        from renda.core.quotas import rate

        return rate(self.satisfied + self.basically, self.with_feedback)


def reception_issue_list(*, user, township=None, filters=None):
    """Reception issues the user may see, filtered by year (of the reception), step,
    classification, open / overdue and the reception itself."""
    from .models import ReceptionIssue

    filters = filters or {}
    qs = access_for(user).scope(ReceptionIssue)
    if township is not None:
        qs = qs.filter(township=township)
    if filters.get("year"):
        qs = qs.filter(activity__start_date__year=int(filters["year"]))
    if filters.get("activity"):
        qs = qs.filter(activity_id=int(filters["activity"]))
    state = filters.get("state")
    if state == "open":
        qs = qs.filter(state__in=ReceptionIssue.OPEN_STATES)
    elif state == "overdue":
        qs = qs.filter(_issue_overdue_q(timezone.localdate()))
    elif state in ReceptionIssue.State.values:
        qs = qs.filter(state=state)
    if filters.get("classification") in ReceptionIssue.Classification.values:
        qs = qs.filter(classification=filters["classification"])
    return qs.select_related("township", "activity", "received_by").order_by("-activity__start_date", "-pk")


def _issue_overdue_q(today):
    return Q(state__in=["assigned", "supervised"], deadline__lt=today)


def reception_issue_summary(*, qs, today=None):
    """Counts over `qs` (already scoped and filtered) in one aggregate query."""
    from .models import ReceptionIssue

    today = today or timezone.localdate()
    row = qs.order_by().aggregate(
        total=Count("pk"),
        government=Count("pk", filter=Q(classification="government")),
        redirected=Count("pk", filter=Q(classification__in=ReceptionIssue.REDIRECTED)),
        unsorted=Count("pk", filter=Q(state="received")),
        open=Count("pk", filter=Q(state__in=ReceptionIssue.OPEN_STATES)),
        overdue=Count("pk", filter=_issue_overdue_q(today)),
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
        satisfied=Count("pk", filter=Q(feedback="satisfied")),
        basically=Count("pk", filter=Q(feedback="basically")),
        unsatisfied=Count("pk", filter=Q(feedback="unsatisfied")),
        archived=Count("pk", filter=Q(state="archived")),
    )
    return IssueSummary(**{k: v or 0 for k, v in row.items()})


# --- Year-end appraisals (评议) and commendations (表彰) --------------------------------------------


def appraisal_year(*, user, township, year):
    """A township's appraisals and commendations of `year` as the user may see them, with the
    counts by grade and kind (counted from the rows listed)."""
    from .models import Appraisal, Commendation

    access = access_for(user)
    appraisals = list(
        access.scope(Appraisal)
        .filter(township=township, year=year)
        .select_related("group", "station")
        .order_by("subject", "group__number", "station__name", "date", "pk")
    )
    commendations = list(
        access.scope(Commendation)
        .filter(township=township, year=year)
        .select_related("group", "deputy")
        .order_by("kind", "group__number", "deputy__surname_strokes", "deputy__name_pinyin", "pk")
    )
    by_grade = {g: 0 for g in Appraisal.Grade.values}
    for a in appraisals:
        if a.grade:
            by_grade[a.grade] += 1
    return {
        "appraisals": appraisals,
        "commendations": commendations,
        "grades": [(label, by_grade[value]) for value, label in Appraisal.Grade.choices],
        "groups_commended": sum(1 for c in commendations if c.kind == Commendation.Kind.GROUP),
        "deputies_commended": sum(1 for c in commendations if c.kind == Commendation.Kind.DEPUTY),
    }


def appraisals_by_township(*, township_ids, year) -> dict[int, YearAppraisals]:
    """What the work report and the year-end bundle list of each township's year. Two queries
    whatever the number of townships."""
    from .models import Appraisal, Commendation

    out = {tid: YearAppraisals() for tid in township_ids}
    for a in (
        Appraisal.objects.filter(township_id__in=list(township_ids), year=year)
        .select_related("group", "station")
        .order_by("subject", "group__number", "station__name", "date", "pk")
    ):
        out[a.township_id].appraisals.append(
            AppraisalLine(
                subject=a.subject,
                subject_label=str(a.get_subject_display()),
                name=a.subject_name,
                grade=a.grade,
                result=a.result,
                date=a.date,
                by=a.appraised_by,
                remarks=a.remarks,
            )
        )
    for c in (
        Commendation.objects.filter(township_id__in=list(township_ids), year=year)
        .select_related("group", "deputy")
        .order_by("kind", "group__number", "deputy__surname_strokes", "deputy__name_pinyin", "pk")
    ):
        out[c.township_id].commendations.append(
            CommendationLine(
                kind=c.kind,
                kind_label=str(c.get_kind_display()),
                name=c.recipient_name,
                document_no=c.document_no,
                date=c.date,
                remarks=c.remarks,
            )
        )
    return out


# --- Yearly plans of groups and stations against what was held ---------------------------------


@dataclass
class PlanRow:
    """One planned activity and whether it was held: 'held', 'missed' (its month is over),
    'due' (this month, not held yet) or 'planned' (a later month)."""

    item: object
    status: str
    activity: object = None


@dataclass
class PlanOwner:
    """A deputy group's or a liaison station's plan of the year against its activities."""

    kind: str  # "group" or "station"
    owner: object
    rows: list = field(default_factory=list)
    unplanned: list = field(default_factory=list)  # activities held that no plan item matches
    light: object = None
    note: str = ""  # the plan's own note (PlanNote), set by plan_vs_held

    def _count(self, status):
        return sum(1 for r in self.rows if r.status == status)

    @property
    def planned(self):
        return len(self.rows)

    @property
    def held(self):
        return self._count("held")

    @property
    def missed(self):
        return self._count("missed")

    @property
    def due_now(self):
        return self._count("due")

    @property
    def due(self):
        return self.held + self.missed + self.due_now


def _plan_status(year, month, today):
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    if today > last:
        return "missed"
    if today >= first:
        return "due"
    return "planned"


def plan_vs_held(*, township, year, today=None, user=None, group=None):
    """Each deputy group (of a term covering the year) and liaison station of the township with
    its planned activities of `year`, each matched to an activity of the same group or station,
    kind and month (one activity matches one planned item, in the order planned), and the
    activities held without a plan, and each plan's own note (PlanNote). Five queries. `group`:
    that deputy group alone (its page, the plans page's group filter), no station.

    Returns {"owners": [PlanOwner], "planned", "held", "missed", "due_now", "due", "unplanned",
    "light"}: the totals over every group and station."""
    from .models import PlanNote

    scope = access_for(user).scope if user is not None else None
    group_ids = None if group is None else [group.pk]
    plan = plans_by_township(
        township_ids=[township.pk], year=year, today=today, scope=scope, group_ids=group_ids
    )[township.pk]
    # the plan's own note: it stays whatever happens to the planned activities (one query)
    notes = (scope or (lambda model: model.objects.all()))(PlanNote).filter(township=township, year=year)
    by_owner = {("group", n.group_id) if n.group_id else ("station", n.station_id): n.text for n in notes}
    for owner in plan["owners"]:
        owner.note = by_owner.get((owner.kind, owner.owner.pk), "")
    return plan


def plans_by_township(*, township_ids, year, today=None, scope=None, group_ids=None, detail=True):
    """{township id: the dict `plan_vs_held` returns} for any number of townships (the county
    dashboard and the work report), by the same matching rule; four queries. `scope`: a
    function narrowing a model to the user's rows (`access.scope`), or None for every row.
    `group_ids`: only these deputy groups and no station (None: every group and station).
    `detail=False` (figures only): the planned items and activities are named tuples of the
    columns the matching reads, not model instances (a city's year is 14,000 rows)."""
    from renda.core.quotas import light_plan, light_worst

    from .models import PlannedActivity

    today = today or timezone.localdate()
    township_ids = list(township_ids)
    scope = scope or (lambda model: model.objects.all())
    activities = scope(Activity).filter(township_id__in=township_ids, start_date__year=year)
    items = scope(PlannedActivity).filter(township_id__in=township_ids, year=year)
    if group_ids is not None:
        activities = activities.filter(group_id__in=group_ids)
        items = items.filter(group_id__in=group_ids)
    if not detail:  # named tuples with the attributes _plans_match reads
        activities = activities.values_list("pk", "group_id", "station_id", "kind", "start_date", named=True)
        items = items.values_list("pk", "group_id", "station_id", "kind", "month", named=True)
    owners = _plan_owners(scope, township_ids=township_ids, year=year, group_ids=group_ids)
    _plans_match(owners, activities=activities, items=items, year=year, today=today)
    by_township: dict = {tid: [] for tid in township_ids}
    for o in owners.values():
        o.unplanned.sort(key=lambda a: (a.start_date, a.pk))
        o.light = light_plan(planned=o.planned, due=o.due, missed=o.missed, due_now=o.due_now)
        by_township[o.owner.township_id].append(o)
    out = {}
    for tid, mine in by_township.items():
        totals = {
            name: sum(getattr(o, name) for o in mine)
            for name in ("planned", "held", "missed", "due_now", "due")
        }
        missed = totals["missed"]
        out[tid] = {
            "owners": mine,
            **totals,
            "unplanned": sum(len(o.unplanned) for o in mine),
            "light": light_worst([o.light for o in mine], note=str(missed) if missed else ""),
        }
    return out


def _plan_owners(scope, *, township_ids, year, group_ids):
    """{("group" | "station", pk): PlanOwner}: the deputy groups of a term covering the year
    (only `group_ids` if given), then the liaison stations (none when `group_ids` is given)."""
    from deputies.models import LiaisonStation

    groups = scope(DeputyGroup).filter(
        township_id__in=township_ids,
        term__start_date__lte=dt.date(year, 12, 31),
        term__end_date__gte=dt.date(year, 1, 1),
    )
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    owners: dict = {}
    for g in groups.order_by("number", "pk"):
        owners[("group", g.pk)] = PlanOwner("group", g)
    if group_ids is None:
        for s in scope(LiaisonStation).filter(township_id__in=township_ids).order_by("name", "pk"):
            owners[("station", s.pk)] = PlanOwner("station", s)
    return owners


def _plans_match(owners, *, activities, items, year, today):
    """Match each planned item, in the order planned, to an activity of its owner held in its
    month, of its kind (one activity per item); the activities left over are unplanned."""
    held: dict = {}
    for a in activities.filter(Q(group__isnull=False) | Q(station__isnull=False)).order_by(
        "start_date", "pk"
    ):
        for key in (("group", a.group_id), ("station", a.station_id)):
            if key[1] is not None and key in owners:
                held.setdefault((key, a.start_date.month, a.kind), []).append(a)
    for item in items.order_by("month", "pk"):
        key = ("group", item.group_id) if item.group_id else ("station", item.station_id)
        owner = owners.get(key)
        if owner is None:
            continue
        pool = held.get((key, item.month, item.kind), [])
        if pool:
            owner.rows.append(PlanRow(item, "held", pool.pop(0)))
        else:
            owner.rows.append(PlanRow(item, _plan_status(year, item.month, today)))
    for (key, _month, _kind), rest in held.items():
        owners[key].unplanned.extend(rest)


def plans_not_held(*, township_ids, year, today=None):
    """The planned activities of `year` not held: their month is over (missed) or running (due)."""
    from .models import PlannedActivity

    ids = [
        r.item.pk
        for plan in plans_by_township(
            township_ids=township_ids, year=year, today=today, detail=False
        ).values()
        for o in plan["owners"]
        for r in o.rows
        if r.status in ("missed", "due")
    ]
    return PlannedActivity.objects.filter(pk__in=ids).select_related("group", "station", "township")


# --- Reception rota of higher-level deputies ----------------------------------------------------

HIGHER_LEVELS = ("provincial", "city", "county")


@dataclass
class RotaRow:
    """One higher-level deputy at one level in one year: receptions held per period (a year, a
    half year or a quarter), whether the deputy served in each period, and the light."""

    deputy_id: int
    township_id: int
    level: str
    periods: list
    counts: list
    owed: list
    required: int = 1
    light: object = None
    deputy: object = None

    @property
    def cells(self):
        return [
            {"start": s, "end": e, "count": n, "owed": o}
            for (s, e), n, o in zip(self.periods, self.counts, self.owed)
        ]

    @property
    def held(self):
        return sum(self.counts)


def _rota_rows(*, township_ids, year, today, entries=None):
    """{(deputy id, level): RotaRow} for every deputy holding a provincial, city or county
    mandate in the townships at some time in `year` (deputies.serving decides, period by period:
    a period the deputy served no day of owes nothing), with the held rota entries counted.
    `entries`: the year's (township id, deputy id, date, state) rows when the caller has them.
    Two queries for any number of townships."""
    from deputies.models import Mandate
    from deputies.selectors import mandate_active_during_q, served_days
    from renda.core.quotas import period_bounds, rota_quota

    township_ids = list(township_ids)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    spans: dict = {}
    for deputy_id, township_id, level, s, e in Mandate.objects.filter(
        mandate_active_during_q(start=start, end=end), township_id__in=township_ids, level__in=HIGHER_LEVELS
    ).values_list("deputy_id", "township_id", "level", "start_date", "end_date"):
        spans.setdefault((deputy_id, level, township_id), []).append((s, e))
    rows: dict = {}
    bounds_of: dict = {}  # the same few period lists for thousands of deputies
    for (deputy_id, level, township_id), periods_served in spans.items():
        periods, required = rota_quota(level)
        bounds = bounds_of.get(periods) or bounds_of.setdefault(
            periods, period_bounds(year=year, periods=periods)
        )
        owed = [served_days(periods_served, start=lo, end=hi) > 0 for lo, hi in bounds]
        if any(owed) and (deputy_id, level) not in rows:
            rows[(deputy_id, level)] = RotaRow(
                deputy_id=deputy_id,
                township_id=township_id,
                level=level,
                periods=bounds,
                counts=[0] * periods,
                owed=owed,
                required=required,
            )
    if entries is None:
        entries = _rota_entries(township_ids=township_ids, year=year)
    for _tid, deputy_id, day, state in entries:
        if state != "held" or day.year != year:
            continue
        for level in HIGHER_LEVELS:
            row = rows.get((deputy_id, level))
            if row is not None:  # the year's equal periods: the month says which one
                row.counts[(day.month - 1) * len(row.periods) // 12] += 1
    return rows


def _rota_entries(*, township_ids, year):
    from .models import RotaEntry, rota_current_state

    # the state counted: a held turn whose voter reception was voided is not held
    return list(
        RotaEntry.objects.filter(township_id__in=list(township_ids), date__year=year)
        .annotate(current=rota_current_state())
        .values_list("township_id", "deputy_id", "date", "current")
    )


def _rota_light(row, *, year, today):
    from renda.core.quotas import light_rota

    return light_rota(counts=row.counts, owed=row.owed, required=row.required, year=year, today=today)


def rota_compliance(*, township, year, today=None):
    """The rota page: each higher-level deputy of the township in `year` with their receptions
    per period and their light, and the year's entries (a fixed number of queries)."""
    from deputies.models import Deputy
    from renda.core.quotas import GREEN

    from .models import RotaEntry

    today = today or timezone.localdate()
    rows = _rota_rows(township_ids=[township.pk], year=year, today=today)
    people = Deputy.objects.in_bulk([r.deputy_id for r in rows.values()])
    order = {lv: i for i, lv in enumerate(HIGHER_LEVELS)}
    out = []
    for row in rows.values():
        row.deputy = people[row.deputy_id]
        row.light = _rota_light(row, year=year, today=today)
        out.append(row)
    out.sort(key=lambda r: (order[r.level], r.deputy.surname_strokes, r.deputy.name_pinyin, r.deputy_id))
    entries = list(
        RotaEntry.objects.filter(township=township, date__year=year)
        .select_related("deputy", "station", "activity")
        .order_by("date", "pk")
    )
    return {
        "rows": out,
        "entries": entries,
        "met": sum(1 for r in out if r.light.colour == GREEN),
        "planned": len(entries),
        "held": sum(1 for e in entries if e.current_state == RotaEntry.State.HELD),
        "not_held": sum(1 for e in entries if e.current_state == RotaEntry.State.NOT_HELD),
    }


@dataclass
class RotaCounts:
    """A township's rota figures for the county dashboard, the workbench and the work report."""

    deputies: int = 0  # (deputy, level) rows: a deputy holding two higher mandates owes both
    met: int = 0
    entries: int = 0
    held: int = 0
    light: object = None
    behind_ids: list = field(default_factory=list)


def rota_counts(*, township_ids, year, today=None):
    """{township id: RotaCounts}: the same rules as `rota_compliance`, the township's light the
    worst of its deputies'; two queries for any number of townships."""
    from renda.core.quotas import GREEN, RED, YELLOW, light_worst

    from .models import RotaEntry

    today = today or timezone.localdate()
    township_ids = list(township_ids)
    out = {tid: RotaCounts() for tid in township_ids}
    lights: dict = {tid: [] for tid in township_ids}
    entries = _rota_entries(township_ids=township_ids, year=year)
    for row in _rota_rows(township_ids=township_ids, year=year, today=today, entries=entries).values():
        light = _rota_light(row, year=year, today=today)
        c = out[row.township_id]
        c.deputies += 1
        if light.colour == GREEN:
            c.met += 1
        elif light.colour in (RED, YELLOW):
            c.behind_ids.append(row.deputy_id)
        lights[row.township_id].append(light)
    for tid, _deputy_id, _day, state in entries:
        out[tid].entries += 1
        out[tid].held += state == RotaEntry.State.HELD
    for tid, c in out.items():
        behind = len(set(c.behind_ids))
        c.light = light_worst(lights[tid], note=str(behind) if behind else "")
    return out


def rota_behind(*, township_ids, year, today=None):
    """Higher-level deputies whose rota is behind (red, or yellow while the period runs)."""
    from deputies.models import Deputy

    counts = rota_counts(township_ids=township_ids, year=year, today=today)
    return Deputy.objects.filter(pk__in=[pk for c in counts.values() for pk in c.behind_ids])


# --- Training of new deputies before their first session --------------------------------------

TRAINED, LATE, PENDING, UNTRAINED = "trained", "late", "pending", "untrained"
TRAINING_STATUS_LABELS = {
    TRAINED: gettext_lazy("trained before the first session"),
    LATE: gettext_lazy("trained after the first session"),
    UNTRAINED: gettext_lazy("not trained, first session held"),
    PENDING: gettext_lazy("not trained yet: train before the first session"),
}


@dataclass
class NewDeputyTraining:
    """A new deputy of the current term (first elected to the township congress in it): the
    day the mandate began, their first session after it, and their first training since."""

    deputy_id: int
    township_id: int
    start: dt.date
    first_session: object = None  # the Session (or None: none recorded yet)
    trained_on: object = None  # the first training attended since the mandate began
    status: str = PENDING
    deputy: object = None

    @property
    def flagged(self):
        """Not trained before the first session: still untrained, or trained only afterwards."""
        return self.status != TRAINED

    @property
    def status_label(self):
        return TRAINING_STATUS_LABELS[self.status]


def _training_status(*, trained_on, first_session_day, today):
    if trained_on is not None:
        if first_session_day is None or trained_on <= first_session_day:
            return TRAINED
        return LATE
    if first_session_day is not None and first_session_day <= today:
        return UNTRAINED
    return PENDING


def new_deputy_training(*, township_ids, today=None, people=True):
    """{township id: [NewDeputyTraining]} for the deputies serving today whose township mandate
    began in the term covering today and who held no township mandate in an earlier term; each
    with their first session (the township's first session starting on or after the mandate
    began) and whether they attended a training (Activity kind 培训) before it. Five queries for
    any number of townships (four with `people=False`: no Deputy rows, for the counts)."""
    from deputies.models import Deputy
    from renda.core.terms import terms_on

    today = today or timezone.localdate()
    township_ids = list(township_ids)
    terms = terms_on(township_ids=township_ids, on=today)
    out: dict = {tid: [] for tid in township_ids}
    if not terms:
        return out
    rows = _new_deputies(terms, today)
    if not rows:
        return out
    sessions: dict = {}
    for s in Session.objects.filter(
        township_id__in=list(terms), term_id__in=[t.pk for t in terms.values()]
    ).order_by("start_date", "pk"):
        sessions.setdefault(s.township_id, []).append(s)
    trainings = _training_days(list(rows))
    deputies = Deputy.objects.in_bulk(list(rows)) if people else {}
    for row in rows.values():
        row.deputy = deputies.get(row.deputy_id)
        row.first_session = next(
            (s for s in sessions.get(row.township_id, []) if s.start_date >= row.start), None
        )
        row.trained_on = next((d for d in trainings.get(row.deputy_id, []) if d >= row.start), None)
        row.status = _training_status(
            trained_on=row.trained_on,
            first_session_day=row.first_session.start_date if row.first_session else None,
            today=today,
        )
        out[row.township_id].append(row)
    if people:
        for tid in out:
            out[tid].sort(
                key=lambda r: (not r.flagged, r.deputy.surname_strokes, r.deputy.name_pinyin, r.deputy_id)
            )
    return out


def _new_deputies(terms, today):
    """{deputy id: NewDeputyTraining} for the deputies serving today with a township mandate in
    the current term (`terms`: {township id: Term}) and none in an earlier one. One query."""
    from deputies.models import Mandate

    earlier = Mandate.objects.filter(deputy=OuterRef("deputy_id"), level=Mandate.Level.TOWNSHIP).exclude(
        term_id=OuterRef("term_id")
    )
    serving = deputy_serving(on=today).filter(township_id__in=list(terms))
    mandates = (
        Mandate.objects.filter(
            level=Mandate.Level.TOWNSHIP,
            term_id__in=[t.pk for t in terms.values()],
            deputy__in=serving,
        )
        .exclude(Exists(earlier))
        .order_by("deputy_id", "start_date")
        .values_list("deputy_id", "township_id", "start_date")
    )
    rows: dict = {}
    for deputy_id, township_id, start in mandates:
        rows.setdefault(
            deputy_id, NewDeputyTraining(deputy_id=deputy_id, township_id=township_id, start=start)
        )
    return rows


def _training_days(deputy_ids):
    """{deputy id: [days of the trainings they attended]}, earliest first. One query."""
    from .models import ActivityParticipation

    trainings: dict = {}
    for deputy_id, day in (
        ActivityParticipation.objects.filter(deputy_id__in=deputy_ids, activity__kind=Activity.Kind.TRAINING)
        .values_list("deputy_id", "activity__start_date")
        .order_by("activity__start_date")
    ):
        trainings.setdefault(deputy_id, []).append(day)
    return trainings


def new_deputy_training_counts(*, township_ids, today=None):
    """{township id: {"new": n, "trained": n, "late": n, "untrained": n, "pending": n}}
    (untrained: no training yet, whether or not the first session has been held; pending: of
    those, the ones whose first session is still ahead)."""
    out = {}
    for tid, rows in new_deputy_training(township_ids=township_ids, today=today, people=False).items():
        out[tid] = {
            "new": len(rows),
            "trained": sum(1 for r in rows if r.status == TRAINED),
            "late": sum(1 for r in rows if r.status == LATE),
            "untrained": sum(1 for r in rows if r.status in (UNTRAINED, PENDING)),
            "pending": sum(1 for r in rows if r.status == PENDING),
        }
    return out


def new_deputies_flagged(*, township_ids, today=None):
    """The new deputies not trained before their first session (late, untrained or pending)."""
    from deputies.models import Deputy

    ids = [
        r.deputy_id
        for rows in new_deputy_training(township_ids=township_ids, today=today, people=False).values()
        for r in rows
        if r.flagged
    ]
    return Deputy.objects.filter(pk__in=ids)
