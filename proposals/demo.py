"""Demo proposals: every demo year, every state, overdue, re-handled and carried-over
items, handling units per township and a handling-unit login for the first townships.

Built in memory and bulk-inserted (no per-row services), so city scale stays fast."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation

from deputies.models import Deputy, Mandate
from meetings.models import Session
from renda.core import roles
from renda.core.demo import demo_password_hash, plain_row, rows_insert
from renda.core.models import Term, User
from renda.core.terms import covering

from .models import (
    DEFAULT_CATEGORIES,
    HandlingUnit,
    Proposal,
    ProposalCategory,
    ProposalEvaluation,
    ProposalEvent,
    ProposalReply,
    ProposalSettings,
)
from .summaries import proposal_figures_rebuild, township_years

# About 120 items a township-year: a county's year is about 2,400 (issue 5), five years of a
# 200-township city 120,000.
PER_TOWNSHIP_YEAR = 120
UNIT_NAMES = [
    ("党政办公室", "周文"),
    ("经济发展办公室", "钱进"),
    ("农业农村办公室", "孙丰收"),
    ("社会事务办公室", "李安"),
    ("村镇建设办公室", "吴建设"),
    ("财政所", "郑理财"),
    ("派出所", "王平安"),
    ("中心学校", "冯育才"),
    ("卫生院", "陈仁心"),
    ("自然资源和规划所", "褚国土"),
    ("交通运输管理站", "卫通达"),
    ("水利站", "蒋清源"),
]
LEADERS = ["张副镇长", "李副镇长", "王镇长", "刘副书记", "陈人武部长"]
VILLAGES = [
    "东风村",
    "红星村",
    "新河村",
    "长塘村",
    "白马村",
    "青龙村",
    "三岔村",
    "柳树村",
    "双桥村",
    "荷花村",
]
TOPICS = {
    "经济建设": [("关于扶持{v}特色种植产业发展的建议", 1), ("关于盘活{v}闲置集体资产的建议", 0)],
    "社会事业": [("关于加强{v}文化活动室建设的建议", 3), ("关于提升农村养老服务水平的建议", 3)],
    "乡镇建设和管理": [("关于整治{v}人居环境的建议", 4), ("关于规范集镇占道经营的建议", 4)],
    "交通水利": [("关于硬化{v}通组道路的建议", 10), ("关于疏浚{v}灌溉沟渠的建议", 11)],
    "农业农村": [("关于完善{v}高标准农田配套设施的建议", 2), ("关于加强农村土地流转管理的建议", 2)],
    "教育卫生": [("关于改善{v}小学校舍条件的建议", 7), ("关于增加卫生院夜间门诊的建议", 8)],
    "民生保障": [("关于加装{v}路灯的建议", 4), ("关于解决{v}饮水安全问题的建议", 11)],
    "生态环境": [("关于治理{v}河塘污染的建议", 9), ("关于加强秸秆禁烧宣传的建议", 2)],
    "其他": [("关于加强{v}治安巡逻的建议", 6), ("关于规范政务公开栏的建议", 0)],
}
REPLY_TEXTS = {
    "A": "经研究，您提出的问题已安排专项资金落实解决，现已完成。感谢您对我镇工作的关心和支持。",
    "B": "您的建议已列入本年度工作计划，目前正在组织实施，预计年底前完成。",
    "C": "因资金和条件所限，暂时无法实施，已作为今后工作的重要参考。",
}


def _aware(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@transaction.atomic
def seed(ctx):
    _township_setup(ctx)
    known = _Known(ctx)
    _unit_logins(ctx, known.units)
    proposals, plans = [], []
    for township in ctx.townships:
        if not known.deputies.get(township.pk):
            continue
        secretary = ctx.users.get(township.pk, {}).get("secretary")
        for year in ctx.years:
            for p, co, steps in _township_year(ctx, known, township=township, year=year):
                proposals.append(p)
                plans.append((p, co, steps, secretary))
    _proposals_insert(ctx, proposals, plans)
    events, replies, evaluations = _step_rows(plans)
    rows_insert(ProposalEvent, events)
    rows_insert(ProposalReply, replies)
    rows_insert(ProposalEvaluation, evaluations)
    reports = _progress_reports(ctx)
    ids = [t.pk for t in ctx.townships]
    figures = proposal_figures_rebuild(
        township_ids=ids, years=township_years(ids, today=ctx.today), today=ctx.today
    )
    ctx.log(
        f"  proposals: {len(proposals)} items, {len(events)} workflow steps, "
        f"{reports} progress reports to the presidium, {figures} stored figure rows"
    )


def _township_setup(ctx):
    """Each township's settings row, default categories and handling units."""
    ProposalSettings.objects.bulk_create([ProposalSettings(township=t) for t in ctx.townships])
    ProposalCategory.objects.bulk_create(
        [
            ProposalCategory(township=t, name=name, display_order=i + 1)
            for t in ctx.townships
            for i, name in enumerate(DEFAULT_CATEGORIES)
        ]
    )
    HandlingUnit.objects.bulk_create(
        [
            HandlingUnit(
                township=t,
                name=name,
                contact_person=person,
                phone=f"0553-68{(t.pk * 13 + i) % 100:02d}{i:03d}",
                display_order=i + 1,
            )
            for t in ctx.townships
            for i, (name, person) in enumerate(UNIT_NAMES)
        ]
    )


class _Known:
    """What the proposals are built from, read once per township: categories, units, deputies,
    township mandates, terms and the year's session."""

    def __init__(self, ctx):
        self.categories = {}
        for c in ProposalCategory.objects.filter(township__in=ctx.townships):
            self.categories.setdefault(c.township_id, {})[c.name] = c
        self.units = {}
        for u in HandlingUnit.objects.filter(township__in=ctx.townships).order_by("display_order"):
            self.units.setdefault(u.township_id, []).append(u)
        self.deputies = {}
        deputy_rows = Deputy.objects.filter(township__in=ctx.townships).values_list("pk", "township_id")
        for pk, township_id in deputy_rows:
            self.deputies.setdefault(township_id, []).append(pk)
        # Leads and co-signers serve on the day a proposal is submitted (deputies.selectors'
        # definition: a township mandate begun and not yet ended), in the term covering that day.
        self.mandates = {}
        for d, t, s, e in Mandate.objects.filter(
            township__in=ctx.townships, level=Mandate.Level.TOWNSHIP
        ).values_list("deputy_id", "township_id", "start_date", "end_date"):
            self.mandates.setdefault(t, []).append((d, s, e))
        self.terms = {}
        for term in Term.objects.filter(township__in=ctx.townships).order_by("start_date"):
            self.terms.setdefault(term.township_id, []).append(term)
        # Items "during a session" are submitted at the year's session (meetings.demo holds one
        # each January in a township with a congress) and carry its number.
        self.sessions = {}
        for s in Session.objects.filter(township__in=ctx.townships).only(
            "pk", "township_id", "number", "start_date", "end_date"
        ):
            self.sessions[(s.township_id, s.start_date.year)] = s

    def serving(self, township_id, day):
        return sorted(
            d for d, s, e in self.mandates.get(township_id, []) if s <= day and (e is None or e > day)
        )

    def term_on(self, township_id, day):
        return covering(self.terms.get(township_id, []), day)


def _unit_logins(ctx, units):
    """A handling-unit login for the first townships, in the unit that leads the most items."""
    hu_group = Group.objects.get(name=roles.HANDLING_UNIT)
    for township in ctx.townships[:3]:
        if township.pk not in ctx.users:
            continue
        user = User(
            username=f"{township.code}_danwei",
            township=township,
            full_name="宋办理",
            password=demo_password_hash(),
        )
        user.save()
        user.groups.add(hu_group)
        units[township.pk][4].users.add(user)
        ctx.logins.append(
            (
                user.username,
                roles.ROLE_LABELS[roles.HANDLING_UNIT],
                f"{township.name} {units[township.pk][4].name}",
            )
        )


def _township_year(ctx, known, *, township, year):
    """A township's items of one year with their co-signers and workflow steps: (row, co, steps)."""
    rng, today = ctx.rng, ctx.today
    start = dt.date(year, 1, 1)
    span = (min(dt.date(year, 12, 31), today) - start).days
    session = known.sessions.get((township.pk, year))
    serials = {}
    for _i in range(PER_TOWNSHIP_YEAR):
        # Most items come in at the session (January–March), the rest through the year.
        early = min(span, 80)
        submitted = start + dt.timedelta(days=rng.randint(0, early if rng.random() < 0.6 else span))
        in_session = session is not None and rng.random() < 0.4
        if in_session:
            submitted = session.start_date + dt.timedelta(
                days=rng.randint(0, (session.end_date - session.start_date).days)
            )
        term = known.term_on(township.pk, submitted)
        dep = known.serving(township.pk, submitted)
        if term is None or len(dep) < 6:
            continue
        p, co, unit_idx = _proposal_row(
            rng,
            known,
            township=township,
            term=term,
            year=year,
            submitted=submitted,
            session=session if in_session else None,
            serving=dep,
            serials=serials,
        )
        steps = _lifecycle(
            p, rng=rng, today=today, unit=known.units[township.pk][unit_idx], leader=rng.choice(LEADERS)
        )
        yield p, co, steps


def _proposal_row(rng, known, *, township, term, year, submitted, session, serving, serials):
    """One submitted item (a plain row numbered in its session or the year's recess), its
    co-signers and the index of the unit that will lead its handling."""
    in_session = session is not None
    session_number = session.number if in_session else None
    motion = in_session and rng.random() < 0.04
    kind = (
        Proposal.Kind.MOTION
        if motion
        else rng.choices(
            [Proposal.Kind.SUGGESTION, Proposal.Kind.CRITICISM, Proposal.Kind.OPINION], [85, 7, 8]
        )[0]
    )
    scope = f"{term.number}-{session_number}" if in_session else f"recess-{year}"
    serials[scope] = serials.get(scope, 0) + 1
    serial = serials[scope]
    number = _number_label(term=term, session_number=session_number, year=year, serial=serial, motion=motion)
    cat_name = rng.choice(DEFAULT_CATEGORIES)
    title_tpl, unit_idx = rng.choice(TOPICS[cat_name])
    village = rng.choice(VILLAGES)
    title = title_tpl.format(v=village)
    if motion:
        title = title[:-2] + "议案"
    lead = rng.choice(serving)
    co = rng.sample(serving, 5 if motion else rng.choice((0, 0, 1, 2, 3)))
    co = [d for d in co if d != lead]
    is_key = rng.random() < 0.05
    p = plain_row(
        Proposal,
        township_id=township.pk,
        kind=kind,
        term_id=term.pk,
        year=year,
        number_scope=scope,
        serial=serial,
        number=number,
        title=title,
        content=(
            f"{village}群众反映：{title[2:-3]}方面的问题长期存在，影响群众生产生活。"
            "建议镇政府组织相关部门实地调研，制定切实可行的解决方案，明确责任单位和完成时限，"
            "并及时向代表和群众反馈办理进展。"
        ),
        category_id=known.categories[township.pk][cat_name].pk,
        lead_deputy_id=lead,
        during_session=in_session,
        session_number=session_number,
        session_id=session.pk if in_session else None,
        submitted_on=submitted,
        origin=rng.choices(
            [Proposal.Origin.DEPUTY, Proposal.Origin.RECEPTION, Proposal.Origin.OPINION_CARD],
            [80, 14, 6],
        )[0],
        is_key=is_key,
        supervising_leader=rng.choice(LEADERS) if is_key else "",
        agenda_decision=Proposal.AgendaDecision.ON_AGENDA if motion else "",
    )
    return p, co, unit_idx


def _number_label(*, term, session_number, year, serial, motion):
    """The number as proposals.workflow.number_label writes it in Chinese."""
    if session_number is None:
        return f"闭会期间 {year}-{serial:03d}"
    label = "议案" if motion else "建议"
    return f"第{term.number}届第{session_number}次会议 {label}第{serial}号"


def _proposals_insert(ctx, proposals, plans):
    """Insert the items (in the order a real office records them, so a year's items lie together
    on disk), give the rows their primary keys and insert the co-signers."""
    proposals.sort(key=lambda p: p.submitted_on)
    rows_insert(Proposal, proposals)
    pks = {
        (t, scope, serial): pk
        for pk, t, scope, serial in Proposal.objects.filter(township__in=ctx.townships).values_list(
            "pk", "township_id", "number_scope", "serial"
        )
    }
    for p in proposals:
        p.pk = pks[(p.township_id, p.number_scope, p.serial)]
    through = Proposal.co_signers.through
    rows_insert(
        through, [plain_row(through, proposal_id=p.pk, deputy_id=d) for p, co, _s, _u in plans for d in co]
    )


def _step_rows(plans):
    """The workflow steps, replies and evaluations of the planned items, recorded by the
    township's secretary (replies and evaluations only where there is one)."""
    events, replies, evaluations = [], [], []
    for p, _co, steps, secretary in plans:
        for kind, day, extra in steps:
            if kind == "event":
                events.append(
                    plain_row(
                        ProposalEvent,
                        township_id=p.township_id,
                        proposal_id=p.pk,
                        action=extra["action"],
                        from_state=extra["from"],
                        to_state=extra["to"],
                        by_id=secretary.pk if secretary else None,
                        at=_aware(day),
                        effective_on=day,
                        note=extra.get("note", ""),
                    )
                )
            elif kind == "reply" and secretary is not None:
                replies.append(
                    plain_row(
                        ProposalReply,
                        township_id=p.township_id,
                        proposal_id=p.pk,
                        by_id=secretary.pk,
                        replied_on=day,
                        **extra,
                    )
                )
            elif kind == "evaluation" and secretary is not None:
                evaluations.append(
                    plain_row(
                        ProposalEvaluation,
                        township_id=p.township_id,
                        proposal_id=p.pk,
                        by_id=secretary.pk,
                        evaluated_on=day,
                        **extra,
                    )
                )
    return events, replies, evaluations


def _progress_reports(ctx):
    """The presidium meetings' reports on proposal progress (meetings.demo marks the items):
    their text, the figures as of each meeting's date, now that the proposals exist."""
    from meetings.models import AgendaItem
    from meetings.rules import proposal_progress_text

    items = list(
        AgendaItem.objects.filter(
            township__in=ctx.townships, kind=AgendaItem.Kind.PROPOSAL_PROGRESS
        ).select_related("meeting__township")
    )
    with translation.override("zh-hans"):
        for item in items:
            item.text = proposal_progress_text(township=item.meeting.township, on=item.meeting.date)
    AgendaItem.objects.bulk_update(items, ["text"], batch_size=1000)
    return len(items)


def _lifecycle(p, *, rng, today, unit, leader):
    """Walk one proposal through the workflow as far as its dates (and chance) allow; set its
    fields and return the steps to record: ("event" | "reply" | "evaluation", date, data)."""
    S = Proposal.State
    steps = []
    _event(steps, p.submitted_on, "submit", "", S.SUBMITTED)
    if p.kind == Proposal.Kind.MOTION:
        _event(steps, p.submitted_on, "decide_on_agenda", S.SUBMITTED, S.SUBMITTED)
    if not _register_and_assign(p, steps, rng=rng, today=today, unit=unit, leader=leader):
        return steps
    for round_no in (1, 2):
        if not _handling_round(p, steps, round_no, rng=rng, today=today, unit=unit):
            break
    return steps


def _event(steps, day, action, old, new, note=""):
    steps.append(("event", day, {"action": action, "from": old, "to": new, "note": note}))


def _register_and_assign(p, steps, *, rng, today, unit, leader):
    """Register (or, rarely, reject) the item and assign it to its unit; False when it stops
    before the assignment."""
    S = Proposal.State
    day = p.submitted_on + dt.timedelta(days=rng.randint(2, 10))
    if day > today:
        return False
    if rng.random() < 0.03:
        p.state = S.NOT_ACCEPTED
        p.not_accepted_reason = (
            "属于司法程序处理事项，不属于乡镇人大代表建议范围，已建议代表通过法定途径反映。"
        )
        _event(steps, day, "reject", S.SUBMITTED, S.NOT_ACCEPTED, p.not_accepted_reason)
        return False
    p.state, p.registered_on = S.REGISTERED, day
    _event(steps, day, "register", S.SUBMITTED, S.REGISTERED)
    day += dt.timedelta(days=rng.randint(2, 8))
    if day > today:
        return False
    p.state, p.lead_unit_id, p.responsible_leader = S.ASSIGNED, unit.pk, leader
    p.assigned_on, p.deadline = day, day + relativedelta(months=3)
    _event(steps, day, "assign", S.REGISTERED, S.ASSIGNED, f"牵头单位 {unit.name}")
    return True


def _handling_round(p, steps, round_no, *, rng, today, unit):
    """One round: started, replied, evaluated and closed as far as the dates allow. True when
    the deputy's 不满意 in the first round sends the item to a second round."""
    S = Proposal.State
    # Items of past years were mostly handled; a few carried over are still open.
    chance = (0.07 if round_no == 1 else 0.15) if p.year == today.year else 0.01
    stall = rng.random() < chance
    started = p.assigned_on + dt.timedelta(days=rng.randint(3, 15))
    if started <= today:
        p.state = S.IN_PROGRESS
        _event(steps, started, "start", S.ASSIGNED, S.IN_PROGRESS)
    late = rng.random() < 0.12
    reply_day = (
        p.deadline + dt.timedelta(days=rng.randint(3, 30))
        if late
        else p.assigned_on + dt.timedelta(days=rng.randint(20, 85))
    )
    if stall or reply_day > today or started > today:
        return False  # still being handled: overdue once the deadline passes
    outcome = _reply(p, steps, round_no, reply_day, rng=rng, unit=unit)
    eval_day = reply_day + dt.timedelta(days=rng.randint(5, 20))
    if eval_day > today or rng.random() < 0.05:
        return False
    rating = rng.choices(
        [Proposal.Rating.SATISFIED, Proposal.Rating.BASICALLY, Proposal.Rating.DISSATISFIED],
        [62, 28, 10] if outcome != "C" else [30, 40, 30],
    )[0]
    p.rating, p.evaluated_on = rating, eval_day
    steps.append(("evaluation", eval_day, {"round": round_no, "rating": rating, "comment": ""}))
    if rating == Proposal.Rating.DISSATISFIED and round_no == 1:
        p.round, p.state = 2, S.ASSIGNED
        p.assigned_on, p.deadline = eval_day, eval_day + relativedelta(months=3)
        _event(steps, eval_day, "rehandle", S.REPLIED, S.ASSIGNED, "代表不满意，重新办理")
        return True
    p.state = S.EVALUATED
    _event(steps, eval_day, "evaluate", S.REPLIED, S.EVALUATED, str(Proposal.Rating(rating).label))
    close_day = eval_day + dt.timedelta(days=rng.randint(1, 10))
    if close_day > today or rng.random() < 0.04:
        return False
    p.state, p.closed_on = S.CLOSED, close_day
    _event(steps, close_day, "close", S.EVALUATED, S.CLOSED)
    return False


def _reply(p, steps, round_no, reply_day, *, rng, unit):
    """The unit's reply of the round (outcome class and meeting by chance); returns the class."""
    S = Proposal.State
    outcome = rng.choices(["A", "B", "C"], [55, 35, 10])[0]
    met = rng.random() < 0.8
    p.round = round_no
    old = p.state
    p.state, p.replied_on, p.replied_on_time = S.REPLIED, reply_day, reply_day <= p.deadline
    p.outcome, p.met_in_person = outcome, met
    steps.append(
        (
            "reply",
            reply_day,
            {
                "round": round_no,
                "unit_id": unit.pk,
                "text": REPLY_TEXTS[outcome],
                "outcome": outcome,
                "met_in_person": met,
                "deadline": p.deadline,
                "on_time": p.replied_on_time,
            },
        )
    )
    _event(steps, reply_day, "reply", old, S.REPLIED, f"办理结果 {outcome}")
    return outcome
