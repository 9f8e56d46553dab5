"""Demo roster for every demo township: deputies at several levels, presidium, groups, stations."""

import datetime as dt
from dataclasses import dataclass, field

from renda.core.models import Term

from .models import (
    ContactAssignment,
    Deputy,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    Mandate,
    PresidiumMembership,
)
from .naming import name_keys

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE = list("国建军明华伟强志勇杰涛斌波辉刚平海东林峰成德永春文俊庆祥宏兵新良福生荣龙")
FEMALE = list("秀英丽芳娟敏静霞燕红梅兰玲桂萍琴莉云凤洁琳慧婷雪颖倩艳翠珍")
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
    "马埠村",
    "高岗村",
    "杨湾村",
    "石门村",
    "黄庄村",
    "新圩村",
    "官塘村",
    "龙泉村",
    "凤凰村",
    "金桥村",
]
UNITS = [
    ("{v}党总支", "书记", "village"),
    ("{v}村委会", "主任", "village"),
    ("{v}", "村民", "farmer"),
    ("{t}中心学校", "教师", "professional"),
    ("{t}卫生院", "医生", "professional"),
    ("{t}人民政府", "副镇长", "official"),
    ("{t}农业综合服务站", "站长", "official"),
    ("安徽{t}农业科技有限公司", "总经理", "enterprise"),
    ("{t}建材厂", "工人", "worker"),
    ("{v}种植专业合作社", "理事长", "farmer"),
    ("{t}派出所", "所长", "official"),
]
REGION = "340225"
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number(birth: dt.date, seq: int, female: bool) -> str:
    order = seq % 99 * 10 + (seq % 5) * 2 + (0 if female else 1)
    body = f"{REGION}{birth:%Y%m%d}{order % 1000:03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


def _person(ctx, township, seq):
    rng = ctx.rng
    female = rng.random() < 0.32
    given = "".join(rng.choice(FEMALE if female else MALE) for _ in range(rng.choice((1, 2, 2))))
    name = rng.choice(SURNAMES) + given
    birth = dt.date(rng.randint(1958, 1996), rng.randint(1, 12), rng.randint(1, 28))
    village = rng.choice(VILLAGES)
    unit, post, occupation = rng.choice(UNITS)
    pinyin, initials, strokes = name_keys(name)
    return Deputy(
        township=township,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        surname_strokes=strokes,
        gender="F" if female else "M",
        ethnicity="汉族" if rng.random() > 0.04 else rng.choice(["回族", "满族", "壮族"]),
        birth_date=birth,
        affiliation=rng.choices(["cpc", "masses", "dem", "nonparty"], [70, 24, 3, 3])[0],
        education=rng.choice(["bachelor", "college", "high", "secondary", "junior", "postgrad"]),
        occupation=occupation,
        work_unit=unit.format(v=village, t=township.name) + post,
        constituency=f"第{seq % 12 + 1}选区（{village}）",
        phone=f"1{rng.choice((35, 37, 38, 39, 52, 58, 80, 86))}{rng.randint(10000000, 99999999)}",
        id_number=id_number(birth, seq, female),
    )


@dataclass
class _Rows:
    """Everything the demo roster writes, gathered in memory and saved with one bulk_create each."""

    deputies: list = field(default_factory=list)
    mandates: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    presidium: list = field(default_factory=list)
    stations: list = field(default_factory=list)  # [(station, resident deputies, head)]
    contacts: list = field(default_factory=list)


def _previous_term(ctx, township, prev, term, people, rows):
    """The past term change (换届) of the demo county: two thirds of the deputies served in the
    previous term too, three people served only then; the previous term had its presidium and
    a group. Their township mandates ended with it (dropping out on the new term's first day)."""
    n = len(people)
    veterans = [d for i, d in enumerate(people[: n - 4]) if i % 3 != 2]
    former = [_person(ctx, township, n + k) for k in range(3)]
    Deputy.objects.bulk_create(former)
    rows.deputies.extend(former)
    for d in veterans + former:
        rows.mandates.append(
            Mandate(
                township=township,
                deputy=d,
                level=Mandate.Level.TOWNSHIP,
                term=prev,
                term_number=prev.number,
                start_date=prev.start_date,
                start_reason=Mandate.StartReason.ELECTED,
                end_date=term.start_date,
                end_reason=Mandate.EndReason.TERM_ENDED,
                end_note="换届",
            )
        )
    board = former[:1] + veterans[:6]
    for d, role in zip(board, ["chair", "vice_chair", "vice_chair"] + ["member"] * 4):
        rows.presidium.append(
            PresidiumMembership(township=township, term=prev, deputy=d, role=role, start_date=prev.start_date)
        )
    group = DeputyGroup(
        township=township,
        term=prev,
        number=1,
        name="第1代表小组",
        leader=veterans[0],
        deputy_leader=former[1],
        activity_room=f"{township.name}人大代表活动室",
    )
    rows.groups.append(group)
    for d in veterans[:10] + former[1:]:
        rows.memberships.append(GroupMembership(township=township, group=group, deputy=d, term=prev))


def seed(ctx):
    prev_terms = {
        t.township_id: t
        for t in Term.objects.filter(township__in=ctx.townships, number__lt=18).order_by("number")
    }
    rows = _Rows()
    for township in ctx.townships:
        term = ctx.terms[township.pk]
        people = [_person(ctx, township, i) for i in range(ctx.deputies_per_township)]
        Deputy.objects.bulk_create(people)
        rows.deputies.extend(people)
        n = len(people)
        _mandates(ctx, township, term, people, rows)
        if township.has_presidium:
            _presidium_and_contacts(township, term, people, rows)
        prev = prev_terms.get(township.pk)
        if prev is not None and township.has_presidium:
            _previous_term(ctx, township, prev, term, people, rows)
        active = people[: n - 4] + people[n - 2 :]  # the two who left mid-term are in no group or station
        _groups(ctx, township, term, active, rows)
        _stations(ctx, township, people, active, rows)
    _rows_save(rows)
    ctx.log(f"    {len(rows.deputies)} deputies, {len(rows.groups)} groups, {len(rows.stations)} stations")


def _mandates(ctx, township, term, people, rows):
    """Every deputy's mandate in the current term (two by-elected, two who left mid-term), and some
    county and city mandates besides."""
    n = len(people)
    # A 街道 has no township congress: its roster is the county deputies elected there, whom
    # its 人大工委 organises (elected with the county congress, 2021-11-20).
    congress = township.has_presidium
    for i, d in enumerate(people):
        start, reason = term.start_date, Mandate.StartReason.ELECTED
        if not congress:
            start = dt.date(2021, 11, 20)
        if i in (n - 1, n - 2):  # by-elected in the second year
            start, reason = dt.date(term.start_date.year + 2, 3, 15), Mandate.StartReason.BY_ELECTION
        m = Mandate(
            township=township,
            deputy=d,
            level=Mandate.Level.TOWNSHIP if congress else Mandate.Level.COUNTY,
            term=term if congress else None,
            term_number=term.number,
            start_date=start,
            start_reason=reason,
        )
        if i in (n - 3, n - 4):  # left mid-term: the history stays
            m.end_date = dt.date(term.start_date.year + 2, 6, 30)
            m.end_reason = ctx.rng.choice([Mandate.EndReason.RESIGNED, Mandate.EndReason.MOVED_AWAY])
            m.end_note = (
                "工作调动" if m.end_reason == Mandate.EndReason.MOVED_AWAY else "本人申请辞去代表职务"
            )
        rows.mandates.append(m)
        if i % 6 == 0 and congress:
            rows.mandates.append(
                Mandate(
                    township=township,
                    deputy=d,
                    level=Mandate.Level.COUNTY,
                    term_number=18,
                    start_date=dt.date(2021, 11, 20),
                )
            )
        if i in (1, 7):
            rows.mandates.append(
                Mandate(
                    township=township,
                    deputy=d,
                    level=Mandate.Level.CITY,
                    term_number=16,
                    start_date=dt.date(2022, 1, 10),
                )
            )


def _presidium_and_contacts(township, term, people, rows):
    """Nine presidium members, each keeping contact with some of the other serving deputies."""
    roles = ["chair", "vice_chair", "vice_chair"] + ["member"] * 6
    for d, role in zip(people[:9], roles):
        rows.presidium.append(
            PresidiumMembership(township=township, term=term, deputy=d, role=role, start_date=term.start_date)
        )
    members = people[:9]
    for k, d in enumerate(people[9 : len(people) - 4]):
        rows.contacts.append(ContactAssignment(township=township, term=term, member=members[k % 9], deputy=d))


def _groups(ctx, township, term, active, rows, size=12):
    """Groups of `size`; a short last chunk joins the township's previous group."""
    for g, start in enumerate(range(0, len(active), size)):
        chunk = active[start : start + size]
        if len(chunk) < 5 and rows.groups and rows.groups[-1].township_id == township.pk:
            last = rows.groups[-1]
            for d in chunk:
                rows.memberships.append(GroupMembership(township=township, group=last, deputy=d, term=term))
            continue
        villages = ctx.rng.sample(VILLAGES, 3)
        group = DeputyGroup(
            township=township,
            term=term,
            number=g + 1,
            name=f"第{g + 1}代表小组",
            leader=chunk[0],
            deputy_leader=chunk[1],
            activity_room=f"{villages[0]}代表活动室",
            villages="、".join(villages),
        )
        rows.groups.append(group)
        for d in chunk:
            rows.memberships.append(GroupMembership(township=township, group=group, deputy=d, term=term))


def _stations(ctx, township, people, active, rows):
    """A liaison station and a 代表之家, each with 15 resident deputies and a head."""
    rng = ctx.rng
    for s, kind in enumerate([LiaisonStation.Kind.STATION, LiaisonStation.Kind.HOME]):
        station = LiaisonStation(
            township=township,
            kind=kind,
            name=f"{township.name}人大代表联络站"
            if s == 0
            else f"{township.name}{rng.choice(VILLAGES)}代表之家",
            address=f"{township.name}{rng.choice(VILLAGES)}党群服务中心二楼",
            head=people[s],
            liaison_officer=rng.choice(SURNAMES) + rng.choice(FEMALE) + rng.choice(FEMALE),
            liaison_phone=f"0553-{rng.randint(6000000, 6999999)}",
            villages="、".join(rng.sample(VILLAGES, 5)),
            reception_day="每月15日（节假日顺延）",
            rules="代表接待选民制度；代表联系选民制度；代表履职登记制度",
        )
        rows.stations.append((station, active[s * 15 : s * 15 + 15], people[2 + s]))


def _rows_save(rows):
    Mandate.objects.bulk_create(rows.mandates)
    PresidiumMembership.objects.bulk_create(rows.presidium)
    ContactAssignment.objects.bulk_create(rows.contacts)
    DeputyGroup.objects.bulk_create(rows.groups)
    GroupMembership.objects.bulk_create(rows.memberships)
    LiaisonStation.objects.bulk_create([s for s, _r, _h in rows.stations])
    Resident = LiaisonStation.resident_deputies.through
    Heads = LiaisonStation.deputy_heads.through
    Resident.objects.bulk_create(
        [
            Resident(liaisonstation_id=s.pk, deputy_id=d.pk)
            for s, residents, _h in rows.stations
            for d in residents
        ]
    )
    Heads.objects.bulk_create([Heads(liaisonstation_id=s.pk, deputy_id=h.pk) for s, _r, h in rows.stations])
