"""The home page's to-do list (工作台): what the signed-in user has to do now, one line per kind
of task, each with its count and a link to the record (one) or the filtered list (several).

Every count comes from a fixed number of aggregate queries (one per table), whatever the
number of townships or rows: `Count(filter=Q(...))` and `Min("pk", filter=...)` (the record a
line of one links to) in the same `aggregate()` call.

Lines per role:
- township secretary: everything of the township;
- township chair: their sign-offs first (scores to lock), then what the presidium follows;
- handling unit: the proposals of their unit to reply to, overdue and due soon;
- county users: the same figures across the townships they see (or the one picked).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from deputies.models import DeputyGroup, PresidiumMembership
from meetings.models import Activity, Decision, DeputyContact, PresidiumMeeting
from proposals.models import DUE_SOON_DAYS, Proposal
from renda.core import quotas
from renda.core.access import access_for
from renda.core.models import Township

DECISION_SOON_DAYS = 7
IMPORT_SESSION_PREFIX = "roster_import_"

LABELS = {
    "overdue": _("Replies overdue"),
    "due_soon": _("Replies due within 7 days"),
    "to_reply": _("Proposals my unit has to reply to"),
    "to_register": _("Suggestions waiting to be registered (立案)"),
    "to_evaluate": _("Replies waiting for the deputy's evaluation"),
    "decisions_due": _("Presidium decisions overdue or due within 7 days"),
    "presidium_missing": _("No presidium meeting yet this quarter"),
    "presidium_missing_county": _("Townships with no presidium meeting yet this quarter"),
    "reception_missing": _("No voter reception yet this month"),
    "reception_missing_county": _("Townships with no voter reception yet this month"),
    "groups_idle": _("Deputy groups not active yet this quarter"),
    "contacts_missing": _("Presidium members with no contact with a deputy yet this month"),
    "training_missing": _("New deputies not trained yet"),
    "imports": _("Roster imports waiting for confirmation"),
    "to_lock": _("Published scores waiting to be locked"),
}


@dataclass
class TodoLine:
    key: str
    count: int
    url: str
    urgent: bool = False

    @property
    def label(self):
        return LABELS[self.key]


def _period(today):
    quarter = quotas.quarter_of(today)
    q_start = dt.date(today.year, 3 * quarter - 2, 1)
    q_end = dt.date(today.year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return q_start, q_end, dt.date(today.year, today.month, 1)


def _url(name, *args, **query):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def proposal_counts(*, qs, today):
    """Counts of the proposal lines over `qs` (already scoped), and the first row of each."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    open_q = Q(state__in=Proposal.OPEN_HANDLING_STATES)
    filters = {
        "overdue": open_q & Q(deadline__lt=today),
        "due_soon": open_q & Q(deadline__gte=today, deadline__lte=soon),
        "to_reply": open_q,
        "to_register": Q(state=Proposal.State.SUBMITTED),
        "to_evaluate": Q(state=Proposal.State.REPLIED),
    }
    return _aggregate(qs, filters)


def _aggregate(qs, filters):
    exprs = {}
    for key, q in filters.items():
        exprs[f"{key}_n"] = Count("pk", filter=q)
        exprs[f"{key}_first"] = Min("pk", filter=q)
    row = qs.order_by().aggregate(**exprs)
    return {key: (row[f"{key}_n"] or 0, row[f"{key}_first"]) for key in filters}


def decision_counts(*, township_ids, today):
    soon = today + dt.timedelta(days=DECISION_SOON_DAYS)
    qs = Decision.objects.filter(township_id__in=township_ids)
    return _aggregate(qs, {"decisions_due": Q(status__in=Decision.OPEN_STATUSES, deadline__lte=soon)})


def township_counts(*, township_ids, today):
    """Townships (with a presidium) that held no presidium meeting this quarter, and townships
    with no voter reception this month; one query."""
    q_start, q_end, m_start = _period(today)
    meeting = PresidiumMeeting.objects.filter(township_id=OuterRef("pk"), date__gte=q_start, date__lte=q_end)
    reception = Activity.objects.filter(
        township_id=OuterRef("pk"),
        kind=Activity.Kind.RECEPTION,
        start_date__gte=m_start,
        start_date__lte=today,
    )
    qs = Township.objects.filter(pk__in=township_ids).annotate(
        met=Exists(meeting), received=Exists(reception)
    )
    return _aggregate(
        qs,
        {
            "presidium_missing": ~Q(kind=Township.Kind.JIEDAO) & Q(met=False),
            "reception_missing": Q(received=False),
        },
    )


def group_counts(*, township_ids, today):
    q_start, q_end, _m = _period(today)
    active = Activity.objects.filter(
        group_id=OuterRef("pk"), kind=Activity.Kind.GROUP, start_date__gte=q_start, start_date__lte=q_end
    )
    qs = DeputyGroup.objects.filter(
        township_id__in=township_ids, term__start_date__lte=today, term__end_date__gte=today
    ).annotate(active=Exists(active))
    return _aggregate(qs, {"groups_idle": Q(active=False)})


def contact_counts(*, township_ids, today):
    """Presidium members serving today with no contact with a deputy recorded this month (the
    monthly quota of 两联一述); one query."""
    m_start = dt.date(today.year, today.month, 1)
    contacted = DeputyContact.objects.filter(
        township_id=OuterRef("township_id"),
        member_id=OuterRef("deputy_id"),
        date__gte=m_start,
        date__lte=today,
    )
    qs = (
        PresidiumMembership.objects.filter(township_id__in=township_ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .annotate(contacted=Exists(contacted))
    )
    if not quotas.QUOTAS["member_contacts_per_month"]:
        return {"contacts_missing": (0, None)}
    return _aggregate(qs, {"contacts_missing": Q(contacted=False)})


def training_counts(*, township_ids, today):
    """New deputies of the current term with no training yet (trained before the first session
    is the rule); the same definition as the training page (meetings.selectors)."""
    from meetings.selectors import new_deputy_training_counts

    counts = new_deputy_training_counts(township_ids=township_ids, today=today)
    return {"training_missing": (sum(c["untrained"] for c in counts.values()), None)}


def assessment_counts(*, township_ids):
    """Published assessments not locked yet, and the earliest year among them."""
    published = Q(state=Assessment.State.PUBLISHED)
    row = Assessment.objects.filter(township_id__in=township_ids).aggregate(
        n=Count("pk", filter=published), year=Min("year", filter=published)
    )
    return {"to_lock": (row["n"] or 0, row["year"])}


def pending_imports(session) -> int:
    """Roster imports checked and waiting for the user's confirmation (kept in the session)."""
    return sum(1 for key in session.keys() if key.startswith(IMPORT_SESSION_PREFIX))


def todo_lines(*, user, township_ids, session=None, today):
    """The to-do lines of `user` over `township_ids` (the townships the page is about)."""
    access = access_for(user)
    session = session or {}
    county = access.is_county
    single = len(township_ids) == 1
    register = "proposals:list"
    lines = []

    def add(key, counted, url_many, url_one=None, urgent=False):
        count, first = counted
        url = url_one(first) if (url_one and count == 1 and first) else url_many
        lines.append(TodoLine(key=key, count=count, url=url, urgent=urgent))

    def proposal_one(pk):
        return _url("proposals:detail", pk)

    props = proposal_counts(qs=access.scope(Proposal).filter(township_id__in=township_ids), today=today)

    if access.is_handling_unit:
        add("to_reply", props["to_reply"], _url(register, state=""), proposal_one)
        add("overdue", props["overdue"], _url(register, overdue="on"), proposal_one, urgent=True)
        add("due_soon", props["due_soon"], _url(register, due_soon="on"), proposal_one)
        return lines

    decisions = decision_counts(township_ids=township_ids, today=today)
    towns = township_counts(township_ids=township_ids, today=today)
    scores = assessment_counts(township_ids=township_ids)
    can_write = access.is_township_staff and user.has_perm("meetings.add_presidiummeeting")

    def decision_one(pk):
        return _url("meetings:decision_detail", pk)

    def scores_year(year):
        return _url("assessments:index", year=year)

    scores_url = _url("assessments:index")
    if access.is_chair:
        add("to_lock", scores["to_lock"], scores_url, scores_year, urgent=True)
    add("overdue", props["overdue"], _url(register, overdue="on", year=""), proposal_one, urgent=True)
    add("due_soon", props["due_soon"], _url(register, due_soon="on", year=""), proposal_one)
    if not access.is_chair:
        add("to_register", props["to_register"], _url(register, state="submitted", year=""), proposal_one)
    add("to_evaluate", props["to_evaluate"], _url(register, state="replied", year=""), proposal_one)
    add(
        "decisions_due",
        decisions["decisions_due"],
        _url("meetings:decision_list", status="due"),
        decision_one,
    )
    if county or not single:
        add(
            "presidium_missing_county",
            towns["presidium_missing"],
            _url("meetings:meeting_list"),
            urgent=True,
        )
        add(
            "reception_missing_county",
            towns["reception_missing"],
            _url("meetings:activity_list", kind="reception"),
        )
    else:
        presidium_url = _url("meetings:meeting_create") if can_write else _url("meetings:meeting_list")
        add("presidium_missing", towns["presidium_missing"], presidium_url, urgent=True)
        reception_url = (
            _url("meetings:activity_create", kind="reception")
            if can_write
            else _url("meetings:activity_list", kind="reception")
        )
        add("reception_missing", towns["reception_missing"], reception_url)
    if not county and not access.is_chair:
        groups = group_counts(township_ids=township_ids, today=today)
        add(
            "groups_idle",
            groups["groups_idle"],
            _url("deputies:groups"),
            lambda pk: _url("deputies:group", pk),
        )
        add(
            "contacts_missing",
            contact_counts(township_ids=township_ids, today=today)["contacts_missing"],
            _url("meetings:contacts", year=today.year),
        )
        add(
            "training_missing",
            training_counts(township_ids=township_ids, today=today)["training_missing"],
            _url("meetings:training"),
        )
        add("imports", (pending_imports(session), None), _url("deputies:import"))
    if not access.is_chair:
        add("to_lock", scores["to_lock"], scores_url, scores_year)
    return lines
