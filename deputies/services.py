"""Writes to the roster. Every write goes through here: the actor is authorised first (the access
policy, `authorize`), names get their sort keys, ID numbers are checked against the birth date and
gender (deputies.rules), and history records who changed what."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from renda.core.access import authorize
from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor
from renda.core.models import Term, Township
from renda.core.uploads import photo_clean

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
from .rules import group_size_warning, id_number_check, id_number_normalize, station_size_warning
from .serving import deputy_not_serving, deputy_serving_during_q, not_serving_message


class DeputyFields(TypedDict, total=False):
    """A deputy's particulars, as keyword arguments of deputy_create / deputy_update."""

    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date | None
    affiliation: str
    democratic_party: str
    education: str
    occupation: str
    work_unit: str
    constituency: str
    contact_voters: str
    phone: str
    id_number: str
    notes: str
    photo: File | None


DEPUTY_FIELDS = [f for f in DeputyFields.__annotations__ if f != "photo"]


@dataclass(frozen=True)
class MandateStart:
    """A deputy's first mandate, given with deputy_create: `term` for a township mandate,
    `term_number` for a higher level."""

    level: str
    start_date: dt.date
    term: Term | None = None
    term_number: int | None = None
    start_reason: str = Mandate.StartReason.ELECTED


def _clean_deputy_data(data: Mapping[str, Any]) -> dict:
    unknown = set(data) - set(DeputyFields.__annotations__)
    if unknown:
        raise TypeError(f"not a deputy's particular: {', '.join(sorted(unknown))}")
    data = dict(data)
    photo = data.get("photo")
    if photo and hasattr(photo, "read") and not getattr(photo, "_committed", False):
        data["photo"] = photo_clean(photo)  # a new upload: re-encoded, EXIF dropped
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
    if data.get("democratic_party") and data.get("affiliation") != Deputy.Affiliation.DEMOCRATIC_PARTY:
        raise ApplicationError(
            _("A democratic party is given only for a democratic party member: choose that affiliation."),
            field="democratic_party",
        )
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
def deputy_create(
    *, township: Township, by, mandate: MandateStart | None = None, **fields: Unpack[DeputyFields]
) -> Deputy:
    """Add a person to the roster; `mandate` adds their first mandate in the same transaction."""
    authorize(by, township, "deputies.add_deputy")
    if mandate is not None:
        authorize(by, township, "deputies.add_mandate")
    data = _clean_deputy_data(fields)
    _check_unique_id(township, data.get("id_number"))
    deputy = Deputy(township=township, **data)
    _apply_name_keys(deputy)
    history_actor(deputy, by)
    deputy.save()
    if mandate is not None:
        _mandate_create(
            deputy=deputy,
            level=mandate.level,
            start_date=mandate.start_date,
            term=mandate.term,
            term_number=mandate.term_number,
            start_reason=mandate.start_reason,
            by=by,
        )
    return deputy


@transaction.atomic
def deputy_update(*, deputy: Deputy, by, reason: str = "", **fields: Unpack[DeputyFields]) -> Deputy:
    """Change the particulars given (the others stay as they are)."""
    authorize(by, deputy, "deputies.change_deputy")
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    data = _clean_deputy_data({**{f: getattr(deputy, f) for f in DEPUTY_FIELDS}, **fields})
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
    deputy._change_reason = reason  # type: ignore[attr-defined]
    deputy.save(update_fields=changed + ["updated_at"])
    return deputy


def _terms_check(deputy, level, term, term_number):
    if term is not None and term.township_id != deputy.township_id:
        raise ApplicationError(_("The term belongs to another township."), field="term")
    if level == Mandate.Level.TOWNSHIP and term is None:
        raise ApplicationError(_("A township mandate needs the township's term."), field="term")


@transaction.atomic
def mandate_create(
    *,
    deputy: Deputy,
    level: str,
    start_date: dt.date,
    by,
    term: Term | None = None,
    term_number: int | None = None,
    start_reason: str = Mandate.StartReason.ELECTED,
) -> Mandate:
    """Give a deputy a mandate at one level; refuses a second active mandate at that level."""
    authorize(by, deputy, "deputies.add_mandate")
    return _mandate_create(
        deputy=deputy,
        level=level,
        start_date=start_date,
        term=term,
        term_number=term_number,
        start_reason=start_reason,
        by=by,
    )


def _mandate_create(*, deputy, level, start_date, term, term_number, start_reason, by):
    Deputy.objects.select_for_update().get(pk=deputy.pk)
    if level == Mandate.Level.TOWNSHIP:
        _require_congress(deputy.township)
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
def mandate_end(*, mandate: Mandate, end_date: dt.date, end_reason: str, note: str = "", by) -> Mandate:
    """End a mandate (resigned, recalled, …): the deputy drops out of quorums from that date."""
    authorize(by, mandate, "deputies.change_mandate")
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
def group_save(
    *,
    township: Township,
    by,
    term: Term,
    number: int,
    name: str,
    leader: Deputy | None = None,
    deputy_leader: Deputy | None = None,
    activity_room: str = "",
    villages: str = "",
    group: DeputyGroup | None = None,
) -> DeputyGroup:
    """Create (`group` None) or edit a group's particulars (not its members: see group_set_members)."""
    perm = "deputies.change_deputygroup" if group else "deputies.add_deputygroup"
    authorize(by, township, perm)
    if group is not None:
        authorize(by, group, perm)
    if term is None or term.township_id != township.pk:
        raise ApplicationError(_("Choose a term of this township."), field="term")
    _same_township(township.pk, [leader, deputy_leader], "leader")
    if leader and leader == deputy_leader:
        raise ApplicationError(
            _("The leader and deputy leader must be different people."), field="deputy_leader"
        )
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
    group.term, group.number, group.name = term, number, name
    group.leader, group.deputy_leader = leader, deputy_leader
    group.activity_room, group.villages = activity_room or "", villages or ""
    history_actor(group, by)
    group.save()
    return group


@transaction.atomic
def group_set_members(*, group: DeputyGroup, deputies: Iterable[Deputy], by) -> list[str]:
    """Replace the group's members. A deputy is in at most one group per term: moving them here
    takes them out of their old group (reported in the returned warnings, with the size warning)."""
    authorize(by, group, "deputies.change_deputygroup")
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


# --- liaison stations -----------------------------------------------------------------------


@transaction.atomic
def station_save(
    *,
    township: Township,
    by,
    name: str,
    kind: str = LiaisonStation.Kind.STATION,
    address: str = "",
    head: Deputy | None = None,
    deputy_heads: Sequence[Deputy] = (),
    liaison_officer: str = "",
    liaison_phone: str = "",
    villages: str = "",
    reception_day: str = "",
    rules: str = "",
    station: LiaisonStation | None = None,
) -> LiaisonStation:
    """Create (`station` None) or edit a liaison station's particulars (not its residents)."""
    perm = "deputies.change_liaisonstation" if station else "deputies.add_liaisonstation"
    authorize(by, township, perm)
    if station is not None:
        authorize(by, station, perm)
    _same_township(township.pk, [head], "head")
    heads = list(deputy_heads or [])
    _same_township(township.pk, heads, "deputy_heads")
    if len(heads) > 2:
        raise ApplicationError(_("A station has at most two deputy heads."), field="deputy_heads")
    if station is None:
        station = LiaisonStation(township=township)
    else:
        station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    station.name, station.kind, station.head = name or "", kind or LiaisonStation.Kind.STATION, head
    station.address, station.villages = address or "", villages or ""
    station.liaison_officer, station.liaison_phone = liaison_officer or "", liaison_phone or ""
    station.reception_day, station.rules = reception_day or "", rules or ""
    history_actor(station, by)
    station.save()
    station.deputy_heads.set(heads)
    return station


@transaction.atomic
def station_set_residents(*, station: LiaisonStation, deputies: Iterable[Deputy], by) -> list[str]:
    """Replace the station's resident deputies; returns the size warning, if any."""
    authorize(by, station, "deputies.change_liaisonstation")
    station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    deputies = list(deputies)
    _same_township(station.township_id, deputies, "residents")
    station.resident_deputies.set(deputies)
    history_actor(station, by)
    station.save(update_fields=["updated_at"])
    warning = station_size_warning(len(deputies))
    return [warning] if warning else []


# --- presidium (主席团) -----------------------------------------------------------------------


def _require_congress(township):
    """A subdistrict (街道) has no township congress: no presidium, no township deputies."""
    if not township.has_presidium:
        raise ApplicationError(
            _(
                "A subdistrict (街道) has no township people's congress: it has no presidium and no "
                "township deputies; its people's congress working committee does this work."
            )
        )


def _presidium_overlap(term, role, start, end, exclude_pk=None):
    """Memberships of `role` in `term` overlapping [start, end) (end None = open)."""
    qs = PresidiumMembership.objects.filter(term=term, role=role)
    if end is not None:
        qs = qs.filter(start_date__lt=end)
    qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("deputy").first()


@transaction.atomic
def presidium_member_add(
    *,
    township: Township,
    term: Term,
    deputy: Deputy,
    role: str,
    start_date: dt.date,
    by,
    end_date: dt.date | None = None,
) -> PresidiumMembership:
    """Record a presidium member (主席, 副主席 or 委员) from `start_date`. The member must be a
    township deputy serving on that day; there is one 主席 at a time."""
    authorize(by, township, "deputies.add_presidiummembership")
    return _presidium_member_add(
        township=township,
        term=term,
        deputy=deputy,
        role=role,
        start_date=start_date,
        end_date=end_date,
        by=by,
    )


def _presidium_member_add(*, township, term, deputy, role, start_date, end_date, by):
    _require_congress(township)
    Term.objects.select_for_update().get(pk=term.pk)  # serialise changes to one term's presidium
    if term.township_id != township.pk:
        raise ApplicationError(_("Choose a term of this township."), field="term")
    if deputy.township_id != township.pk:
        raise ApplicationError(
            _("%(name)s is on another township's roster.") % {"name": deputy.name}, field="deputy"
        )
    if role not in PresidiumMembership.Role.values:
        raise ApplicationError(_("Choose the role."), field="role")
    if not (term.start_date <= start_date <= term.end_date):
        raise ApplicationError(_("The start date is outside the term."), field="start_date")
    if end_date is not None and end_date <= start_date:
        raise ApplicationError(_("The end date must be after the start date."), field="end_date")
    if deputy.pk in {d.pk for d in deputy_not_serving(township=township, deputies=[deputy], on=start_date)}:
        raise ApplicationError(
            not_serving_message(deputy=deputy, on=start_date, township=township), field="deputy"
        )
    if PresidiumMembership.objects.filter(term=term, deputy=deputy).exists():
        raise ApplicationError(
            _("%(name)s is already recorded in this term's presidium; change or end that membership.")
            % {"name": deputy.name},
            field="deputy",
        )
    if role == PresidiumMembership.Role.CHAIR:
        other = _presidium_overlap(term, role, start_date, end_date)
        if other is not None:
            raise ApplicationError(
                _("%(name)s is the presidium's chair from %(date)s; end that first.")
                % {"name": other.deputy.name, "date": other.start_date.isoformat()},
                field="role",
            )
    m = PresidiumMembership(
        township=township, term=term, deputy=deputy, role=role, start_date=start_date, end_date=end_date
    )
    history_actor(m, by)
    m.save()
    return m


@transaction.atomic
def presidium_member_update(
    *,
    membership: PresidiumMembership,
    role: str,
    start_date: dt.date,
    end_date: dt.date | None,
    by,
    reason: str = "",
) -> PresidiumMembership:
    """Correct a member's role or dates (an end date ends the membership from that day)."""
    authorize(by, membership, "deputies.change_presidiummembership")
    m = PresidiumMembership.objects.select_for_update().select_related("term", "deputy").get(pk=membership.pk)
    term = m.term
    if role not in PresidiumMembership.Role.values:
        raise ApplicationError(_("Choose the role."), field="role")
    if not (term.start_date <= start_date <= term.end_date):
        raise ApplicationError(_("The start date is outside the term."), field="start_date")
    if end_date is not None and end_date <= start_date:
        raise ApplicationError(_("The end date must be after the start date."), field="end_date")
    if role == PresidiumMembership.Role.CHAIR:
        other = _presidium_overlap(term, role, start_date, end_date, exclude_pk=m.pk)
        if other is not None:
            raise ApplicationError(
                _("%(name)s is the presidium's chair from %(date)s; end that first.")
                % {"name": other.deputy.name, "date": other.start_date.isoformat()},
                field="role",
            )
    changed = [
        f
        for f, v in (("role", role), ("start_date", start_date), ("end_date", end_date))
        if getattr(m, f) != v
    ]
    if not changed:
        return m
    m.role, m.start_date, m.end_date = role, start_date, end_date
    history_actor(m, by)
    m._change_reason = (reason or "").strip()[:100]  # type: ignore[attr-defined]
    m.save(update_fields=changed + ["updated_at"])
    return m


# --- 换届: the term change -----------------------------------------------------------------


@transaction.atomic
def term_change(
    *,
    township: Township,
    start_date: dt.date,
    end_date: dt.date,
    reelected: Iterable[Deputy],
    by,
    number: int | None = None,
    election_date: dt.date | None = None,
    presidium: Iterable[tuple[Deputy, str]] = (),
    copy_groups: bool = True,
    starts: dict[int, dt.date] | None = None,
) -> Term:
    """The 换届 in one step: the new term; every township mandate of the old term still open
    ends with the old term (the deputy serves through its last day: the end date recorded is
    the new term's first day, from which they no longer count); `reelected` deputies get a new
    mandate from `election_date` (当选日期, default the new term's first day); the new presidium
    (`presidium`: [(deputy, role)]) and, with `copy_groups`, the old term's groups with their
    re-elected members. `starts` ({deputy id: date}) gives a re-elected deputy's own 当选日期.
    Newly elected people come with the election result's file
    (`importing.term_change_with_election_result`, which calls this in its transaction) or
    afterwards with the roster import. Nothing else of the old term changes."""
    authorize(by, allowed=lambda access: access.can_change_term(township))
    _require_congress(township)
    old = _term_before(township, start_date=start_date, end_date=end_date)
    number = number or ((old.number + 1) if old else 1)
    if Term.objects.filter(township=township, number=number).exists():
        raise ApplicationError(_("Term %(number)s is already recorded.") % {"number": number}, field="number")
    election_date = election_date or start_date
    reelected = list(reelected)
    starts = starts or {}
    _check_election_dates(township, reelected, starts, election_date, start_date, end_date)
    new = Term(township=township, number=number, start_date=start_date, end_date=end_date)
    history_actor(new, by)
    new.save()
    if old is not None:
        _old_mandates_end(township, new, by=by)
    # Each re-elected deputy serves from their own 当选日期, else the election's.
    mandate_starts = {d.pk: starts.get(d.pk, election_date) for d in reelected}
    _reelected_mandates_add(township, new, reelected, mandate_starts, by=by)
    _new_presidium_add(township, new, presidium, mandate_starts, by=by)
    if old is not None and copy_groups:
        _groups_carry_over(township, old, new, set(mandate_starts), by=by)
    return new


def _term_before(township: Township, *, start_date: dt.date, end_date: dt.date) -> Term | None:
    """The term the change ends (locked), once the new term's dates are known to fit after it."""
    old = (
        Term.objects.select_for_update()
        .filter(township=township, start_date__lt=start_date)
        .order_by("-start_date")
        .first()
    )
    if end_date <= start_date:
        raise ApplicationError(_("The end date must be after the start date."), field="end_date")
    later = Term.objects.filter(township=township, end_date__gte=start_date)
    if old is not None:
        later = later.exclude(pk=old.pk)
    if later.exists():
        raise ApplicationError(_("A later term is already recorded."), field="start_date")
    if old is not None and start_date <= old.end_date:
        raise ApplicationError(
            _("The new term starts after the old term's last day (%(date)s).")
            % {"date": old.end_date.isoformat()},
            field="start_date",
        )
    return old


def _check_election_dates(
    township: Township,
    reelected: list[Deputy],
    starts: dict[int, dt.date],
    election_date: dt.date,
    start_date: dt.date,
    end_date: dt.date,
) -> None:
    """The election and every re-elected deputy's own 当选日期 fall within the new term; the
    re-elected are this township's deputies."""
    if not (start_date <= election_date <= end_date):
        raise ApplicationError(
            _("The election date (当选日期) falls within the new term."), field="election_date"
        )
    for deputy in reelected:
        day = starts.get(deputy.pk, election_date)
        if not (start_date <= day <= end_date):
            raise ApplicationError(
                _("%(name)s: the election date %(date)s is outside the new term.")
                % {"name": deputy.name, "date": day.isoformat()},
                field="election_date",
            )
    foreign = [d for d in reelected if d.township_id != township.pk]
    if foreign:
        raise ApplicationError(
            _("%(name)s is on another township's roster.") % {"name": foreign[0].name}, field="reelected"
        )


def _old_mandates_end(township: Township, new: Term, *, by) -> None:
    """The old term's open township mandates end with it (each mandate's history row is written)."""
    open_mandates = list(
        Mandate.objects.select_for_update().filter(
            township=township,
            level=Mandate.Level.TOWNSHIP,
            end_date__isnull=True,
            start_date__lt=new.start_date,
        )
    )
    for m in open_mandates:
        m.end_date, m.end_reason = new.start_date, Mandate.EndReason.TERM_ENDED
        m.end_note = _("term change (换届) to %(term)s") % {"term": new.label}
        history_actor(m, by)
        m.save(update_fields=["end_date", "end_reason", "end_note", "updated_at"])


def _reelected_mandates_add(
    township: Township, new: Term, reelected: list[Deputy], mandate_starts: dict[int, dt.date], *, by
) -> None:
    for deputy in reelected:
        m = Mandate(
            township=township,
            deputy=deputy,
            level=Mandate.Level.TOWNSHIP,
            term=new,
            term_number=new.number,
            start_date=mandate_starts[deputy.pk],
            start_reason=Mandate.StartReason.ELECTED,
        )
        history_actor(m, by)
        m.save()


def _new_presidium_add(
    township: Township,
    new: Term,
    presidium: Iterable[tuple[Deputy, str]],
    mandate_starts: dict[int, dt.date],
    *,
    by,
) -> None:
    """The new presidium, of re-elected deputies only, each a member from their 当选日期."""
    for deputy, role in presidium:
        if deputy.pk not in mandate_starts:
            raise ApplicationError(
                _("%(name)s was not elected in the new term and cannot be in its presidium.")
                % {"name": deputy.name},
                field="presidium",
            )
        _presidium_member_add(
            township=township,
            term=new,
            deputy=deputy,
            role=role,
            start_date=mandate_starts[deputy.pk],
            end_date=None,
            by=by,
        )


def _groups_carry_over(township: Township, old: Term, new: Term, reelected_ids: set[int], *, by) -> None:
    """The old groups as a starting point: same number, name and room; re-elected members only."""
    for g in DeputyGroup.objects.filter(term=old).order_by("number"):
        members = [
            pk
            for pk in GroupMembership.objects.filter(group=g).values_list("deputy_id", flat=True)
            if pk in reelected_ids
        ]
        ng = DeputyGroup(
            township=township,
            term=new,
            number=g.number,
            name=g.name,
            activity_room=g.activity_room,
            villages=g.villages,
            leader_id=g.leader_id if g.leader_id in reelected_ids else None,
            deputy_leader_id=g.deputy_leader_id if g.deputy_leader_id in reelected_ids else None,
        )
        history_actor(ng, by)
        ng.save()
        GroupMembership.objects.bulk_create(
            [GroupMembership(township=township, group=ng, deputy_id=pk, term=new) for pk in members]
        )


@transaction.atomic
def contact_assignments_set(
    *, township: Township, term: Term, member: PresidiumMembership, deputies: Iterable[Deputy], by
) -> None:
    """两联一述: the deputies presidium member `member` (a PresidiumMembership of `term`) keeps in
    contact with. Each must be a township deputy who serves at some time in the term, and not the
    member. Replaces the member's list; each added or removed assignment is in the history."""
    authorize(by, township, "deputies.change_contactassignment")
    _require_congress(township)
    if member.term_id != term.pk or term.township_id != township.pk:
        raise ApplicationError(_("Choose a presidium member of this term."))
    deputies = list(deputies)
    _same_township(township.pk, deputies, "deputies")
    serving = set(
        Deputy.objects.filter(pk__in=[d.pk for d in deputies])
        .filter(deputy_serving_during_q(start=term.start_date, end=term.end_date))
        .values_list("pk", flat=True)
    )
    for d in deputies:
        if d.pk == member.deputy_id:
            raise ApplicationError(
                _("A presidium member does not keep contact with themselves: remove %(name)s.")
                % {"name": d.name},
                field="deputies",
            )
        if d.pk not in serving:
            raise ApplicationError(
                _("%(name)s is not a deputy of this township in this term.") % {"name": d.name},
                field="deputies",
            )
    wanted = {d.pk for d in deputies}
    current = ContactAssignment.objects.filter(term=term, member_id=member.deputy_id)
    for row in current.exclude(deputy_id__in=wanted):
        history_actor(row, by)
        row.delete()
    have = set(current.values_list("deputy_id", flat=True))
    for pk in sorted(wanted - have):
        row = ContactAssignment(township=township, term=term, member_id=member.deputy_id, deputy_id=pk)
        history_actor(row, by)
        row.save()
