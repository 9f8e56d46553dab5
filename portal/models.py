"""Publication settings of the public page, deputies' answers to invitations, their drafts of
suggestions, and every message (in the app and by SMS) sent to a deputy."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.models import TownshipScopedModel


class PublishedYear(TownshipScopedModel):
    """A year whose motions and suggestions the township shows on the public page."""

    year = models.PositiveSmallIntegerField(_("year"))

    history = None

    class Meta:
        verbose_name = _("published year")
        verbose_name_plural = _("published years")
        ordering = ["township", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="publishedyear_unique"),
        ]

    def __str__(self):
        return f"{self.township_id} {self.year}"


class DeputyAccount(TownshipScopedModel):
    """A deputy's own login, created from the roster by the township office. It ends with the
    deputy's last mandate (the user is deactivated, the row stays)."""

    deputy = models.OneToOneField(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="account", verbose_name=_("deputy")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deputy_account",
        verbose_name=_("user account"),
    )
    must_change_password = models.BooleanField(_("must change the password"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deputy account")
        verbose_name_plural = _("deputy accounts")
        ordering = ["township", "deputy"]

    def __str__(self):
        return f"{self.deputy} ({self.user.username})"


class InvitationAnswer(TownshipScopedModel):
    """A deputy's answer to an activity they are invited to: coming, or asking for leave."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("will attend")
        LEAVE = "leave", _("asks for leave")

    activity = models.ForeignKey(
        "meetings.Activity", on_delete=models.CASCADE, related_name="+", verbose_name=_("activity")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy")
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to an invitation")
        verbose_name_plural = _("answers to invitations")
        ordering = ["-answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "deputy"], name="invitationanswer_unique"),
            models.CheckConstraint(
                condition=Q(answer__in=["confirmed", "leave"]), name="invitationanswer_answer_valid"
            ),
            models.CheckConstraint(
                condition=~Q(answer="leave") | ~Q(reason=""), name="invitationanswer_leave_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.deputy_id} {self.activity_id} {self.answer}"


class SuggestionDraft(TownshipScopedModel):
    """A suggestion drafted by a deputy; the office registers it as a proposal (or returns it)."""

    class State(models.TextChoices):
        SENT = "sent", _("sent to the office")
        REGISTERED = "registered", _("recorded by the office")
        RETURNED = "returned", _("returned to the deputy")

    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy")
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category_name = models.CharField(_("category"), max_length=50, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded as"),
    )
    office_note = models.CharField(_("note of the office"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("draft suggestion")
        verbose_name_plural = _("draft suggestions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["sent", "registered", "returned"]), name="suggestiondraft_state_valid"
            ),
        ]

    def __str__(self):
        return self.title


class Message(TownshipScopedModel):
    """One message to a deputy, in the app and (when they have a phone) by SMS. Every message is
    kept: what, to whom, when, through which backend, and what came back."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("meeting or activity notice")
        DUTY = "duty", _("duty reminder")
        REPLY = "reply", _("reply to a suggestion")
        OTHER = "other", _("other")

    class SmsStatus(models.TextChoices):
        NONE = "none", _("no SMS")
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    # Idempotency: the same key for the same deputy never sends twice.
    key = models.CharField(_("key"), max_length=120)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sms_status = models.CharField(_("SMS"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.NONE)
    sms_backend = models.CharField(_("SMS backend"), max_length=100, blank=True)
    sms_reference = models.CharField(_("SMS reference"), max_length=100, blank=True)
    sms_attempts = models.PositiveSmallIntegerField(_("SMS attempts"), default=0)
    sms_error = models.CharField(_("SMS error"), max_length=300, blank=True)
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    history = None

    class Meta:
        verbose_name = _("message to a deputy")
        verbose_name_plural = _("messages to deputies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "key"], name="message_unique_key"),
            models.CheckConstraint(
                condition=Q(sms_status__in=["none", "queued", "sent", "failed"]),
                name="message_sms_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["deputy", "created_at"], name="message_deputy_idx")]

    def __str__(self):
        return self.text[:40]
