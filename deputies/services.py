"""Writes to the roster. Every write goes through here: names get their sort keys, ID numbers
are checked against the birth date and gender, and history records who changed what."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric

from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor

from .models import Deputy, DeputyGroup, GroupMembership, GroupPlan, GroupPlanItem, LiaisonStation, Mandate
from .naming import name_keys

PROVINCE_CODES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}
DEPUTY_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "affiliation",
    "education",
    "occupation",
    "work_unit",
    "constituency",
    "phone",
    "id_number",
    "notes",
]


def id_number_normalize(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_check(id_number: str, *, birth_date=None, gender=None, birth_month_only=False):
    """Validate a resident ID number (checksum, birth date) and compare it with what was entered.

    Returns (birth_date, gender) derived from the number. Raises ApplicationError(field=...)
    in Chinese when the number is invalid or disagrees with the birth date or gender.
    """
    number = id_number_normalize(id_number)
    # Checksum, birth date and province with python-stdnum. Not its county table: it ties a county
    # code to the birth year, but a code is assigned at registration and never changes (a 1968-born
    # 无为 resident may hold 340225, valid 2011–2019), so stdnum's full validate() refuses real IDs.
    if len(number) != 18:
        raise ApplicationError(_("An ID number has 18 characters."), field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ApplicationError(_("An ID number has 17 digits and a final digit or X."), field="id_number")
    if number[-1] != ric.calc_check_digit(number):
        raise ApplicationError(_("The ID number's check digit is wrong."), field="id_number")
    try:
        derived_birth = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        derived_birth = None
    if derived_birth is None or derived_birth.year < 1900 or derived_birth > timezone.localdate():
        raise ApplicationError(_("The birth date inside the ID number is impossible."), field="id_number")
    if number[:2] not in PROVINCE_CODES:
        raise ApplicationError(_("The ID number does not start with a province code."), field="id_number")
    derived_gender = Deputy.Gender.MALE if int(number[16]) % 2 else Deputy.Gender.FEMALE
    if birth_date:
        same = (
            (birth_date.year, birth_date.month) == (derived_birth.year, derived_birth.month)
            if birth_month_only
            else birth_date == derived_birth
        )
        if not same:
            raise ApplicationError(
                _("The birth date %(entered)s does not match the ID number (%(derived)s).")
                % {
                    "entered": birth_date.strftime("%Y-%m-%d" if not birth_month_only else "%Y.%m"),
                    "derived": derived_birth.strftime("%Y-%m-%d"),
                },
                field="birth_date",
            )
    if gender and gender != derived_gender:
        raise ApplicationError(
            _("The gender does not match the ID number (it says %(gender)s).")
            % {"gender": Deputy.Gender(derived_gender).label},
            field="gender",
        )
    return derived_birth, derived_gender


def _clean_deputy_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in DEPUTY_FIELDS + ["photo"]}
    for key in ("name", "work_unit", "constituency", "phone"):
        if key in data and isinstance(data[key], str):
            data[key] = data[key].strip()
    if "id_number" in data:
        data["id_number"] = id_number_normalize(data["id_number"])
    if not data.get("name"):
        raise ApplicationError(_("Enter the deputy's name."), field="name")
    if data.get("id_number"):
        birth, gender = id_number_check(
            data["id_number"], birth_date=data.get("birth_date"), gender=data.get("gender")
        )
        data["birth_date"] = data.get("birth_date") or birth
        data["gender"] = data.get("gender") or gender
    if not data.get("gender"):
        raise ApplicationError(_("Choose the gender."), field="gender")
    return data


def _apply_name_keys(deputy):
    deputy.name_pinyin, deputy.name_initials, deputy.surname_strokes = name_keys(deputy.name)


def _check_unique_id(township, id_number, exclude_pk=None):
    if not id_number:
        return
    qs = Deputy.objects.filter(township=township, id_number=id_number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    other = qs.first()
    if other:
        raise ApplicationError(
            _("%(name)s already has this ID number on the roster.") % {"name": other.name}, field="id_number"
        )


@transaction.atomic
def deputy_create(*, township, data: dict, by, mandate: dict | None = None) -> Deputy:
    """Add a person to the roster; `mandate` {level, term, term_number, start_date, start_reason}
    adds their first mandate in the same transaction."""
    data = _clean_deputy_data(data)
    _check_unique_id(township, data.get("id_number"))
    deputy = Deputy(township=township, **data)
    _apply_name_keys(deputy)
    history_actor(deputy, by)
    deputy.save()
    if mandate:
        mandate_create(deputy=deputy, by=by, **mandate)
    return deputy


@transaction.atomic
def deputy_update(*, deputy, data: dict, by, reason: str = "") -> Deputy:
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    data = _clean_deputy_data({**{f: getattr(deputy, f) for f in DEPUTY_FIELDS}, **data})
    _check_unique_id(deputy.township_id, data.get("id_number"), exclude_pk=deputy.pk)
    changed = [k for k, v in data.items() if getattr(deputy, k) != v]
    if not changed:
        return deputy
    for key in changed:
        setattr(deputy, key, data[key])
    if "name" in changed:
        _apply_name_keys(deputy)
        changed += ["name_pinyin", "name_initials", "surname_strokes"]
    history_actor(deputy, by)
    deputy._change_reason = reason
    deputy.save(update_fields=changed + ["updated_at"])
    return deputy


def _terms_check(deputy, level, term, term_number):
    if term is not None and term.township_id != deputy.township_id:
        raise ApplicationError(_("The term belongs to another township."), field="term")
    if level == Mandate.Level.TOWNSHIP and term is None:
        raise ApplicationError(_("A township mandate needs the township's term."), field="term")


@transaction.atomic
def mandate_create(
    *, deputy, level, start_date, by, term=None, term_number=None, start_reason=Mandate.StartReason.ELECTED
) -> Mandate:
    """Give a deputy a mandate at one level; refuses a second active mandate at that level."""
    Deputy.objects.select_for_update().get(pk=deputy.pk)
    _terms_check(deputy, level, term, term_number)
    if term is not None and not (term.start_date <= start_date <= term.end_date):
        raise ApplicationError(_("The start date is outside the term."), field="start_date")
    if deputy.mandates.filter(level=level, end_date__isnull=True).exists():
        raise ApplicationError(
            _("%(name)s already holds an active mandate at this level.") % {"name": deputy.name},
            field="level",
        )
    m = Mandate(
        township_id=deputy.township_id,
        deputy=deputy,
        level=level,
        term=term,
        term_number=term_number or (term.number if term else None),
        start_date=start_date,
        start_reason=start_reason,
    )
    history_actor(m, by)
    m.save()
    return m


@transaction.atomic
def mandate_end(*, mandate, end_date, end_reason, note: str = "", by) -> Mandate:
    """End a mandate (resigned, recalled, …): the deputy drops out of quorums from that date."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.end_date is not None:
        raise ApplicationError(_("This mandate has already ended."))
    if end_reason not in Mandate.EndReason.values:
        raise ApplicationError(_("Choose how the mandate ended."), field="end_reason")
    if end_date < mandate.start_date:
        raise ApplicationError(_("The end date is before the mandate began."), field="end_date")
    if end_reason != Mandate.EndReason.TERM_ENDED and not (note or "").strip():
        raise ApplicationError(_("Give the reason."), field="note")
    mandate.end_date = end_date
    mandate.end_reason = end_reason
    mandate.end_note = (note or "").strip()
    history_actor(mandate, by)
    mandate.save(update_fields=["end_date", "end_reason", "end_note", "updated_at"])
    return mandate


# --- groups ---------------------------------------------------------------------------------


def _same_township(township_id, deputies, field):
    for d in deputies:
        if d is not None and d.township_id != township_id:
            raise ApplicationError(
                _("%(name)s is on another township's roster.") % {"name": d.name}, field=field
            )


@transaction.atomic
def group_save(*, township, data: dict, by, group=None) -> DeputyGroup:
    """Create or edit a group's particulars (not its members: see group_set_members)."""
    fields = ["term", "number", "name", "leader", "deputy_leader", "activity_room", "villages"]
    data = {k: data.get(k) for k in fields if k in data}
    term = data.get("term") or (group.term if group else None)
    if term is None or term.township_id != township.pk:
        raise ApplicationError(_("Choose a term of this township."), field="term")
    _same_township(township.pk, [data.get("leader"), data.get("deputy_leader")], "leader")
    if data.get("leader") and data.get("leader") == data.get("deputy_leader"):
        raise ApplicationError(
            _("The leader and deputy leader must be different people."), field="deputy_leader"
        )
    number = data.get("number")
    dup = (
        DeputyGroup.objects.filter(term=term, number=number)
        if number is not None
        else DeputyGroup.objects.none()
    )
    if group is not None:
        dup = dup.exclude(pk=group.pk)
    if dup.exists():
        raise ApplicationError(_("Another group of this term has this number."), field="number")
    if group is None:
        group = DeputyGroup(township=township)
    else:
        group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    for k, v in data.items():
        setattr(group, k, v if v is not None else ("" if k in ("activity_room", "villages") else None))
    history_actor(group, by)
    group.save()
    return group


def group_size_warning(count: int):
    if count < DeputyGroup.MIN_MEMBERS or count > DeputyGroup.MAX_MEMBERS:
        return _("A deputy group usually has %(min)s–%(max)s members; this one has %(n)s.") % {
            "min": DeputyGroup.MIN_MEMBERS,
            "max": DeputyGroup.MAX_MEMBERS,
            "n": count,
        }
    return None


@transaction.atomic
def group_set_members(*, group, deputies, by) -> list[str]:
    """Replace the group's members. A deputy is in at most one group per term: moving them here
    takes them out of their old group (reported in the returned warnings, with the size warning)."""
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    deputies = list(deputies)
    _same_township(group.township_id, deputies, "members")
    wanted = {d.pk for d in deputies}
    warnings = []
    moved = GroupMembership.objects.filter(term_id=group.term_id, deputy_id__in=wanted).exclude(group=group)
    for gm in moved.select_related("deputy", "group"):
        warnings.append(
            _("%(name)s moved from %(group)s.") % {"name": gm.deputy.name, "group": gm.group.name}
        )
    moved.delete()
    GroupMembership.objects.filter(group=group).exclude(deputy_id__in=wanted).delete()
    existing = set(GroupMembership.objects.filter(group=group).values_list("deputy_id", flat=True))
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(township_id=group.township_id, group=group, deputy_id=pk, term_id=group.term_id)
            for pk in wanted - existing
        ]
    )
    for attr in ("leader_id", "deputy_leader_id"):
        if getattr(group, attr) and getattr(group, attr) not in wanted:
            setattr(group, attr, None)
    history_actor(group, by)
    group.save(update_fields=["leader", "deputy_leader", "updated_at"])
    size = group_size_warning(len(wanted))
    if size:
        warnings.append(size)
    return warnings


@transaction.atomic
def group_plan_save(*, group, year: int, text: str, items: list[tuple[dt.date, str]], by) -> GroupPlan:
    """Replace a group's plan for one year: text plus (planned date, topic) items."""
    for planned, _topic in items:
        if planned.year != year:
            raise ApplicationError(
                _("Every planned date must fall in %(year)s.") % {"year": year}, field="items"
            )
    plan, _created = GroupPlan.objects.select_for_update().get_or_create(
        group=group, year=year, defaults={"township_id": group.township_id}
    )
    plan.text = text
    history_actor(plan, by)
    plan.save()
    plan.items.all().delete()
    GroupPlanItem.objects.bulk_create(
        [GroupPlanItem(township_id=group.township_id, plan=plan, planned_date=d, topic=t) for d, t in items]
    )
    return plan


# --- liaison stations -----------------------------------------------------------------------


@transaction.atomic
def station_save(*, township, data: dict, by, station=None) -> LiaisonStation:
    simple = [
        "name",
        "kind",
        "address",
        "head",
        "liaison_officer",
        "liaison_phone",
        "villages",
        "reception_day",
        "rules",
    ]
    _same_township(township.pk, [data.get("head")], "head")
    heads = list(data.get("deputy_heads") or [])
    _same_township(township.pk, heads, "deputy_heads")
    if len(heads) > 2:
        raise ApplicationError(_("A station has at most two deputy heads."), field="deputy_heads")
    if station is None:
        station = LiaisonStation(township=township)
    else:
        station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    for k in simple:
        if k in data:
            v = data[k]
            setattr(station, k, v if v is not None or k == "head" else "")
    history_actor(station, by)
    station.save()
    if "deputy_heads" in data:
        station.deputy_heads.set(heads)
    return station


@transaction.atomic
def station_set_residents(*, station, deputies, by) -> list[str]:
    station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    deputies = list(deputies)
    _same_township(station.township_id, deputies, "residents")
    station.resident_deputies.set(deputies)
    history_actor(station, by)
    station.save(update_fields=["updated_at"])
    n = len(deputies)
    if n and not (10 <= n <= 20):
        return [_("A liaison station usually has 10–20 resident deputies; this one has %(n)s.") % {"n": n}]
    return []


def today():
    return timezone.localdate()
