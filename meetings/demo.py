"""Demo meetings and activities for every demo township and year: built in memory, bulk-created."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from deputies.models import GroupMembership, LiaisonStation, Mandate, PresidiumMembership
from renda.core.demo import plain_row, rows_insert
from renda.core.models import Term
from renda.core.terms import covering
from renda.core.workdays import add_workdays, is_workday

from .models import (
    Activity,
    ActivityParticipation,
    AgendaItem,
    Decision,
    DecisionProgress,
    Election,
    FloorSpeech,
    NonVotingAttendee,
    PresidiumAttendance,
    PresidiumMeeting,
    Resolution,
    Session,
    SessionAttendance,
    SessionPrepItem,
    SessionReport,
)

SPEECH_TOPICS = [
    "政府工作报告中的农村道路建设",
    "农田水利设施管护",
    "义务教育学校布局",
    "农村养老服务",
    "人居环境整治长效机制",
    "财政预算执行情况",
    "集镇污水管网建设",
    "特色产业发展",
    "防汛抗旱能力建设",
    "基层医疗卫生服务",
]
AGENDA = [
    ("听取和审议镇人民政府关于{q}季度重点工作推进情况的报告", "镇人民政府", "principal"),
    ("听取代表建议办理情况的通报", "镇党政办", "deputy"),
    ("审议{y}年民生实事项目实施方案", "镇财政所", "deputy"),
    ("讨论代表小组活动和选民接待安排", "镇人大办", "middle"),
    ("听取农村人居环境整治工作情况汇报", "镇农业综合服务站", "middle"),
    ("审议镇财政预算调整方案", "镇财政所", "principal"),
]
DECISIONS = [
    (
        "关于加快推进农村公路提质改造的审议意见",
        "镇交通运输管理站",
        "建议镇政府加大投入，年内完成通组道路硬化任务，并定期向主席团报告进展。",
    ),
    (
        "关于加强农田水利设施管护的审议意见",
        "镇水利站",
        "建议建立管护长效机制，明确管护责任主体，落实管护经费。",
    ),
    (
        "关于民生实事项目实施方案的决定",
        "镇人民政府",
        "会议同意民生实事项目实施方案，请镇政府按计划组织实施。",
    ),
    ("关于改善集镇环境卫生的审议意见", "镇城建办", "建议加强集镇环境卫生整治，完善垃圾收运体系。"),
    ("关于做好代表建议办理工作的决定", "镇党政办", "各承办单位须在规定期限内办结代表建议并书面答复代表。"),
]
INSPECTIONS = [
    "视察农村人居环境整治工作",
    "视察高标准农田建设",
    "视察集镇道路改造工程",
    "视察中心学校食堂食品安全",
]
INVESTIGATIONS = [
    "调研农村养老服务情况",
    "调研村级集体经济发展",
    "调研特色种植产业发展",
    "调研防汛抗旱准备情况",
]
LAWS = [
    "《中华人民共和国食品安全法》",
    "《中华人民共和国土地管理法》",
    "《中华人民共和国环境保护法》",
    "《中华人民共和国安全生产法》",
]
EVALUATIONS = [
    ("镇卫生院", "评议镇卫生院工作"),
    ("镇派出所", "评议镇派出所工作"),
    ("镇农业综合服务站", "评议镇农业综合服务站工作"),
]
GROUP_TOPICS = [
    "学习宪法和代表法",
    "视察村庄环境整治",
    "调研农田水利建设",
    "走访联系选民",
    "集中收集选民意见建议",
]


def _date(rng, year, month, low=8, high=26):
    day = dt.date(year, month, rng.randint(low, high))
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def session_number(term, day):
    """The number of the demo's yearly January session on `day`: the first January in the term
    holds 第一次会议 (a term begun on 28 December holds it four weeks later)."""
    first = (
        term.start_date.year
        if term.start_date <= dt.date(term.start_date.year, 1, 6)
        else term.start_date.year + 1
    )
    return day.year - first + 1


@dataclass
class _Roster:
    """What the demo reads once for every township: terms, the deputies who take part in its
    activities, the presidium, the groups and the first liaison station."""

    terms: dict  # township -> [Term], oldest first
    mandates: dict  # township -> [(deputy_id, start, end)]
    presidium: dict  # (township, term) -> [(deputy_id, role)]
    groups: dict  # township -> group -> [deputy ids]
    stations: dict  # township -> (pk, name)

    def term_on(self, township_id, day):
        return covering(self.terms[township_id], day)

    def current(self, township_id, day):
        return [d for d, s, e in self.mandates[township_id] if s <= day and (e is None or e > day)]


@dataclass
class _Planned:
    """The sessions, presidium meetings and activities built in memory, with what hangs off them."""

    sessions: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    session_children: list = field(default_factory=list)  # (session, [deputy ids expected])
    meeting_children: list = field(default_factory=list)  # (meeting, [(deputy_id, role)])
    activity_people: list = field(default_factory=list)  # (activity, [(deputy_id, role)])

    def activity(self, activity, people):
        self.activities.append(activity)
        self.activity_people.append((activity, people))


def _roster_read(ids, congress):
    """`congress`: the townships with a township congress. A township's activities are its
    township deputies'; in a 街道 (no township congress) the county deputies elected there take
    part in its activities."""
    terms = defaultdict(list)
    for term in Term.objects.filter(township_id__in=ids).order_by("start_date"):
        terms[term.township_id].append(term)
    mandates = defaultdict(list)
    for d, t, s, e, level in Mandate.objects.filter(
        township_id__in=ids, level__in=[Mandate.Level.TOWNSHIP, Mandate.Level.COUNTY]
    ).values_list("deputy_id", "township_id", "start_date", "end_date", "level"):
        if level == (Mandate.Level.TOWNSHIP if t in congress else Mandate.Level.COUNTY):
            mandates[t].append((d, s, e))
    presidium = defaultdict(list)
    for t, term_id, d, role in PresidiumMembership.objects.filter(township_id__in=ids).values_list(
        "township_id", "term_id", "deputy_id", "role"
    ):
        presidium[(t, term_id)].append((d, role))
    groups: dict = defaultdict(lambda: defaultdict(list))
    for t, g, d in GroupMembership.objects.filter(township_id__in=ids).values_list(
        "township_id", "group_id", "deputy_id"
    ):
        groups[t][g].append(d)
    stations: dict = {}
    for t, pk, name in LiaisonStation.objects.filter(township_id__in=ids, kind="station").values_list(
        "township_id", "pk", "name"
    ):
        stations.setdefault(t, (pk, name))
    return _Roster(terms=terms, mandates=mandates, presidium=presidium, groups=groups, stations=stations)


def seed(ctx):
    roster = _roster_read([t.pk for t in ctx.townships], {t.pk for t in ctx.townships if t.has_presidium})
    planned = _Planned()
    for township in ctx.townships:
        for year in ctx.years:
            # the order of these calls is the order the demo's random numbers are drawn in
            _plan_session(ctx, roster, planned, township, year)
            _plan_presidium_meetings(ctx, roster, planned, township, year)
            months = [mo for mo in range(1, 13) if dt.date(year, mo, 1) <= ctx.today]
            _plan_group_activities(ctx, roster, planned, township, year, months)
            _plan_receptions(ctx, roster, planned, township, year, months)
            people_now = roster.current(township.pk, dt.date(year, 6, 30))
            _plan_office_activities(ctx, planned, township, year, people_now)
            _plan_reports(ctx, planned, township, year, people_now)
    _number_meetings(planned.meetings)
    Session.objects.bulk_create(planned.sessions, batch_size=1000)
    PresidiumMeeting.objects.bulk_create(planned.meetings, batch_size=1000)
    Activity.objects.bulk_create(planned.activities, batch_size=2000)
    _seed_session_records(ctx, planned.session_children)
    agenda_of = _seed_meeting_records(ctx, roster, planned.meeting_children)
    decisions = _seed_decisions(ctx, planned.meeting_children, agenda_of)
    parts = _seed_participations(planned.activity_people)
    contacts = _seed_contacts(ctx, roster.terms, roster.presidium, roster.current)
    issues = _seed_issues(ctx, planned.activity_people)
    appraised, commended = _seed_appraisals(ctx, roster.current)
    plans = _seed_plans(ctx, planned.activities)
    rota = _seed_rota(ctx)
    ctx.log(
        f"  meetings: {len(planned.sessions)} sessions, {len(planned.meetings)} presidium meetings, "
        f"{decisions} decisions, {len(planned.activities)} activities, {parts} participations, "
        f"{contacts} contacts with deputies, {issues} reception issues, "
        f"{appraised} appraisals, {commended} commendations, {plans} planned activities, "
        f"{rota} rota turns"
    )


def _plan_session(ctx, roster, planned, township, year):
    """The congress session, early in the year (a 街道 holds no 人代会)."""
    tid = township.pk
    start = _date(ctx.rng, year, 1, 6, 20)
    term = roster.term_on(tid, start)
    if not (term and start <= ctx.today and township.has_presidium):
        return
    expected = roster.current(tid, start)
    s = Session(
        township_id=tid,
        term=term,
        number=session_number(term, start),
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        # the attendance was recorded at the session: its expected list is a record
        expected_fixed_at=timezone.make_aware(dt.datetime.combine(start, dt.time(17, 30))),
        place=f"{township.name}人民政府大会议室",
        notes=f"应到代表{len(expected)}名。",
    )
    planned.sessions.append(s)
    planned.session_children.append((s, expected))


def _plan_presidium_meetings(ctx, roster, planned, township, year):
    """Presidium meetings: quarterly, one ad hoc meeting in some years; numbered later."""
    if not township.has_presidium:
        return
    rng, tid = ctx.rng, township.pk
    plan = [
        (q, _date(rng, year, q * 3, 10, 25), PresidiumMeeting.Kind.REGULAR)
        for q in range(1, 5)
        if rng.random() > 0.06
    ]
    if rng.random() < 0.4:
        plan.append((3, _date(rng, year, 8, 3, 12), PresidiumMeeting.Kind.AD_HOC))
    for _q, day, kind in sorted(plan, key=lambda p: p[1]):
        term = roster.term_on(tid, day)
        if term is None or day > ctx.today or not roster.presidium[(tid, term.pk)]:
            continue
        members = roster.presidium[(tid, term.pk)]
        m = PresidiumMeeting(
            township_id=tid,
            term=term,
            number=0,
            date=day,
            kind=kind,
            quarter=(day.month - 1) // 3 + 1,
            chair_id=next((d for d, r in members if r == "chair"), None),
            place=f"{township.name}人大主席团会议室",
            member_count=len(members),
            summary="会议由主席主持，传达学习上级人大有关会议精神，研究部署近期工作。",
        )
        planned.meetings.append(m)
        planned.meeting_children.append((m, members))


def _plan_group_activities(ctx, roster, planned, township, year, months):
    """Each deputy group meets about once a quarter."""
    rng = ctx.rng
    for g, members in roster.groups[township.pk].items():
        for q in range(1, 5):
            mo = q * 3 - rng.randint(0, 2)
            if mo not in months or rng.random() < 0.07:
                continue
            day = _date(rng, year, mo)
            if day > ctx.today:
                continue
            a = Activity(
                township_id=township.pk,
                kind=Activity.Kind.GROUP,
                start_date=day,
                organiser=Activity.Organiser.GROUP,
                group_id=g,
                place="代表活动室",
                topic=rng.choice(GROUP_TOPICS),
                findings="组织代表集中学习并交流履职情况，收集选民意见建议。",
                suggestions_count=rng.randint(0, 4),
            )
            planned.activity(a, [(d, "participant") for d in members if rng.random() > 0.12])


def _plan_receptions(ctx, roster, planned, township, year, months):
    """A voter reception day at the liaison station most months, a notice now and then late."""
    rng, tid = ctx.rng, township.pk
    station = roster.stations.get(tid)
    for mo in months:
        if rng.random() < 0.08:
            continue
        day = _date(rng, year, mo, 12, 18)
        pool = roster.current(tid, day)
        if day > ctx.today or not pool:
            continue
        late_notice = rng.random() < 0.06
        a = Activity(
            township_id=tid,
            kind=Activity.Kind.RECEPTION,
            start_date=day,
            organiser=Activity.Organiser.STATION,
            station_id=station[0] if station else None,
            place=station[1] if station else f"{township.name}人大代表联络站",
            topic=f"{mo}月代表接待选民日",
            notice_date=add_workdays(day, -1 if late_notice else -5),
            findings=f"接待选民{rng.randint(4, 20)}人次，现场答复{rng.randint(1, 5)}件，其余梳理交办。",
            suggestions_count=rng.randint(0, 3),
        )
        duty = rng.sample(pool, min(len(pool), rng.choice((2, 2, 3)) if rng.random() > 0.04 else 1))
        planned.activity(a, [(d, "on_duty") for d in duty])


def _office_activity_specs(rng):
    """(kind, month, topic, extra fields) of the activities the office organises in a year."""
    visit = "代表走访联系选民"
    specs = [
        (Activity.Kind.TRAINING, 4, "代表履职能力培训班", {}),
        (Activity.Kind.INSPECTION, 5, rng.choice(INSPECTIONS), {}),
        (Activity.Kind.INSPECTION, 10, rng.choice(INSPECTIONS), {}),
        (Activity.Kind.INVESTIGATION, 7, rng.choice(INVESTIGATIONS), {}),
        (Activity.Kind.LAW_CHECK, 9, "执法检查", {"law_name": rng.choice(LAWS)}),
        (
            Activity.Kind.VISIT,
            4,
            visit,
            {"voter_count": rng.randint(8, 20), "households": rng.randint(4, 10)},
        ),
        (
            Activity.Kind.VISIT,
            8,
            visit,
            {"voter_count": rng.randint(8, 20), "households": rng.randint(4, 10)},
        ),
    ]
    target, topic = rng.choice(EVALUATIONS)
    raters = rng.randint(25, 45)
    sat = rng.randint(raters // 2, raters - 3)
    basic = rng.randint(0, raters - sat)
    ratings = {
        "target": target,
        "voter_count": raters,
        "rating_satisfied": sat,
        "rating_basically_satisfied": basic,
        "rating_unsatisfied": raters - sat - basic,
    }
    specs.append((Activity.Kind.EVALUATION, 11, topic, ratings))
    return specs


def _plan_office_activities(ctx, planned, township, year, people_now):
    """Training, inspections, an investigation, a law check, voter visits and an evaluation,
    organised by the presidium (a 街道's by its 人大工委, of the county standing committee)."""
    rng = ctx.rng
    organiser = Activity.Organiser.PRESIDIUM if township.has_presidium else Activity.Organiser.HIGHER
    for kind, mo, topic, extra in _office_activity_specs(rng):
        day = _date(rng, year, mo)
        if day > ctx.today or not people_now:
            continue
        if kind == Activity.Kind.LAW_CHECK:
            topic = f"{extra['law_name']}{topic}"
        a = Activity(
            township_id=township.pk,
            kind=kind,
            start_date=day,
            organiser=organiser,
            place=f"{township.name}各村（社区）",
            topic=topic,
            invited_officials="镇分管负责同志",
            findings="总体情况较好，但仍存在投入不足、长效机制不健全等问题。",
            suggestions_count=rng.randint(1, 6),
            **extra,
        )
        share = {Activity.Kind.TRAINING: 0.75, Activity.Kind.VISIT: 0.45}.get(kind, 0.15)
        planned.activity(a, [(d, "participant") for d in people_now if rng.random() < share])


def _plan_reports(ctx, planned, township, year, people_now):
    """Three deputies report to their constituency's voters (述职) in December."""
    rng = ctx.rng
    day = _date(rng, year, 12, 5, 20)
    if day > ctx.today or not people_now:
        return
    organiser = Activity.Organiser.PRESIDIUM if township.has_presidium else Activity.Organiser.HIGHER
    for reporter in rng.sample(people_now, min(3, len(people_now))):
        voters = rng.randint(30, 60)
        exc = rng.randint(voters // 2, voters - 2)
        comp = rng.randint(0, voters - exc)
        a = Activity(
            township_id=township.pk,
            kind=Activity.Kind.REPORT,
            start_date=day,
            organiser=organiser,
            place="原选区村民委员会会议室",
            topic=f"{year}年度代表向原选区选民述职",
            voter_count=voters,
            rating_excellent=exc,
            rating_competent=comp,
            rating_incompetent=voters - exc - comp,
            findings="代表报告了一年来的履职情况，选民进行了满意度测评。",
        )
        planned.activity(a, [(reporter, "reporter")])


def _number_meetings(meetings):
    """Number the presidium meetings per term in date order."""
    counters: dict = defaultdict(int)
    for m in sorted(meetings, key=lambda m: m.date):
        counters[m.term.pk] += 1
        m.number = counters[m.term.pk]


ATTENDANCE_STATUSES = ["present"] * 90 + ["late"] * 3 + ["left_early"] * 2 + ["excused"] * 4 + ["unexcused"]


def _seed_session_records(ctx, session_children):
    """Each session's attendance, floor speeches, reports, resolutions, a by-election in some
    years and the preparation checklist."""
    rng = ctx.rng
    attendance, speeches, reports, resolutions, elections, prep = [], [], [], [], [], []
    for s, deputy_ids in session_children:
        tid = s.township_id
        for d in deputy_ids:
            st = rng.choice(ATTENDANCE_STATUSES)
            attendance.append(
                plain_row(
                    SessionAttendance,
                    township_id=tid,
                    session_id=s.pk,
                    deputy_id=d,
                    status=st,
                    reason="因病请假" if st == "excused" else "",
                )
            )
        for d in rng.sample(deputy_ids, min(len(deputy_ids), rng.randint(4, 8))):
            speeches.append(
                FloorSpeech(township_id=tid, session=s, deputy_id=d, topic=rng.choice(SPEECH_TOPICS))
            )
        reports += _session_reports(s)
        resolutions += _session_resolutions(s)
        if rng.random() < 0.4:
            elections.append(_session_by_election(rng, s, len(deputy_ids)))
        for i, item in enumerate(SessionPrepItem.Item.values):
            prep.append(
                SessionPrepItem(
                    township_id=tid,
                    session=s,
                    item=item,
                    done_by="人大办",
                    done_on=s.start_date - dt.timedelta(days=30 - i * 5),
                )
            )
    rows_insert(SessionAttendance, attendance)
    FloorSpeech.objects.bulk_create(speeches, batch_size=2000)
    SessionReport.objects.bulk_create(reports, batch_size=2000)
    Resolution.objects.bulk_create(resolutions, batch_size=2000)
    Election.objects.bulk_create(elections, batch_size=2000)
    SessionPrepItem.objects.bulk_create(prep, batch_size=2000)


def _session_reports(s):
    y = s.start_date.year
    return [
        SessionReport(township_id=s.township_id, session=s, kind=kind, title=title, reporter=who)
        for kind, title, who in [
            (SessionReport.Kind.GOVERNMENT, "政府工作报告", "镇长"),
            (SessionReport.Kind.PRESIDIUM, "主席团工作报告", "人大主席"),
            (
                SessionReport.Kind.BUDGET,
                f"关于{y - 1}年财政预算执行情况和{y}年财政预算草案的报告",
                "分管财政副镇长",
            ),
        ]
    ]


def _session_resolutions(s):
    titles = [
        "关于政府工作报告的决议",
        "关于主席团工作报告的决议",
        f"关于{s.start_date.year}年财政预算的决议",
    ]
    return [
        Resolution(
            township_id=s.township_id,
            session=s,
            number=n,
            title=title,
            text="会议同意该报告，决定批准这个报告。",
        )
        for n, title in enumerate(titles, start=1)
    ]


def _session_by_election(rng, s, expected):
    cast = expected - rng.randint(2, 8)
    return Election(
        township_id=s.township_id,
        session=s,
        kind=Election.Kind.BY_ELECTION,
        office="副镇长",
        person=rng.choice("王李张刘陈杨") + rng.choice(["建华", "志强", "秀英", "海涛"]),
        votes_for=cast - rng.randint(0, 4),
        votes_cast=cast,
    )


def _seed_meeting_records(ctx, roster, meeting_children):
    """Each presidium meeting's attendance, agenda (with the votes) and attendees without a vote.
    Returns {meeting pk: [(agenda item, passed, voted)]}, what a decision can be adopted on."""
    rng = ctx.rng
    p_att, items, non_voting = [], [], []
    agenda_of = {}
    for m, members in meeting_children:
        present = 0
        for d, _role in members:
            st = "excused" if rng.random() < 0.07 else ("unexcused" if rng.random() < 0.01 else "present")
            present += st == "present"
            p_att.append(
                plain_row(
                    PresidiumAttendance,
                    township_id=m.township_id,
                    meeting_id=m.pk,
                    deputy_id=d,
                    status=st,
                    reason="外出学习" if st == "excused" else "",
                )
            )
        agenda_of[m.pk] = _meeting_agenda(rng, m, present)
        items += [item for item, _passed, _voted in agenda_of[m.pk]]
        non_voting += _meeting_non_voting(rng, roster, m, members)
    rows_insert(PresidiumAttendance, p_att)
    AgendaItem.objects.bulk_create(items, batch_size=2000)
    NonVotingAttendee.objects.bulk_create(non_voting, batch_size=2000)
    return agenda_of


def _meeting_agenda(rng, m, present):
    """A meeting's agenda items, the first two put to the vote: [(item, passed, voted)]. A
    regular meeting hears the quarter's report on proposal progress (now and then not)."""
    progress = AGENDA[1]
    others = [a for a in AGENDA if a is not progress]
    chosen = rng.sample(others, rng.randint(2, 3))
    if m.kind == PresidiumMeeting.Kind.REGULAR and rng.random() < 0.92:
        chosen.insert(1, progress)
    agenda = []
    for order, (topic, unit, rank) in enumerate(chosen, start=1):
        voted = order <= 2
        vf = present - rng.randint(0, 1) if voted else None
        item = AgendaItem(
            township_id=m.township_id,
            meeting=m,
            order=order,
            topic=topic.format(q="一二三四"[m.quarter - 1], y=m.date.year),
            reporting_unit=unit,
            reporter=rng.choice("王李张刘陈") + rng.choice(["明", "华", "强", "芳"]),
            reporter_rank=rank,
            # its text, the figures as of the meeting date, is written once the
            # proposals exist (proposals.demo)
            kind=AgendaItem.Kind.PROPOSAL_PROGRESS if topic == progress[0] else "",
            votes_for=vf,
            votes_against=(present - vf) if voted else None,
            votes_abstain=0 if voted else None,
        )
        # what a decision or opinion can be adopted on (meetings.services._decision_agenda_check)
        agenda.append((item, voted and vf >= m.member_count // 2 + 1, voted))
    return agenda


def _meeting_non_voting(rng, roster, m, members):
    """Two officials and up to two deputies who are not members attend without a vote."""
    tid = m.township_id
    rows = [
        NonVotingAttendee(township_id=tid, meeting=m, kind="official", name="副镇长", post="镇人民政府"),
        NonVotingAttendee(township_id=tid, meeting=m, kind="official", name="党政办主任", post="镇党政办"),
    ]
    member_ids = {d for d, _r in members}
    guests = [d for d in roster.current(tid, m.date) if d not in member_ids]
    for d in rng.sample(guests, min(2, len(guests))):
        rows.append(NonVotingAttendee(township_id=tid, meeting=m, kind="deputy", deputy_id=d))
    return rows


def _seed_decisions(ctx, meeting_children, agenda_of):
    """One or two decisions or review opinions per meeting, numbered per term, most done by the
    deadline and reported at a later meeting, with a progress note. Returns how many."""
    rng = ctx.rng
    by_township = defaultdict(list)
    for m, _members in meeting_children:
        by_township[m.township_id].append(m)
    decisions = []
    counter: dict = defaultdict(int)
    for ms in by_township.values():
        ms.sort(key=lambda m: m.date)
        for i, m in enumerate(ms):
            for title, unit, text in rng.sample(DECISIONS, rng.randint(1, 2)):
                counter[m.term.pk] += 1
                d = _decision(ctx, m, ms[i + 1 :], agenda_of[m.pk], title=title, unit=unit, text=text)
                d.number = counter[m.term.pk]
                decisions.append(d)
    Decision.objects.bulk_create(decisions, batch_size=2000)
    progress = [
        DecisionProgress(
            township_id=d.township_id,
            decision=d,
            date=min(d.meeting.date + dt.timedelta(days=30), ctx.today),
            note=f"{d.responsible_unit}已制定工作方案，正在组织实施。",
        )
        for d in decisions
        if d.status != Decision.Status.OPEN
    ]
    DecisionProgress.objects.bulk_create(progress, batch_size=2000)
    return len(decisions)


def _decision(ctx, m, following, agenda, *, title, unit, text):
    """A decision of meeting `m` (its number set by the caller) with its state as of today;
    `following`: the township's later meetings, where it can be reported done."""
    rng, today = ctx.rng, ctx.today
    deadline = m.date + dt.timedelta(days=rng.choice((60, 90, 120)))
    later = [x for x in following if x.date > m.date and x.date >= deadline - dt.timedelta(days=30)]
    # a 决定 on an item that won the vote; an opinion on an item discussed or passed
    passed = [it for it, ok, _v in agenda if ok]
    discussed = [it for it, ok, voted in agenda if ok or not voted]
    kind = Decision.Kind.DECISION if "决定" in title and passed else Decision.Kind.OPINION
    pool = passed if kind == Decision.Kind.DECISION else discussed
    d = Decision(
        township_id=m.township_id,
        term=m.term,
        meeting=m,
        agenda_item=rng.choice(pool) if pool else None,
        kind=kind,
        title=title,
        text=text,
        responsible_unit=unit,
        deadline=deadline,
    )
    if deadline < today and later and rng.random() > 0.12:
        d.status = Decision.Status.DONE
        d.completed_on = min(deadline, later[0].date) - dt.timedelta(days=rng.randint(0, 10))
        d.completed_on = max(d.completed_on, m.date)
        d.reported_at = later[0]
    elif deadline < today:
        d.status = Decision.Status.OVERDUE
    else:
        d.status = rng.choice([Decision.Status.OPEN, Decision.Status.IN_PROGRESS])
    return d


def _seed_participations(activity_people):
    """Who took part in each activity (a deputy once per activity). Returns how many."""
    parts = []
    for a, people in activity_people:
        seen = set()
        for d, role in people:
            if d not in seen:
                seen.add(d)
                parts.append(
                    plain_row(
                        ActivityParticipation,
                        township_id=a.township_id,
                        activity_id=a.pk,
                        deputy_id=d,
                        role=role,
                    )
                )
    rows_insert(ActivityParticipation, parts)
    return len(parts)


APPRAISERS = {
    "group": "镇人大主席团",
    "station": "镇人大主席团",
    "presidium": "全体代表会议（民主测评）",
}
APPRAISAL_REMARKS = {
    "excellent": "活动开展经常，记录规范，代表参与度高。",
    "good": "按计划开展活动，个别季度活动形式单一。",
    "fair": "活动次数偏少，需加强组织。",
    "poor": "全年活动不足，限期整改。",
}


def _seed_appraisals(ctx, current):
    """评议 and 表彰 at the end of every finished year: each group of the year's term, each
    station and (with a presidium) the presidium's work graded or scored; one 先进代表小组 and a
    few 优秀代表 among the deputies serving at the year's end."""
    from .models import Appraisal, Commendation

    rng, today = ctx.rng, ctx.today
    groups, stations = _appraisal_subjects_read([t.pk for t in ctx.townships])
    appraisals, commendations = [], []
    for township in ctx.townships:
        tid = township.pk
        for year in ctx.years:
            day = _date(rng, year, 12, 15, 28)
            if day > today:
                continue
            year_groups = [g for g, s, e in groups[tid] if s.year <= year <= e.year]
            subjects = [("group", g, None) for g in year_groups] + [
                ("station", None, st) for st in stations[tid]
            ]
            if township.has_presidium:
                subjects.append(("presidium", None, None))
            appraisals += [_appraisal(rng, township, year, day, subject) for subject in subjects]
            number = f"{township.name[:1]}人发〔{year}〕{rng.randint(10, 30)}号"
            if year_groups:
                commendations.append(
                    Commendation(
                        township_id=tid,
                        year=year,
                        kind="group",
                        group_id=rng.choice(year_groups),
                        document_no=number,
                        date=day,
                    )
                )
            # 优秀代表 are township deputies: a 街道 (no township congress) commends none
            serving = sorted(current(tid, dt.date(year, 12, 1))) if township.has_presidium else []
            commendations += [
                Commendation(
                    township_id=tid, year=year, kind="deputy", deputy_id=deputy, document_no=number, date=day
                )
                for deputy in rng.sample(serving, min(3, len(serving)))
            ]
    Appraisal.objects.bulk_create(appraisals, batch_size=2000)
    Commendation.objects.bulk_create(commendations, batch_size=2000)
    return len(appraisals), len(commendations)


def _appraisal_subjects_read(ids):
    """township -> [(group, term start, term end)] and township -> [station] to appraise."""
    from deputies.models import DeputyGroup

    groups = defaultdict(list)
    for pk, tid, start, end in (
        DeputyGroup.objects.filter(township_id__in=ids)
        .order_by("number", "pk")
        .values_list("pk", "township_id", "term__start_date", "term__end_date")
    ):
        groups[tid].append((pk, start, end))
    stations = defaultdict(list)
    for pk, tid in (
        LiaisonStation.objects.filter(township_id__in=ids).order_by("pk").values_list("pk", "township_id")
    ):
        stations[tid].append(pk)
    return groups, stations


def _appraisal(rng, township, year, day, subject):
    """`subject`: (kind, group, station); a grade, and a score for the presidium."""
    from .models import Appraisal

    kind, group, station = subject
    grade = rng.choice(["excellent"] * 3 + ["good"] * 4 + ["fair"] * 2 + ["poor"])
    return Appraisal(
        township_id=township.pk,
        year=year,
        subject=kind,
        group_id=group,
        station_id=station,
        grade=grade,
        score=round(rng.uniform(85, 98), 1) if kind == "presidium" else None,
        date=day,
        appraised_by=APPRAISERS[kind],
        remarks=APPRAISAL_REMARKS[grade],
    )


ISSUES = [
    ("government", "村东头道路破损严重，雨天积水，希望尽快修缮", "镇交通运输管理站"),
    ("government", "组里自来水压力不足，高处农户经常停水", "镇水利站"),
    ("government", "希望在村部附近增设路灯，方便群众夜间出行", "镇建设办"),
    ("government", "低保评定结果公示不够及时，群众有疑问", "镇民政办"),
    ("government", "农田灌溉渠道淤塞，影响夏季用水", "镇农业综合服务中心"),
    ("government", "学校门口上下学时段交通拥堵，存在安全隐患", "镇派出所"),
    ("court", "与邻居宅基地纠纷已起诉，询问案件进展", ""),
    ("arbitration", "在外务工被拖欠工资，要求帮助追讨", ""),
    ("petition", "反映村干部工作作风问题", ""),
    ("private", "家庭赡养纠纷，希望代表出面调解", ""),
]
REDIRECT_REPLIES = {
    "court": "已告知反映人该事项已进入诉讼程序，请依法向人民法院了解进展。",
    "arbitration": "已告知反映人向劳动人事争议仲裁委员会申请仲裁，并提供法律援助联系方式。",
    "petition": "已告知反映人依照信访条例向纪检监察机关或信访部门反映。",
    "private": "属个人私事，已告知反映人可向村调解委员会申请调解。",
}
VOTERS = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]


def _seed_issues(ctx, activity_people):
    """两簿两卡: a few issues per voter reception, most handled through to the voter's feedback,
    the latest ones still open, some redirected."""
    from .models import ReceptionIssue

    rng, today = ctx.rng, ctx.today
    rows = []
    for a, people in activity_people:
        if a.kind != Activity.Kind.RECEPTION:
            continue
        on_duty = [d for d, _role in people]
        for _n in range(rng.randint(0, 3)):
            classification, content, handler = rng.choice(ISSUES)
            row = ReceptionIssue(
                township_id=a.township_id,
                activity_id=a.pk,
                voter_name=rng.choice(VOTERS) + rng.choice(["某", "大爷", "女士", "先生"]),
                voter_address=f"{rng.randint(1, 12)}组",
                content=content,
                received_by_id=rng.choice(on_duty) if on_duty else None,
            )
            age = (today - a.start_date).days
            sorted_on = add_workdays(a.start_date, rng.randint(1, 3))
            if age < 5 or sorted_on > today:
                rows.append(row)  # received, not sorted yet
                continue
            row.classification, row.assigned_on = classification, sorted_on
            if classification != "government":
                row.state, row.reply, row.replied_on = "replied", REDIRECT_REPLIES[classification], sorted_on
            else:
                row.handler, row.deadline = handler, sorted_on + dt.timedelta(days=30)
                row.state = "assigned"
                replied = sorted_on + dt.timedelta(days=rng.randint(10, 40))
                if replied > today or rng.random() < 0.05:
                    if sorted_on + dt.timedelta(days=20) <= today:
                        row.state = "supervised"
                        row.supervised_on = sorted_on + dt.timedelta(days=20)
                        row.supervision_note = "电话督促承办单位加快办理"
                    rows.append(row)
                    continue
                row.state, row.replied_on = "replied", replied
                row.reply = "已安排专人现场查看，列入本年度整改计划，预计近期完成。"
            feedback_on = row.replied_on + dt.timedelta(days=rng.randint(3, 10))
            if feedback_on <= today:
                row.state, row.feedback_on = "feedback", feedback_on
                row.feedback = rng.choice(["satisfied"] * 6 + ["basically"] * 3 + ["unsatisfied"])
                archived = feedback_on + dt.timedelta(days=rng.randint(1, 15))
                if archived <= today:
                    row.state, row.archived_on = "archived", archived
            rows.append(row)
    ReceptionIssue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _seed_contacts(ctx, terms, presidium, current):
    """两联一述: each presidium member contacts one of their assigned deputies most months (a month
    missed now and then, so the quota lights are not all green)."""
    from deputies.models import ContactAssignment

    from .models import DeputyContact

    rng, today = ctx.rng, ctx.today
    assigned = defaultdict(list)
    for term_id, member_id, deputy_id in ContactAssignment.objects.filter(
        township_id__in=[t.pk for t in ctx.townships]
    ).values_list("term_id", "member_id", "deputy_id"):
        assigned[(term_id, member_id)].append(deputy_id)
    methods = [m.value for m in DeputyContact.Method]
    notes = ["听取代表对村道硬化的意见", "了解代表履职困难", "通报主席团工作安排", "征求对政府工作的建议"]
    rows = []
    for township in ctx.townships:
        for year in ctx.years:
            for month in range(1, 13):
                day = _date(rng, year, month, 3, 25)
                if day > today:
                    break
                term = next((t for t in terms[township.pk] if t.start_date <= day <= t.end_date), None)
                if term is None:
                    continue
                serving = set(current(township.pk, day))
                for member_id, _role in presidium[(township.pk, term.pk)]:
                    if rng.random() < 0.12:
                        continue
                    targets = [d for d in assigned[(term.pk, member_id)] if d in serving and d != member_id]
                    if not targets:
                        continue
                    rows.append(
                        DeputyContact(
                            township_id=township.pk,
                            member_id=member_id,
                            deputy_id=rng.choice(targets),
                            date=day,
                            method=rng.choice(methods),
                            note=rng.choice(notes),
                        )
                    )
    DeputyContact.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _seed_plans(ctx, activities):
    """Yearly plans: most group activities and station receptions held were planned for their
    month; now and then a planned one was not held (a red light) or one was held unplanned."""
    from .models import PlannedActivity, PlanNote

    rng, today = ctx.rng, ctx.today
    rows, notes, planned_months = [], [], set()
    for a in activities:
        if a.group_id and a.kind == Activity.Kind.GROUP and rng.random() < 0.9:
            first = (a.group_id, a.start_date.year, a.township_id) not in planned_months
            rows.append(
                PlannedActivity(
                    township_id=a.township_id,
                    year=a.start_date.year,
                    month=a.start_date.month,
                    kind=a.kind,
                    subject=a.topic,
                    group_id=a.group_id,
                )
            )
            if first:  # the group's plan of the year in a sentence: the plan's own note
                notes.append(
                    PlanNote(
                        township_id=a.township_id,
                        group_id=a.group_id,
                        year=a.start_date.year,
                        text=f"{a.start_date.year}年活动计划：每季度至少开展一次集中活动。",
                    )
                )
            planned_months.add((a.group_id, a.start_date.year, a.township_id))
        elif a.station_id and a.kind == Activity.Kind.RECEPTION and rng.random() < 0.95:
            rows.append(
                PlannedActivity(
                    township_id=a.township_id,
                    year=a.start_date.year,
                    month=a.start_date.month,
                    kind=a.kind,
                    subject=f"{a.start_date.month}月代表接待选民日",
                    station_id=a.station_id,
                )
            )
    rows += _plans_not_held(rng, today, planned_months)
    PlannedActivity.objects.bulk_create(rows, batch_size=2000)
    PlanNote.objects.bulk_create(notes, batch_size=2000)
    return len(rows)


def _plans_not_held(rng, today, planned_months):
    """A planned activity that was not held, in a few groups' years (a red light)."""
    from .models import PlannedActivity

    rows = []
    for group_id, year, township_id in sorted(planned_months):
        if rng.random() < 0.15:
            month = rng.randint(1, 12)
            if dt.date(year, month, 1) <= today:
                rows.append(
                    PlannedActivity(
                        township_id=township_id,
                        year=year,
                        month=month,
                        kind=Activity.Kind.INVESTIGATION,
                        subject="围绕民生实事项目开展专题调研",
                        group_id=group_id,
                    )
                )
    return rows


ROTA_NOTES = ["", "", "接待选民12人次，收集意见4条", "因参加上级会议调整时间", "与镇人大代表共同接待"]


def _seed_rota(ctx):
    """The reception rota of higher-level deputies at the stations: a turn in each period of their
    level (provincial a year, city a half year, county a quarter), most held, now and then one not
    held or never planned, so the lights are not all green; the turns still to come are planned."""
    from renda.core.quotas import period_bounds, rota_quota

    from .models import RotaEntry

    rng, today = ctx.rng, ctx.today
    ids = [t.pk for t in ctx.townships]
    stations = defaultdict(list)
    for t, pk in (
        LiaisonStation.objects.filter(township_id__in=ids).order_by("pk").values_list("township_id", "pk")
    ):
        stations[t].append(pk)
    rows = []
    for d, t, level, start, end in Mandate.objects.filter(
        township_id__in=ids, level__in=["provincial", "city", "county"]
    ).values_list("deputy_id", "township_id", "level", "start_date", "end_date"):
        if not stations[t]:
            continue
        periods, _required = rota_quota(level)
        for year in ctx.years:
            for lo, hi in period_bounds(year=year, periods=periods):
                if rng.random() < 0.08:
                    continue  # never planned: a red light at the end of the period
                day = lo + dt.timedelta(days=rng.randint(5, (hi - lo).days - 5))
                if day < start or (end is not None and day >= end) or day.year > today.year:
                    continue
                if day > today:
                    state = RotaEntry.State.PLANNED
                else:
                    state = RotaEntry.State.NOT_HELD if rng.random() < 0.1 else RotaEntry.State.HELD
                rows.append(
                    RotaEntry(
                        township_id=t,
                        deputy_id=d,
                        station_id=rng.choice(stations[t]),
                        date=day,
                        state=state,
                        note=rng.choice(ROTA_NOTES) if state != RotaEntry.State.PLANNED else "",
                    )
                )
    RotaEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
