"""Writes of the portal: what a township publishes, deputies' accounts, answers and drafts."""

import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core import roles
from renda.core.access import authorize
from renda.core.exceptions import ApplicationError
from renda.core.models import Reminder, Township, User
from renda.core.services import audit_record, reminder_upsert

from .models import DeputyAccount, InvitationAnswer, Message, PublishedYear, SuggestionDraft

if TYPE_CHECKING:
    from deputies.models import Deputy
    from meetings.models import Activity
    from proposals.models import Proposal

logger = logging.getLogger(__name__)

FIRST_PUBLIC_YEAR = 2000
# Run with no user (Celery beat and the SMS task): never called by a view.
SYSTEM_SERVICES = frozenset(
    {"deputy_accounts_end_expired", "deputies_notify_sweep", "message_sms_deliver", "message_sms_give_up"}
)


def _own_deputy(deputy):
    """The policy question of a deputy's own writes: `by` is that deputy, through their own
    (not ended) account."""
    return lambda access: access.own_deputy is not None and access.own_deputy.pk == deputy.pk


@transaction.atomic
def publication_years_set(*, township: Township, years: Iterable[int | str], by) -> set[int]:
    """The years whose motions and suggestions `township` shows on the public page."""
    authorize(by, township, "proposals.change_proposalsettings")
    this_year = timezone.localdate().year
    wanted = set()
    for y in years:
        try:
            y = int(y)
        except (TypeError, ValueError):
            raise ApplicationError(_("Choose years from the list."), field="years") from None
        if not FIRST_PUBLIC_YEAR <= y <= this_year:
            raise ApplicationError(
                _("%(year)s is not a year that can be published.") % {"year": y}, field="years"
            )
        wanted.add(y)
    current = set(PublishedYear.objects.filter(township=township).values_list("year", flat=True))
    PublishedYear.objects.filter(township=township, year__in=current - wanted).delete()
    PublishedYear.objects.bulk_create(
        [PublishedYear(township=township, year=y) for y in sorted(wanted - current)]
    )
    if wanted != current:
        audit_record(
            by=by,
            action="publication",
            detail=_("Published years: %(years)s") % {"years": "、".join(str(y) for y in sorted(wanted))},
            township=township,
        )
    return wanted


# ---------------------------------------------------------------- deputy accounts

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - the letters of generated passwords


def _initial_password():
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(10))


def _deputy_username(deputy) -> str:
    """Login name: the mobile number; else 'd' + the last 8 characters of the ID number; else
    'deputy' + the roster id. A clash gets '-2', '-3' …"""
    digits = re.sub(r"\D", "", deputy.phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        base = digits
    elif deputy.id_number:
        base = "d" + deputy.id_number[-8:].lower()
    else:
        base = f"deputy{deputy.pk}"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def deputy_accounts_create(
    *, township: Township, by, deputies: Iterable["Deputy"] | None = None
) -> list[dict]:
    """Accounts for the township's current deputies who have none (one click for the township).
    Returns [{deputy, username, password}] for the office to hand out once; each deputy must
    change the password at the first login. Accounts of deputies whose mandates ended are ended."""
    from deputies.selectors import deputy_current

    authorize(by, township, "deputies.change_deputy")
    current = deputy_current(township=township)
    if deputies is not None:
        current = current.filter(pk__in=[d.pk for d in deputies])
    todo = current.exclude(pk__in=DeputyAccount.objects.values("deputy_id")).order_by("pk")
    group = Group.objects.get(name=roles.DEPUTY)
    created = []
    for deputy in todo:
        password = _initial_password()
        user = User.objects.create_user(
            username=_deputy_username(deputy),
            password=password,
            township=township,
            full_name=deputy.name,
        )
        user.groups.add(group)
        DeputyAccount.objects.create(township=township, deputy=deputy, user=user, created_by=by)
        created.append({"deputy": deputy, "username": user.username, "password": password})
    ended = deputy_accounts_end_expired(township=township)
    audit_record(
        by=by,
        action="deputy_accounts",
        detail=_("%(created)s deputy accounts created, %(ended)s ended")
        % {"created": len(created), "ended": ended},
        township=township,
        row_count=len(created),
    )
    return created


def deputy_accounts_end_expired(*, township: Township | None = None, today: dt.date | None = None) -> int:
    """Accounts end with the mandate: deactivate the accounts of deputies with no active mandate
    (daily, and whenever accounts are created). Idempotent; returns how many ended now."""
    from deputies.selectors import deputy_current

    today = today or timezone.localdate()
    qs = DeputyAccount.objects.filter(ended_on__isnull=True)
    if township is not None:
        qs = qs.filter(township=township)
    expired = list(qs.exclude(deputy__in=deputy_current(on=today)).select_related("user"))
    for account in expired:
        with transaction.atomic():
            account.ended_on = today
            account.save(update_fields=["ended_on", "updated_at"])
            account.user.is_active = False
            account.user.save(update_fields=["is_active"])
    return len(expired)


@transaction.atomic
def deputy_account_reset_password(*, account: DeputyAccount, by) -> str:
    """A new initial password (the deputy forgot theirs); to be changed at the next login."""
    authorize(by, account, "deputies.change_deputy")
    if account.ended_on:
        raise ApplicationError(_("This account ended with the deputy's mandate."))
    password = _initial_password()
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    account.must_change_password = True
    account.save(update_fields=["must_change_password", "updated_at"])
    audit_record(
        by=by, action="deputy_password_reset", detail=account.user.username, township=account.township
    )
    return password


def deputy_password_changed(*, by) -> None:
    """`by` changed their own password: their deputy account no longer asks for a change."""
    authorize(by, allowed=lambda access: access.is_deputy)
    DeputyAccount.objects.filter(user=by, must_change_password=True).update(
        must_change_password=False, updated_at=timezone.now()
    )


# ---------------------------------------------------------------- what a deputy does


@transaction.atomic
def invitation_answer(
    *, activity: "Activity", deputy: "Deputy", answer: str, reason: str = "", by
) -> InvitationAnswer:
    """The deputy confirms an activity they are invited to, or asks for leave with a reason
    (which reaches the township office as a reminder). Answering again replaces the answer."""
    from meetings.models import ActivityParticipation

    authorize(by, allowed=_own_deputy(deputy))
    if not ActivityParticipation.objects.filter(activity=activity, deputy=deputy).exists():
        raise ApplicationError(_("You are not invited to this activity."))
    if activity.start_date < timezone.localdate():
        raise ApplicationError(_("This activity has already taken place."))
    if answer not in InvitationAnswer.Answer.values:
        raise ApplicationError(_("Choose whether you will attend."), field="answer")
    reason = (reason or "").strip()
    if answer == InvitationAnswer.Answer.LEAVE and not reason:
        raise ApplicationError(_("Give the reason for your leave."), field="reason")
    if len(reason) > 300:
        raise ApplicationError(_("The reason may have at most 300 characters."), field="reason")
    obj, _created = InvitationAnswer.objects.select_for_update().get_or_create(
        activity=activity,
        deputy=deputy,
        defaults={"township_id": deputy.township_id, "answer": answer, "reason": reason},
    )
    if not _created:
        obj.answer, obj.reason, obj.answered_at = answer, reason, timezone.now()
        obj.save(update_fields=["answer", "reason", "answered_at", "updated_at"])
    key = f"leave-{activity.pk}-{deputy.pk}"
    if answer == InvitationAnswer.Answer.LEAVE:
        reminder_upsert(
            township=deputy.township,
            key=key,
            text=_("Leave requested: %(deputy)s for “%(topic)s” on %(date)s: %(reason)s")
            % {
                "deputy": deputy.name,
                "topic": activity.topic,
                "date": activity.start_date.isoformat(),
                "reason": reason,
            },
            url=reverse("meetings:activity_detail", args=[activity.pk]),
            due_date=activity.start_date,
        )
    else:
        Reminder.objects.filter(township_id=deputy.township_id, key=key, done=False).update(done=True)
    return obj


@transaction.atomic
def suggestion_draft_send(
    *, deputy: "Deputy", title: str, content: str, category_name: str = "", by
) -> SuggestionDraft:
    """A deputy sends a drafted suggestion to the township office, which records it."""
    authorize(by, allowed=_own_deputy(deputy))
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ApplicationError(_("Enter the title."), field="title")
    if len(title) > 200:
        raise ApplicationError(_("The title may have at most 200 characters."), field="title")
    if not content:
        raise ApplicationError(_("Enter the content of the suggestion."), field="content")
    draft = SuggestionDraft.objects.create(
        township_id=deputy.township_id,
        deputy=deputy,
        title=title,
        content=content,
        category_name=(category_name or "")[:50],
    )
    reminder_upsert(
        township=deputy.township,
        key=f"draft-{draft.pk}",
        text=_("Suggestion drafted by %(deputy)s: “%(title)s”, to be recorded")
        % {"deputy": deputy.name, "title": title},
        url=reverse("portal:drafts"),
        due_date=timezone.localdate(),
    )
    return draft


@transaction.atomic
def suggestion_draft_register(
    *, draft: SuggestionDraft, by, submitted_on: dt.date | None = None
) -> "Proposal":
    """The office records a deputy's draft as a suggestion (proposals.services.proposal_submit)."""
    from proposals.models import Proposal, ProposalCategory
    from proposals.services import proposal_submit

    authorize(by, draft, "proposals.add_proposal")
    draft = SuggestionDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.state != SuggestionDraft.State.SENT:
        raise ApplicationError(_("This draft has already been handled."))
    category = (
        ProposalCategory.objects.filter(township=draft.township, name=draft.category_name).first()
        if draft.category_name
        else None
    )
    proposal = proposal_submit(
        township=draft.township,
        by=by,
        kind=Proposal.Kind.SUGGESTION,
        title=draft.title,
        content=draft.content,
        lead_deputy=draft.deputy,
        category=category,
        submitted_on=submitted_on or draft.created_at.date(),
    )
    draft.state = SuggestionDraft.State.REGISTERED
    draft.proposal = proposal
    draft.save(update_fields=["state", "proposal", "updated_at"])
    Reminder.objects.filter(township=draft.township, key=f"draft-{draft.pk}").update(done=True)
    return proposal


@transaction.atomic
def suggestion_draft_return(*, draft: SuggestionDraft, by, note: str) -> SuggestionDraft:
    """The office sends a draft back to the deputy with a note."""
    authorize(by, draft, "proposals.add_proposal")
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Say why the draft is returned."), field="note")
    draft = SuggestionDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.state != SuggestionDraft.State.SENT:
        raise ApplicationError(_("This draft has already been handled."))
    draft.state = SuggestionDraft.State.RETURNED
    draft.office_note = note[:300]
    draft.save(update_fields=["state", "office_note", "updated_at"])
    Reminder.objects.filter(township=draft.township, key=f"draft-{draft.pk}").update(done=True)
    return draft


def deputy_evaluate(*, proposal: "Proposal", rating: str, comment: str = "", by) -> "Proposal":
    """The lead deputy rates the reply: the same workflow service and rules as the office's."""
    from proposals.services import proposal_evaluate

    authorize(
        by,
        allowed=lambda access: (
            access.own_deputy is not None and access.own_deputy.pk == proposal.lead_deputy_id
        ),
    )
    proposal = proposal_evaluate(proposal=proposal, rating=rating, comment=comment, by=by)
    reminder_upsert(
        township=proposal.township,
        key=f"evaluated-{proposal.pk}-r{proposal.round}-{proposal.state}",
        text=_("%(deputy)s rated the reply to %(number)s “%(title)s”: %(rating)s")
        % {
            "deputy": by.full_name or by.username,
            "number": proposal.number,
            "title": proposal.title,
            "rating": proposal.get_rating_display(),
        },
        url=reverse("proposals:detail", args=[proposal.pk]),
        due_date=timezone.localdate(),
    )
    return proposal


# ---------------------------------------------------------------- messages to deputies


def _message_send(*, deputy, kind, key, text, url="", by=None, sms=True):
    """One message to a deputy: shown in the app, and sent by SMS (Celery, retried, rate
    limited) when the deputy has a phone. Idempotent by `key` per deputy: a second call with the
    same key returns the first message and sends nothing. Every message is kept."""
    from .tasks import message_sms_send

    phone = re.sub(r"[^\d+]", "", deputy.phone or "")
    message, created = Message.objects.get_or_create(
        deputy=deputy,
        key=key[:120],
        defaults={
            "township_id": deputy.township_id,
            "kind": kind,
            "text": text[:500],
            "url": url,
            "phone": phone,
            "sms_status": Message.SmsStatus.QUEUED if sms and phone else Message.SmsStatus.NONE,
            "created_by": by if by is not None and by.is_authenticated else None,
        },
    )
    if created and message.sms_status == Message.SmsStatus.QUEUED:
        transaction.on_commit(lambda: _enqueue(message_sms_send, message.pk))
    return message


def _enqueue(task, message_id):
    try:
        task.delay(message_id)
    except Exception:  # broker down: the message stays queued; the sweep sends it later
        logger.warning("SMS of message %s could not be queued", message_id, exc_info=True)


def message_sms_deliver(*, message_id: int) -> str:
    """Send one queued SMS through the configured backend (called by the task). Permanent
    failures are recorded; temporary ones raise so that the task retries."""
    from .sms import SmsError, sms_backend

    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sms_status != Message.SmsStatus.QUEUED:
            return "skipped"
        message.sms_attempts += 1
        message.save(update_fields=["sms_attempts", "updated_at"])
    backend = sms_backend()
    try:
        ref = backend.send(message.phone, message.text)
    except SmsError as exc:
        Message.objects.filter(pk=message.pk).update(
            sms_status=Message.SmsStatus.FAILED, sms_error=str(exc)[:300], sms_backend=backend.name
        )
        return "failed"
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(sms_error=str(exc)[:300], sms_backend=backend.name)
        raise
    Message.objects.filter(pk=message.pk).update(
        sms_status=Message.SmsStatus.SENT,
        sms_reference=str(ref)[:100],
        sms_backend=backend.name,
        sms_sent_at=timezone.now(),
        sms_error="",
    )
    return "sent"


def message_sms_give_up(*, message_id: int, error: object) -> None:
    Message.objects.filter(pk=message_id, sms_status=Message.SmsStatus.QUEUED).update(
        sms_status=Message.SmsStatus.FAILED, sms_error=str(error)[:300]
    )


def messages_mark_read(*, deputy: "Deputy", message_ids: Iterable[int] | None = None, by) -> int:
    """The deputy marks their messages read: those of `message_ids` (only their own count), or
    every unread one when None. Returns how many were marked."""
    authorize(by, allowed=_own_deputy(deputy))
    unread = Message.objects.filter(deputy=deputy, read_at__isnull=True)
    if message_ids is not None:
        unread = unread.filter(pk__in=list(message_ids))
    return unread.update(read_at=timezone.now())


def deputies_notify_sweep(*, today: dt.date | None = None) -> int:
    """Periodic (Celery beat): the messages deputies should get, each once (keys):
    - a notice of every activity they take part in that starts within 7 days;
    - a duty reminder 3 days before a reception duty or a 述职 report;
    - every reply to a suggestion they lead.
    Also re-queues SMS left queued (a broker that was down). Returns how many were created."""
    from .tasks import message_sms_send

    today = today or timezone.localdate()
    accounts = DeputyAccount.objects.filter(ended_on__isnull=True)
    count = _activity_notices_send(accounts=accounts, today=today)
    count += _reply_notices_send(accounts=accounts, today=today)
    stale = Message.objects.filter(
        sms_status=Message.SmsStatus.QUEUED, created_at__lt=timezone.now() - dt.timedelta(minutes=10)
    ).values_list("pk", flat=True)
    for pk in stale[:1000]:
        _enqueue(message_sms_send, pk)
    return count


def _activity_notices_send(*, accounts, today) -> int:
    """A notice of each activity starting within 7 days to each deputy taking part (a duty
    reminder, instead, within 3 days of a duty or a report). Returns how many were new."""
    from meetings.models import ActivityParticipation

    count = 0
    parts = (
        ActivityParticipation.objects.filter(
            deputy__account__in=accounts,
            activity__start_date__gte=today,
            activity__start_date__lte=today + dt.timedelta(days=7),
        )
        .select_related("activity", "deputy")
        .order_by("pk")
    )
    for p in parts.iterator(chunk_size=500):
        a = p.activity
        values = {"topic": a.topic, "date": a.start_date.isoformat(), "place": a.place or "—"}
        if p.role != ActivityParticipation.Role.PARTICIPANT and a.start_date <= today + dt.timedelta(days=3):
            text = _("Duty reminder: you are %(role)s at “%(topic)s” on %(date)s, %(place)s.") % {
                **values,
                "role": p.get_role_display(),
            }
            kind, key = Message.Kind.DUTY, f"duty-{a.pk}"
        else:
            text = _("Notice: “%(topic)s” on %(date)s, %(place)s. Please confirm or ask for leave.") % values
            kind, key = Message.Kind.NOTICE, f"notice-{a.pk}"
        before = Message.objects.filter(deputy=p.deputy, key=key).exists()
        _message_send(deputy=p.deputy, kind=kind, key=key, text=text, url=reverse("portal:me"))
        count += not before
    return count


def _reply_notices_send(*, accounts, today) -> int:
    """A message to the lead deputy of each suggestion replied to in the last 30 days, once."""
    from proposals.models import ProposalReply

    count = 0
    replies = (
        ProposalReply.objects.filter(
            proposal__lead_deputy__account__in=accounts, replied_on__gte=today - dt.timedelta(days=30)
        )
        .select_related("proposal__lead_deputy", "unit")
        .order_by("pk")
    )
    for r in replies.iterator(chunk_size=500):
        deputy = r.proposal.lead_deputy
        key = f"reply-{r.pk}"
        if Message.objects.filter(deputy=deputy, key=key).exists():
            continue
        _message_send(
            deputy=deputy,
            kind=Message.Kind.REPLY,
            key=key,
            text=_("%(unit)s replied to your suggestion “%(title)s”. Please read it and give your rating.")
            % {"unit": r.unit.name, "title": r.proposal.title},
            url=reverse("portal:proposal", args=[r.proposal_id]),
        )
        count += 1
    return count
