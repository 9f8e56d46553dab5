"""Writes for motions and suggestions. Every workflow step is one service that asks the access
policy (authorize), locks the row, checks the state and the actor (proposals.workflow), changes
it, and records a ProposalEvent. A township's setup and the daily deadline reminders run with no
user (SYSTEM_SERVICES)."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from deputies.selectors import deputy_not_serving, not_serving_message
from renda.core.access import access_for, authorize
from renda.core.exceptions import ApplicationError
from renda.core.models import Township, User
from renda.core.selectors import term_on
from renda.core.uploads import upload_check

from .models import (
    DEFAULT_CATEGORIES,
    HandlingUnit,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ProposalEvaluation,
    ProposalEvent,
    ProposalReply,
    ProposalSettings,
)
from .summaries import refresh_for_proposal
from .workflow import (
    TRANSITIONS,
    UNDOABLE,
    UNIT,
    S,
    actor_roles,
    deadline_compute,
    number_label,
    number_scope_for,
    proposal_last_step,
)

if TYPE_CHECKING:
    from meetings.models import Activity, Session

SYSTEM_SERVICES = frozenset({"township_setup", "proposal_categories_ensure", "proposals_remind_deadlines"})

# ---------------------------------------------------------------- settings, categories, units


def _settings_row(*, township) -> ProposalSettings:
    """The township's settings row, created on the first write (it is also numbering's lock)."""
    obj, _created = ProposalSettings.objects.get_or_create(township=township)
    return obj


def township_setup(*, township: Township) -> None:
    """What a new township needs before its first proposal: the settings row and the default
    categories (registered as the `township_created` hook)."""
    _settings_row(township=township)
    proposal_categories_ensure(township=township)


def proposal_categories_ensure(*, township: Township) -> QuerySet[ProposalCategory]:
    """Give a township the default category list the first time it needs one."""
    if not ProposalCategory.objects.filter(township=township).exists():
        ProposalCategory.objects.bulk_create(
            [
                ProposalCategory(township=township, name=name, display_order=i + 1)
                for i, name in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
    return ProposalCategory.objects.filter(township=township)


@transaction.atomic
def proposal_settings_update(
    *, township: Township, deadline_amount: int, deadline_unit: str, categories: Iterable[str], by
) -> ProposalSettings:
    """Save the deadline rule and the category list (one name a line; removed names that are in
    use are kept but marked not in use)."""
    authorize(by, township, "proposals.change_proposalsettings")
    if not deadline_amount or deadline_amount < 1:
        raise ApplicationError(_("The deadline must be at least 1."), field="deadline_amount")
    if deadline_unit not in ProposalSettings.DeadlineUnit.values:
        raise ApplicationError(_("Choose how the deadline is counted."), field="deadline_unit")
    names = []
    for raw in categories:
        name = raw.strip()
        if name and name not in names:
            if len(name) > 50:
                raise ApplicationError(
                    _("A category name may have at most 50 characters: %(name)s") % {"name": name},
                    field="categories",
                )
            names.append(name)
    if not names:
        raise ApplicationError(_("Keep at least one category."), field="categories")
    settings_obj = _settings_row(township=township)
    settings_obj = ProposalSettings.objects.select_for_update().get(pk=settings_obj.pk)
    settings_obj.deadline_amount = deadline_amount
    settings_obj.deadline_unit = deadline_unit
    settings_obj.save(update_fields=["deadline_amount", "deadline_unit", "updated_at"])
    existing = {c.name: c for c in ProposalCategory.objects.filter(township=township)}
    for order, name in enumerate(names, start=1):
        cat = existing.pop(name, None)
        if cat is None:
            ProposalCategory.objects.create(township=township, name=name, display_order=order)
        elif cat.display_order != order or not cat.is_active:
            cat.display_order = order
            cat.is_active = True
            cat.save(update_fields=["display_order", "is_active", "updated_at"])
    for cat in existing.values():
        if cat.proposals.exists():
            if cat.is_active:
                cat.is_active = False
                cat.save(update_fields=["is_active", "updated_at"])
        else:
            cat.delete()
    return settings_obj


def handling_unit_save(
    *,
    township: Township,
    by,
    unit: HandlingUnit | None = None,
    name: str,
    contact_person: str = "",
    phone: str = "",
    is_active: bool = True,
    users: Iterable[User] = (),
) -> HandlingUnit:
    """Create or update a handling unit; its users must be handling-unit accounts of the township."""
    authorize(by, township, "proposals.change_handlingunit")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Enter the unit's name."), field="name")
    clash = HandlingUnit.objects.filter(township=township, name=name)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ApplicationError(_("This township already has a unit with this name."), field="name")
    for u in users:
        if u.township_id != township.pk or not access_for(u).is_handling_unit:
            raise ApplicationError(
                _("%(user)s is not a handling-unit account of this township.") % {"user": u}, field="users"
            )
    with transaction.atomic():
        if unit is None:
            unit = HandlingUnit(township=township)
        elif unit.township_id != township.pk:
            raise ApplicationError(_("This unit belongs to another township."))
        unit.name = name
        unit.contact_person = contact_person
        unit.phone = phone
        unit.is_active = is_active
        unit.save()
        unit.users.set(users)
    return unit


# ---------------------------------------------------------------- deadlines and numbering


def _next_serial(*, township, scope):
    # The township's settings row is the lock that serialises numbering.
    settings_obj = _settings_row(township=township)
    ProposalSettings.objects.select_for_update().filter(pk=settings_obj.pk).first()
    top = Proposal.objects.filter(township=township, number_scope=scope).aggregate(m=Max("serial"))["m"]
    return (top or 0) + 1


# ---------------------------------------------------------------- actors


def _may(proposal, action):
    """The policy question of a workflow step: the user has a role the step allows (the
    township's staff, its lead unit, its lead deputy), or is a handling unit of the proposal's
    township (told below, with the row locked, that it is not their unit's to answer)."""
    who = TRANSITIONS[action][1]

    def allowed(access):
        if actor_roles(proposal=proposal, user=access.user) & who:
            return True
        return UNIT in who and access.is_handling_unit and access.township_id == proposal.township_id

    return allowed


def _lock_and_check(proposal, action, by):
    """Lock the row, re-read it, and refuse a wrong state or a wrong actor."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    states, who = TRANSITIONS[action]
    if not actor_roles(proposal=locked, user=by) & who:
        if UNIT in who and access_for(by).is_handling_unit:
            raise ApplicationError(_("This proposal is not assigned to your unit."))
        raise ApplicationError(_("You may not do this on this proposal."))
    if locked.state not in states:
        raise ApplicationError(
            _(
                "This cannot be done now: the proposal is “%(state)s”. Reload the page to see its current state."
            )
            % {"state": locked.get_state_display()}
        )
    return locked


def _event(proposal, *, action, from_state, by, note="", to_state=None, effective_on=None):
    """Record a step. `effective_on` is its business date (the reply's date …; today when the
    step carries no date of its own): figures as of a cutoff read the state from it. Every step
    is the last write of its service: the township's stored figures are refreshed with it."""
    event = ProposalEvent.objects.create(
        township_id=proposal.township_id,
        proposal=proposal,
        action=action,
        from_state=from_state,
        to_state=to_state or proposal.state,
        by=by,
        effective_on=effective_on or timezone.localdate(),
        note=note or "",
    )
    refresh_for_proposal(proposal)
    return event


# ---------------------------------------------------------------- submission


def _validate_signers(*, township, kind, lead_deputy, co_signers, by_presidium, on, unchanged=()):
    """Signers are deputies of this township's congress serving on `on` (the day it was
    submitted); a refusal names the person and the date. Signers in `unchanged` (already on a
    recorded proposal) are not checked again, so old records stay editable."""
    signers = [d for d in [lead_deputy, *co_signers] if d is not None]
    if any(d.township_id != township.pk for d in signers):
        raise ApplicationError(_("Signers must be deputies of this township."), field="co_signers")
    unchanged = set(unchanged)
    for deputy in deputy_not_serving(
        township=township, deputies=[d for d in signers if d.pk not in unchanged], on=on
    ):
        field = "lead_deputy" if lead_deputy is not None and deputy.pk == lead_deputy.pk else "co_signers"
        raise ApplicationError(not_serving_message(deputy=deputy, on=on, township=township), field=field)
    if kind == Proposal.Kind.MOTION:
        distinct = {d.pk for d in signers}
        if not by_presidium and len(distinct) < Proposal.MIN_MOTION_SIGNERS:
            raise ApplicationError(
                _(
                    "A motion needs at least %(min)s deputies as signers (it has %(n)s), "
                    "or the presidium as proposer."
                )
                % {"min": Proposal.MIN_MOTION_SIGNERS, "n": len(distinct)},
                field="co_signers",
            )
    elif lead_deputy is None:
        raise ApplicationError(_("Choose the lead deputy."), field="lead_deputy")


@transaction.atomic
def proposal_submit(
    *,
    township: Township,
    by,
    kind: str,
    title: str,
    content: str,
    lead_deputy: Deputy | None = None,
    co_signers: Iterable[Deputy] = (),
    by_presidium: bool = False,
    submitted_on: dt.date | None = None,
    during_session: bool = False,
    session_number: int | None = None,
    category: ProposalCategory | None = None,
    origin: str = Proposal.Origin.DEPUTY,
    is_key: bool = False,
    supervising_leader: str = "",
    attachments: Iterable[UploadedFile] = (),
    note: str = "",
    session: "Session | None" = None,
    source_activity: "Activity | None" = None,
) -> Proposal:
    """Record a received motion or suggestion (state 提交), numbered in its session or recess.

    `session` (meetings.Session) sets "during a session" and its number; `source_activity`
    (meetings.Activity, e.g. a voter reception) records where a suggestion was adopted from."""
    authorize(by, township, "proposals.add_proposal")
    if session is not None:
        if session.township_id != township.pk:
            raise ApplicationError(_("Choose a session of this township."), field="session_number")
        during_session, session_number = True, session.number
    # The unsaved row carries what was received through the checks and the numbering.
    proposal = Proposal(
        township=township,
        kind=kind,
        title=(title or "").strip(),
        content=(content or "").strip(),
        category=category,
        lead_deputy=lead_deputy,
        by_presidium=by_presidium,
        during_session=during_session,
        session_number=session_number if during_session else None,
        session=session,
        source_activity=source_activity,
        submitted_on=submitted_on or timezone.localdate(),
        origin=origin,
        is_key=is_key,
        supervising_leader=(supervising_leader or "").strip() if is_key else "",
    )
    co_signers = [d for d in co_signers if lead_deputy is None or d.pk != lead_deputy.pk]
    _submission_check(proposal, co_signers=co_signers)
    _number_and_save(proposal)
    if co_signers:
        proposal.co_signers.set(co_signers)
    _attachments_add(proposal, attachments, by=by)
    _event(proposal, action="submit", from_state="", by=by, note=note, effective_on=proposal.submitted_on)
    return proposal


def _submission_check(proposal: Proposal, *, co_signers: list[Deputy]) -> None:
    """The rules a received (unsaved) proposal must meet, in the order of the form's fields."""
    township = proposal.township
    if proposal.source_activity is not None and proposal.source_activity.township_id != township.pk:
        raise ApplicationError(_("Choose an activity of this township."))
    if not proposal.title:
        raise ApplicationError(_("Enter the title."), field="title")
    if not proposal.content:
        raise ApplicationError(_("Enter the content."), field="content")
    if proposal.kind not in Proposal.Kind.values:
        raise ApplicationError(_("Choose the kind."), field="kind")
    _validate_signers(
        township=township,
        kind=proposal.kind,
        lead_deputy=proposal.lead_deputy,
        co_signers=co_signers,
        by_presidium=proposal.by_presidium,
        on=proposal.submitted_on,
    )
    if proposal.category is not None and proposal.category.township_id != township.pk:
        raise ApplicationError(_("Choose one of this township's categories."), field="category")
    if proposal.is_key and not proposal.supervising_leader:
        raise ApplicationError(
            _("A key suggestion needs its supervising leader."), field="supervising_leader"
        )
    if proposal.during_session and not proposal.session_number:
        raise ApplicationError(_("Enter which session it was submitted at."), field="session_number")
    if proposal.kind == Proposal.Kind.MOTION and not proposal.during_session:
        raise ApplicationError(_("A motion can only be submitted during a session."), field="during_session")


def _number_and_save(proposal: Proposal) -> None:
    """Give the proposal the next number of its session (or of the year's recess) in the term
    covering its date, and save it."""
    term = term_on(township=proposal.township, on=proposal.submitted_on)
    if term is None:
        raise ApplicationError(_("No congress term covers this date."), field="submitted_on")
    numbering = {
        "term": term,
        "during_session": proposal.during_session,
        "session_number": proposal.session_number,
        "year": proposal.submitted_on.year,
    }
    proposal.term, proposal.year = term, proposal.submitted_on.year
    proposal.number_scope = number_scope_for(**numbering)
    proposal.serial = _next_serial(township=proposal.township, scope=proposal.number_scope)
    proposal.number = number_label(kind=proposal.kind, serial=proposal.serial, **numbering)
    proposal.save(force_insert=True)


def _attachments_add(proposal: Proposal, attachments: Iterable[UploadedFile], *, by) -> None:
    for f in attachments:
        upload_check(f, field="attachments")
        ProposalAttachment.objects.create(
            township_id=proposal.township_id,
            proposal=proposal,
            file=f,
            name=(f.name or "")[:200],
            uploaded_by=by,
        )


class ProposalDetails(TypedDict, total=False):
    """The details of a recorded proposal that can be corrected (proposal_update's arguments)."""

    title: str
    content: str
    category: ProposalCategory | None
    lead_deputy: Deputy | None
    by_presidium: bool
    origin: str
    is_key: bool
    supervising_leader: str
    co_signers: Iterable[Deputy]


@transaction.atomic
def proposal_update(*, proposal: Proposal, by, **details: Unpack[ProposalDetails]) -> Proposal:
    """Correct the details given of a proposal before it is assigned."""
    authorize(by, proposal, "proposals.change_proposal")
    unknown = set(details) - set(ProposalDetails.__annotations__)
    if unknown:
        raise TypeError(f"not a proposal detail: {', '.join(sorted(unknown))}")
    fields: dict = dict(details)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state not in (S.SUBMITTED, S.REGISTERED):
        raise ApplicationError(_("Only a proposal not yet assigned can be edited."))
    co_signers = fields.pop("co_signers", None)
    title = (fields.get("title", proposal.title) or "").strip()
    content = (fields.get("content", proposal.content) or "").strip()
    if not title:
        raise ApplicationError(_("Enter the title."), field="title")
    if not content:
        raise ApplicationError(_("Enter the content."), field="content")
    fields["title"], fields["content"] = title, content
    lead = fields.get("lead_deputy", proposal.lead_deputy)
    signers = list(proposal.co_signers.all()) if co_signers is None else list(co_signers)
    signers = [d for d in signers if lead is None or d.pk != lead.pk]
    _validate_signers(
        township=proposal.township,
        kind=proposal.kind,
        lead_deputy=lead,
        co_signers=signers,
        by_presidium=fields.get("by_presidium", proposal.by_presidium),
        on=proposal.submitted_on,
        unchanged={proposal.lead_deputy_id, *proposal.co_signers.values_list("pk", flat=True)},
    )
    if fields.get("is_key", proposal.is_key) and not fields.get(
        "supervising_leader", proposal.supervising_leader
    ):
        raise ApplicationError(
            _("A key suggestion needs its supervising leader."), field="supervising_leader"
        )
    allowed = {
        "title",
        "content",
        "category",
        "lead_deputy",
        "by_presidium",
        "origin",
        "is_key",
        "supervising_leader",
    }
    for key, value in fields.items():
        if key in allowed:
            setattr(proposal, key, value)
    proposal._change_reason = _("details corrected")  # type: ignore[attr-defined]
    proposal.save()
    proposal.co_signers.set(signers)
    refresh_for_proposal(proposal)  # its category counts
    return proposal


# ---------------------------------------------------------------- workflow steps


@transaction.atomic
def proposal_motion_decide(*, proposal: Proposal, on_agenda: bool, by, note: str = "") -> Proposal:
    """Record the presidium's decision on a motion. Not on the agenda: it becomes a suggestion
    (keeping its number and history) and waits to be registered as one."""
    authorize(by, allowed=_may(proposal, "decide"))
    proposal = _lock_and_check(proposal, "decide", by)
    if proposal.kind != Proposal.Kind.MOTION or proposal.agenda_decision:
        raise ApplicationError(_("Only an undecided motion goes to the presidium."))
    old = proposal.state
    if on_agenda:
        proposal.agenda_decision = Proposal.AgendaDecision.ON_AGENDA
        proposal.save(update_fields=["agenda_decision", "updated_at"])
        _event(proposal, action="decide_on_agenda", from_state=old, by=by, note=note)
    else:
        proposal.agenda_decision = Proposal.AgendaDecision.NOT_ON_AGENDA
        proposal.kind = Proposal.Kind.SUGGESTION
        proposal.converted_from_motion = True
        proposal.save(update_fields=["agenda_decision", "kind", "converted_from_motion", "updated_at"])
        _event(proposal, action="decide_not_on_agenda", from_state=old, by=by, note=note)
    return proposal


@transaction.atomic
def proposal_register(
    *, proposal: Proposal, by, registered_on: dt.date | None = None, note: str = ""
) -> Proposal:
    authorize(by, allowed=_may(proposal, "register"))
    proposal = _lock_and_check(proposal, "register", by)
    if proposal.kind == Proposal.Kind.MOTION and not proposal.agenda_decision:
        raise ApplicationError(_("The presidium must first decide whether this motion goes on the agenda."))
    old = proposal.state
    proposal.state = S.REGISTERED
    proposal.registered_on = registered_on or timezone.localdate()
    proposal.save(update_fields=["state", "registered_on", "updated_at"])
    _event(proposal, action="register", from_state=old, by=by, note=note, effective_on=proposal.registered_on)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by, reason: str) -> Proposal:
    authorize(by, allowed=_may(proposal, "reject"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason it is not accepted."), field="reason")
    proposal = _lock_and_check(proposal, "reject", by)
    old = proposal.state
    proposal.state = S.NOT_ACCEPTED
    proposal.not_accepted_reason = reason
    proposal.save(update_fields=["state", "not_accepted_reason", "updated_at"])
    _event(proposal, action="reject", from_state=old, by=by, note=reason)
    return proposal


def _check_units(proposal, lead_unit, assisting_units):
    if lead_unit is None:
        raise ApplicationError(_("Choose the lead unit."), field="lead_unit")
    for unit in [lead_unit, *assisting_units]:
        if unit.township_id != proposal.township_id:
            raise ApplicationError(_("Choose units of this township."), field="lead_unit")
        if not unit.is_active:
            raise ApplicationError(_("%(unit)s is no longer in use.") % {"unit": unit}, field="lead_unit")
    return [u for u in assisting_units if u.pk != lead_unit.pk]


def _check_deadline(assigned_on, deadline):
    if deadline < assigned_on:
        raise ApplicationError(_("The deadline cannot be before the assignment date."), field="deadline")


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    by,
    lead_unit: HandlingUnit | None,
    assisting_units: Iterable[HandlingUnit] = (),
    responsible_leader: str = "",
    assigned_on: dt.date | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> Proposal:
    """交办: lead unit (and assisting units), responsible leader and deadline (the township's
    default rule when not given)."""
    authorize(by, allowed=_may(proposal, "assign"))
    proposal = _lock_and_check(proposal, "assign", by)
    assisting = _check_units(proposal, lead_unit, list(assisting_units))
    assigned_on = assigned_on or timezone.localdate()
    deadline = deadline or deadline_compute(township=proposal.township, start=assigned_on)
    _check_deadline(assigned_on, deadline)
    old = proposal.state
    proposal.state = S.ASSIGNED
    proposal.lead_unit = lead_unit
    proposal.responsible_leader = (responsible_leader or "").strip()
    proposal.assigned_on = assigned_on
    proposal.deadline = deadline
    proposal.save(
        update_fields=["state", "lead_unit", "responsible_leader", "assigned_on", "deadline", "updated_at"]
    )
    proposal.assisting_units.set(assisting)
    _event(
        proposal,
        action="assign",
        from_state=old,
        by=by,
        effective_on=assigned_on,
        note=note
        or _("Lead unit %(unit)s, deadline %(deadline)s")
        % {"unit": lead_unit.name, "deadline": deadline.isoformat()},  # type: ignore[union-attr]
    )
    return proposal


@transaction.atomic
def proposal_start(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """The unit has taken it up (督办 from here on)."""
    authorize(by, allowed=_may(proposal, "start"))
    proposal = _lock_and_check(proposal, "start", by)
    old = proposal.state
    proposal.state = S.IN_PROGRESS
    proposal.save(update_fields=["state", "updated_at"])
    _event(proposal, action="start", from_state=old, by=by, note=note)
    return proposal


@transaction.atomic
def proposal_reply(
    *,
    proposal: Proposal,
    by,
    text: str,
    outcome: str,
    met_in_person: bool = False,
    replied_on: dt.date | None = None,
    file: UploadedFile | None = None,
) -> Proposal:
    """答复: the written reply (and the letter) of the lead unit for the current round."""
    authorize(by, allowed=_may(proposal, "reply"))
    if file:
        upload_check(file, field="file")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Enter the reply text."), field="text")
    if outcome not in Proposal.Outcome.values:
        raise ApplicationError(_("Choose the outcome class A, B or C."), field="outcome")
    proposal = _lock_and_check(proposal, "reply", by)
    replied_on = replied_on or timezone.localdate()
    if proposal.assigned_on and replied_on < proposal.assigned_on:
        raise ApplicationError(_("The reply date cannot be before the assignment date."), field="replied_on")
    if replied_on > timezone.localdate():
        raise ApplicationError(_("The reply date cannot be in the future."), field="replied_on")
    on_time = proposal.deadline is None or replied_on <= proposal.deadline
    ProposalReply.objects.create(
        township_id=proposal.township_id,
        proposal=proposal,
        round=proposal.round,
        unit=proposal.lead_unit,
        text=text,
        file=file or "",
        outcome=outcome,
        met_in_person=met_in_person,
        replied_on=replied_on,
        deadline=proposal.deadline,
        on_time=on_time,
        by=by,
    )
    old = proposal.state
    proposal.state = S.REPLIED
    proposal.replied_on = replied_on
    proposal.replied_on_time = on_time
    proposal.met_in_person = met_in_person
    proposal.outcome = outcome
    proposal.save(
        update_fields=["state", "replied_on", "replied_on_time", "met_in_person", "outcome", "updated_at"]
    )
    _event(
        proposal,
        action="reply",
        from_state=old,
        by=by,
        note=_("Outcome %(o)s") % {"o": outcome},
        effective_on=replied_on,
    )
    return proposal


@transaction.atomic
def proposal_evaluate(
    *,
    proposal: Proposal,
    by,
    rating: str,
    comment: str = "",
    evaluated_on: dt.date | None = None,
    new_deadline: dt.date | None = None,
) -> Proposal:
    """The lead deputy's evaluation, recorded by township staff or by the lead deputy through
    their own account (the same rules either way). 不满意 in the first round sends it
    back to the lead unit for a second handling with a new deadline; in the second round the
    rating is recorded and the proposal can be closed whatever it is."""
    authorize(by, allowed=_may(proposal, "evaluate"))
    if rating not in Proposal.Rating.values:
        raise ApplicationError(_("Choose the deputy's rating."), field="rating")
    proposal = _lock_and_check(proposal, "evaluate", by)
    if access_for(by).is_deputy:
        # A deputy evaluates today; the new deadline of a second handling is the township's rule.
        evaluated_on, new_deadline = None, None
    evaluated_on = evaluated_on or timezone.localdate()
    if proposal.replied_on and evaluated_on < proposal.replied_on:
        raise ApplicationError(_("The evaluation cannot be before the reply."), field="evaluated_on")
    ProposalEvaluation.objects.create(
        township_id=proposal.township_id,
        proposal=proposal,
        round=proposal.round,
        rating=rating,
        comment=(comment or "").strip(),
        evaluated_on=evaluated_on,
        by=by,
    )
    old = proposal.state
    proposal.rating = rating
    proposal.evaluated_on = evaluated_on
    if rating == Proposal.Rating.DISSATISFIED and proposal.round < Proposal.MAX_ROUNDS:
        return _second_handling(
            proposal,
            from_state=old,
            by=by,
            evaluated_on=evaluated_on,
            new_deadline=new_deadline,
            comment=comment,
        )
    proposal.state = S.EVALUATED
    proposal.save(update_fields=["state", "rating", "evaluated_on", "updated_at"])
    _event(
        proposal,
        action="evaluate",
        from_state=old,
        by=by,
        note=f"{Proposal.Rating(rating).label} {comment}",
        effective_on=evaluated_on,
    )
    return proposal


def _second_handling(
    proposal: Proposal,
    *,
    from_state: str,
    by,
    evaluated_on: dt.date,
    new_deadline: dt.date | None,
    comment: str,
) -> Proposal:
    """A first-round 不满意 (already on `proposal`, not saved yet): back to the lead unit for a second
    handling, with the given deadline or the township's rule from the evaluation day."""
    deadline = new_deadline or deadline_compute(township=proposal.township, start=evaluated_on)
    _check_deadline(evaluated_on, deadline)
    proposal.round += 1
    proposal.state = S.ASSIGNED
    proposal.assigned_on = evaluated_on
    proposal.deadline = deadline
    proposal.save(
        update_fields=["state", "rating", "evaluated_on", "updated_at", "round", "assigned_on", "deadline"]
    )
    _event(
        proposal,
        action="rehandle",
        from_state=from_state,
        by=by,
        effective_on=evaluated_on,
        note=_("Dissatisfied: second handling, new deadline %(d)s. %(c)s")
        % {"d": deadline.isoformat(), "c": comment},
    )
    return proposal


@transaction.atomic
def proposal_close(*, proposal: Proposal, by, closed_on: dt.date | None = None, note: str = "") -> Proposal:
    authorize(by, allowed=_may(proposal, "close"))
    proposal = _lock_and_check(proposal, "close", by)
    old = proposal.state
    proposal.state = S.CLOSED
    proposal.closed_on = closed_on or timezone.localdate()
    proposal.save(update_fields=["state", "closed_on", "updated_at"])
    _event(proposal, action="close", from_state=old, by=by, note=note, effective_on=proposal.closed_on)
    return proposal


# ---------------------------------------------------------------- reminders


def proposals_remind_deadlines(*, today: dt.date | None = None) -> int:
    """Daily: one reminder per proposal and round when its deadline is near and when it is
    passed. Idempotent (reminder keys). Returns how many proposals were looked at."""
    from django.urls import reverse

    from renda.core.services import reminder_upsert

    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=7)
    rows = (
        Proposal.objects.filter(state__in=Proposal.OPEN_HANDLING_STATES, deadline__lte=soon)
        .select_related("township", "lead_unit")
        .only("pk", "number", "title", "deadline", "round", "township", "lead_unit__name")
        .order_by("pk")
    )
    count = 0
    for p in rows.iterator(chunk_size=2000):
        overdue = p.deadline < today
        key = f"proposal-{p.pk}-r{p.round}-{'overdue' if overdue else 'due'}"
        if overdue:
            text = _("Overdue: %(number)s “%(title)s” (%(unit)s) was due on %(date)s") % {
                "number": p.number,
                "title": p.title,
                "unit": p.lead_unit.name if p.lead_unit else "",
                "date": p.deadline.isoformat(),
            }
        else:
            text = _("Due soon: %(number)s “%(title)s” (%(unit)s) is due on %(date)s") % {
                "number": p.number,
                "title": p.title,
                "unit": p.lead_unit.name if p.lead_unit else "",
                "date": p.deadline.isoformat(),
            }
        reminder_upsert(
            township=p.township,
            key=key,
            text=text,
            url=reverse("proposals:detail", args=[p.pk]),
            due_date=p.deadline,
        )
        count += 1
    return count


# ---------------------------------------------------------------- publication


@transaction.atomic
def proposal_publication_set(*, proposal: Proposal, publish: bool, by, note: str = "") -> Proposal:
    """Mark a proposal for publication on the public page (议案建议进行时) or not. Township staff
    only; the change is a workflow step with who, when and why."""
    authorize(by, proposal, "proposals.change_proposal")
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    hidden = not publish
    if locked.not_for_publication == hidden:
        return locked
    locked.not_for_publication = hidden
    locked.save(update_fields=["not_for_publication", "updated_at"])
    _event(
        locked,
        action="unpublish" if hidden else "publish",
        from_state=locked.state,
        by=by,
        note=note or (_("Not for publication") if hidden else _("Shown on the public page")),
    )
    return locked


# ---------------------------------------------------------------- undo


@transaction.atomic
def proposal_undo_last_step(*, proposal: Proposal, by, reason: str) -> Proposal:
    """The chair takes back the proposal's last workflow step (a step recorded by mistake): the
    proposal returns to the state before it, what the step wrote is taken back (the reply or
    evaluation row of that step is removed, dates cleared), the step is marked undone and an
    "undo" step records who, when and why. Figures as of a cutoff no longer count the step."""
    authorize(by, allowed=lambda access: access.can_sign_off(proposal, "proposals.change_proposal"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for undoing the step."), field="reason")
    p = Proposal.objects.select_for_update().get(pk=proposal.pk)
    step = proposal_last_step(proposal=p)
    if step is None or step.action not in UNDOABLE:
        raise ApplicationError(_("There is no workflow step to undo."))
    fields = {"state", "updated_at"} | _take_back(p, step)
    old = p.state
    p.state = step.from_state or S.SUBMITTED
    p.save(update_fields=sorted(fields))
    step.undone_at = timezone.now()
    step.save(update_fields=["undone_at", "updated_at"])
    _event(
        p,
        action="undo",
        from_state=old,
        to_state=p.state,
        by=by,
        note=_("Undone: %(step)s. Reason: %(reason)s") % {"step": step.action, "reason": reason},
    )
    return p


def _take_back(p: Proposal, step: ProposalEvent) -> set[str]:
    """Take back on `p` what the workflow step wrote (not its state); returns the changed fields."""
    if step.action.startswith("decide_"):
        p.agenda_decision = Proposal.AgendaDecision.PENDING
        if step.action != "decide_not_on_agenda":
            return {"agenda_decision"}
        p.kind, p.converted_from_motion = Proposal.Kind.MOTION, False
        return {"agenda_decision", "kind", "converted_from_motion"}
    if step.action == "register":
        p.registered_on = None
        return {"registered_on"}
    if step.action == "reject":
        p.not_accepted_reason = ""
        return {"not_accepted_reason"}
    if step.action == "assign":
        p.lead_unit, p.responsible_leader, p.assigned_on, p.deadline = None, "", None, None
        p.assisting_units.clear()
        return {"lead_unit", "responsible_leader", "assigned_on", "deadline"}
    if step.action == "reply":
        return _take_back_reply(p)
    if step.action in ("evaluate", "rehandle"):
        return _take_back_evaluation(p, rehandle=step.action == "rehandle")
    if step.action == "close":
        p.closed_on = None
        return {"closed_on"}
    return set()


def _take_back_reply(p: Proposal) -> set[str]:
    """Remove this round's reply; the proposal shows the earlier round's reply, if any."""
    ProposalReply.objects.filter(proposal=p, round=p.round).delete()
    earlier = ProposalReply.objects.filter(proposal=p).order_by("-round").first()
    p.replied_on = earlier.replied_on if earlier else None
    p.replied_on_time = earlier.on_time if earlier else None
    p.met_in_person = earlier.met_in_person if earlier else False
    p.outcome = earlier.outcome if earlier else ""
    return {"replied_on", "replied_on_time", "met_in_person", "outcome"}


def _take_back_evaluation(p: Proposal, *, rehandle: bool) -> set[str]:
    """Remove the evaluation of the step's round; after a 不满意 that sent the proposal to a
    second handling (`rehandle`), also go back to the first round."""
    evaluated_round = p.round - 1 if rehandle else p.round
    ProposalEvaluation.objects.filter(proposal=p, round=evaluated_round).delete()
    earlier = ProposalEvaluation.objects.filter(proposal=p).order_by("-round").first()
    p.rating = earlier.rating if earlier else ""
    p.evaluated_on = earlier.evaluated_on if earlier else None
    if not rehandle:
        return {"rating", "evaluated_on"}
    # back to the first round: its deadline was kept on its reply, its assignment date on its
    # (not undone) assignment step
    first_reply = ProposalReply.objects.filter(proposal=p, round=evaluated_round).first()
    assign = (
        ProposalEvent.objects.filter(proposal=p, action="assign", undone_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    p.round = evaluated_round
    p.deadline = first_reply.deadline if first_reply else p.deadline
    p.assigned_on = assign.effective_on if assign and assign.effective_on else p.assigned_on
    return {"rating", "evaluated_on", "round", "deadline", "assigned_on"}
