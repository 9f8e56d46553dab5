"""The proposal workflow's rules, read without writing: who may take which step in which state
(TRANSITIONS, actor_roles, proposal_actions: the buttons), the last step that can be undone,
the township's deadline rule and the numbering labels. The services enforce them; the pages and
the portal show them."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from renda.core.access import access_for
from renda.core.workdays import add_workdays, next_workday

from .models import HandlingUnit, Proposal, ProposalEvent, ProposalSettings

S = Proposal.State
STAFF = "staff"  # township secretary / chair of the proposal's township
UNIT = "unit"  # a user of the proposal's lead handling unit
DEPUTY = "deputy"  # the lead deputy's own account (portal app), while it has not ended

# action -> (states it starts from, who may do it)
TRANSITIONS = {
    "decide": ([S.SUBMITTED], {STAFF}),
    "register": ([S.SUBMITTED], {STAFF}),
    "reject": ([S.SUBMITTED], {STAFF}),
    "assign": ([S.REGISTERED], {STAFF}),
    "start": ([S.ASSIGNED], {STAFF, UNIT}),
    "reply": ([S.ASSIGNED, S.IN_PROGRESS], {STAFF, UNIT}),
    "evaluate": ([S.REPLIED], {STAFF, DEPUTY}),
    "close": ([S.EVALUATED], {STAFF}),
}


def proposal_settings_get(*, township) -> ProposalSettings:
    """The township's rule; the defaults (unsaved) until it saves one: reading writes nothing."""
    return ProposalSettings.objects.filter(township=township).first() or ProposalSettings(township=township)


def deadline_compute(*, township, start: dt.date) -> dt.date:
    """The default reply deadline for an assignment on `start`, by the township's rule. A deadline
    counted in calendar months that lands on a holiday or weekend moves to the next working day
    (renda.core.workdays: the calendar entered in the app, else the package)."""
    rule = proposal_settings_get(township=township)
    if rule.deadline_unit == ProposalSettings.DeadlineUnit.WORKDAYS:
        return add_workdays(start, rule.deadline_amount)
    if rule.deadline_unit == ProposalSettings.DeadlineUnit.DAYS:
        return start + dt.timedelta(days=rule.deadline_amount)
    return next_workday(start + relativedelta(months=rule.deadline_amount))


def number_scope_for(*, term, during_session, session_number, year):
    if during_session and session_number:
        return f"{term.number}-{session_number}"
    return f"recess-{year}"


def number_label(*, kind, term, during_session, session_number, year, serial):
    if during_session and session_number:
        kind_label = _("motion") if kind == Proposal.Kind.MOTION else _("suggestion")
        return _("Term %(term)s Session %(session)s %(kind)s No. %(serial)s") % {
            "term": term.number,
            "session": session_number,
            "kind": kind_label,
            "serial": serial,
        }
    return _("Recess %(year)s-%(serial)03d") % {"year": year, "serial": serial}


def actor_roles(*, proposal, user) -> set:
    roles_: set = set()
    access = access_for(user)
    if access.township_id is None or access.township_id != proposal.township_id:
        return roles_
    if access.is_township_staff:
        roles_.add(STAFF)
    if (
        access.is_handling_unit
        and proposal.lead_unit_id
        and HandlingUnit.objects.filter(pk=proposal.lead_unit_id, users=user).exists()
    ):
        roles_.add(UNIT)
    own = access.own_deputy
    if own is not None and proposal.lead_deputy_id == own.pk:
        roles_.add(DEPUTY)
    return roles_


def proposal_actions(*, proposal, user) -> list:
    """The workflow actions this user may take on this proposal now (for the buttons)."""
    roles_ = actor_roles(proposal=proposal, user=user)
    actions = []
    for action, (states, who) in TRANSITIONS.items():
        if proposal.state in states and roles_ & who:
            if action == "decide" and (proposal.kind != Proposal.Kind.MOTION or proposal.agenda_decision):
                continue
            if (
                action == "register"
                and proposal.kind == Proposal.Kind.MOTION
                and not proposal.agenda_decision
            ):
                continue
            actions.append(action)
    return actions


UNDOABLE = {
    "decide_on_agenda",
    "decide_not_on_agenda",
    "register",
    "reject",
    "assign",
    "start",
    "reply",
    "evaluate",
    "rehandle",
    "close",
}


def proposal_last_step(*, proposal):
    """The latest step that was not undone (undo steps themselves excluded), or None."""
    return (
        ProposalEvent.objects.filter(proposal=proposal, undone_at__isnull=True)
        .exclude(action__in=["undo", "publish", "unpublish"])
        .order_by("-pk")
        .first()
    )
