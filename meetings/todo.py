"""The meetings' lines of the home page's to-do list (renda.core.figures.TODO_LINES): decisions to
follow, this quarter's and month's quotas, idle groups, contacts and training."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from deputies.models import DeputyGroup, PresidiumMembership
from renda.core import quotas
from renda.core.figures import TodoAsk, TodoLine
from renda.core.models import Township
from renda.core.todo import todo_counts, todo_line, todo_url

from .models import Activity, Decision, DeputyContact, PresidiumMeeting
from .selectors import new_deputy_training_counts

DECISION_SOON_DAYS = 7

LABELS = {
    "decisions_due": _("Presidium decisions overdue or due within 7 days"),
    "presidium_missing": _("No presidium meeting yet this quarter"),
    "presidium_missing_county": _("Townships with no presidium meeting yet this quarter"),
    "reception_missing": _("No voter reception yet this month"),
    "reception_missing_county": _("Townships with no voter reception yet this month"),
    "groups_idle": _("Deputy groups not active yet this quarter"),
    "contacts_missing": _("Presidium members with no contact with a deputy yet this month"),
    "training_missing": _("New deputies not trained yet"),
}


def _period(today):
    quarter = quotas.quarter_of(today)
    q_start = dt.date(today.year, 3 * quarter - 2, 1)
    q_end = dt.date(today.year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return q_start, q_end, dt.date(today.year, today.month, 1)


def decision_counts(*, township_ids, today):
    soon = today + dt.timedelta(days=DECISION_SOON_DAYS)
    qs = Decision.objects.filter(township_id__in=township_ids)
    return todo_counts(qs, {"decisions_due": Q(status__in=Decision.OPEN_STATUSES, deadline__lte=soon)})


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
    return todo_counts(
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
    return todo_counts(qs, {"groups_idle": Q(active=False)})


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
    return todo_counts(qs, {"contacts_missing": Q(contacted=False)})


def training_counts(*, township_ids, today):
    """New deputies of the current term with no training yet (trained before the first session
    is the rule); the same definition as the training page."""
    counts = new_deputy_training_counts(township_ids=township_ids, today=today)
    return {"training_missing": (sum(c["untrained"] for c in counts.values()), None)}


def _line(key, counted, url_many, url_one=None, *, order, urgent=False):
    return todo_line(key, LABELS[key], counted, url_many, url_one, order=order, urgent=urgent)


def _quota_lines(ask: TodoAsk) -> list[TodoLine]:
    """This quarter's presidium meeting and this month's reception: townships missing them (a
    county view), or a link to record the one missing (a township's staff who may)."""
    towns = township_counts(township_ids=ask.township_ids, today=ask.today)
    if ask.county_view:
        return [
            _line(
                "presidium_missing_county",
                towns["presidium_missing"],
                todo_url("meetings:meeting_list"),
                order=21,
                urgent=True,
            ),
            _line(
                "reception_missing_county",
                towns["reception_missing"],
                todo_url("meetings:activity_list", kind="reception"),
                order=22,
            ),
        ]
    can_write = ask.access.is_township_staff and ask.user.has_perm("meetings.add_presidiummeeting")
    presidium_url = todo_url("meetings:meeting_create" if can_write else "meetings:meeting_list")
    reception_url = todo_url(
        "meetings:activity_create" if can_write else "meetings:activity_list", kind="reception"
    )
    return [
        _line("presidium_missing", towns["presidium_missing"], presidium_url, order=21, urgent=True),
        _line("reception_missing", towns["reception_missing"], reception_url, order=22),
    ]


def _secretary_lines(ask: TodoAsk) -> list[TodoLine]:
    """Idle groups, presidium members behind on contacts, untrained new deputies."""
    ids, today = ask.township_ids, ask.today
    return [
        _line(
            "groups_idle",
            group_counts(township_ids=ids, today=today)["groups_idle"],
            todo_url("deputies:groups"),
            lambda pk: todo_url("deputies:group", pk),
            order=30,
        ),
        _line(
            "contacts_missing",
            contact_counts(township_ids=ids, today=today)["contacts_missing"],
            todo_url("meetings:contacts", year=today.year),
            order=31,
        ),
        _line(
            "training_missing",
            training_counts(township_ids=ids, today=today)["training_missing"],
            todo_url("meetings:training"),
            order=32,
        ),
    ]


def meeting_todo_lines(*, ask: TodoAsk) -> list[TodoLine]:
    access = ask.access
    if access.is_handling_unit:
        return []
    decisions = decision_counts(township_ids=ask.township_ids, today=ask.today)
    lines = [
        _line(
            "decisions_due",
            decisions["decisions_due"],
            todo_url("meetings:decision_list", status="due"),
            lambda pk: todo_url("meetings:decision_detail", pk),
            order=20,
        ),
        *_quota_lines(ask),
    ]
    if not access.is_county and not access.is_chair:
        lines += _secretary_lines(ask)
    return lines
