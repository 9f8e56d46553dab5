"""Motions and suggestions (议案 / 建议、批评和意见), handling units and the handling workflow.

Key facts other apps read:
- `Proposal.year` is the calendar year the item was received; `Proposal.state` its workflow state.
- A deputy's proposals: `lead_deputy` (FK deputies.Deputy) plus `co_signers` (M2M).
- Derived per row: overdue = open (assigned / in progress) and `deadline` < today.
- Figures (received, closed, overdue and the four rates) come from `proposals.selectors`.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.models import (
    LiveManager,
    Term,
    TownshipQuerySet,
    TownshipScopedModel,
    VoidableModel,
    live_parent_manager,
)

DEFAULT_CATEGORIES = [
    "经济建设",
    "社会事业",
    "乡镇建设和管理",
    "交通水利",
    "农业农村",
    "教育卫生",
    "民生保障",
    "生态环境",
    "其他",
]
DUE_SOON_DAYS = 7


class ProposalSettings(TownshipScopedModel):
    """Per-township handling rules: the default reply deadline and how it is counted."""

    class DeadlineUnit(models.TextChoices):
        MONTHS = "months", _("calendar months")
        DAYS = "days", _("calendar days")
        WORKDAYS = "workdays", _("working days")

    deadline_amount = models.PositiveSmallIntegerField(_("reply deadline"), default=3)
    deadline_unit = models.CharField(
        _("counted in"), max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.MONTHS
    )

    class Meta:
        verbose_name = _("proposal handling settings")
        verbose_name_plural = _("proposal handling settings")
        constraints = [
            models.UniqueConstraint(fields=["township"], name="proposalsettings_one_per_township"),
            models.CheckConstraint(
                condition=Q(deadline_amount__gte=1), name="proposalsettings_deadline_positive"
            ),
        ]

    def __str__(self):
        return f"{self.deadline_amount} {self.get_deadline_unit_display()}"


class ProposalCategory(TownshipScopedModel):
    """A township's configurable list of categories (经济建设, 社会事业, …)."""

    name = models.CharField(_("name"), max_length=50)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = None

    class Meta:
        verbose_name = _("proposal category")
        verbose_name_plural = _("proposal categories")
        ordering = ["display_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="proposalcategory_unique_name")
        ]

    def __str__(self):
        return self.name


class HandlingUnit(TownshipScopedModel):
    """A handling unit (承办单位): a township department or station. Its users reply."""

    name = models.CharField(_("name"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="handling_units",
        verbose_name=_("user accounts"),
    )

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["display_order", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="handlingunit_unique_name")]

    def __str__(self):
        return self.name


class ProposalQuerySet(TownshipQuerySet):
    def open_q(self):
        return Q(state__in=Proposal.OPEN_HANDLING_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(state__in=Proposal.OPEN_HANDLING_STATES, deadline__lt=today)

    def due_soon(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            state__in=Proposal.OPEN_HANDLING_STATES,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )


class LiveProposalManager(LiveManager.from_queryset(ProposalQuerySet)):  # type: ignore[misc]
    pass


class Proposal(VoidableModel):
    class Kind(models.TextChoices):
        MOTION = "motion", _("motion")
        SUGGESTION = "suggestion", _("suggestion")
        CRITICISM = "criticism", _("criticism")
        OPINION = "opinion", _("opinion")

    class Origin(models.TextChoices):
        DEPUTY = "deputy", _("deputy")
        RECEPTION = "reception", _("voter reception, adopted as a suggestion")
        OPINION_CARD = "card", _("quarterly opinion card")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        REGISTERED = "registered", _("registered")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        ASSIGNED = "assigned", _("assigned")
        IN_PROGRESS = "in_progress", _("in progress")
        REPLIED = "replied", _("replied")
        EVALUATED = "evaluated", _("evaluated")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        A = "A", _("A: solved or adopted")
        B = "B", _("B: being solved or planned")
        C = "C", _("C: kept for reference")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY = "basically", _("basically satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    class AgendaDecision(models.TextChoices):
        PENDING = "", _("not decided")
        ON_AGENDA = "on_agenda", _("put on the agenda")
        NOT_ON_AGENDA = "not_on_agenda", _("not put on the agenda")

    OPEN_HANDLING_STATES = [State.ASSIGNED, State.IN_PROGRESS]
    # Accepted and not finished: what is carried over into the next year.
    UNFINISHED_STATES = [
        State.SUBMITTED,
        State.REGISTERED,
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.REPLIED,
        State.EVALUATED,
    ]
    MIN_MOTION_SIGNERS = 5
    MAX_ROUNDS = 2

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    year = models.PositiveSmallIntegerField(_("year"))
    # Numbering: one sequence per township and scope ("18-3" = term 18 session 3; "recess-2026").
    number_scope = models.CharField(_("numbering scope"), max_length=30)
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("number"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.ForeignKey(
        ProposalCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("category"),
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_led",
        verbose_name=_("lead deputy"),
    )
    co_signers = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="proposals_cosigned", verbose_name=_("co-signers")
    )
    by_presidium = models.BooleanField(_("proposed by the presidium"), default=False)
    during_session = models.BooleanField(_("submitted during a session"), default=False)
    session_number = models.PositiveSmallIntegerField(_("session number"), null=True, blank=True)
    session = models.ForeignKey(
        "meetings.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("congress session"),
    )
    source_activity = models.ForeignKey(
        "meetings.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("from the activity"),
    )
    submitted_on = models.DateField(_("submitted on"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.DEPUTY)
    is_key = models.BooleanField(_("key suggestion"), default=False)
    supervising_leader = models.CharField(_("supervising leader"), max_length=50, blank=True)
    converted_from_motion = models.BooleanField(_("converted from a motion"), default=False)
    agenda_decision = models.CharField(
        _("presidium decision"), max_length=15, choices=AgendaDecision.choices, blank=True, default=""
    )

    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.SUBMITTED)
    not_accepted_reason = models.TextField(_("reason not accepted"), blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    # Current handling round (1, or 2 after 不满意).
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    lead_unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_led",
        verbose_name=_("lead unit"),
    )
    assisting_units = models.ManyToManyField(
        HandlingUnit, blank=True, related_name="proposals_assisted", verbose_name=_("assisting units")
    )
    responsible_leader = models.CharField(_("responsible leader"), max_length=50, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    # Denormalised from the latest reply / evaluation so figures are one aggregate query.
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("replied on time"), null=True, blank=True)
    met_in_person = models.BooleanField(_("met the deputy in person"), default=False)
    outcome = models.CharField(_("outcome"), max_length=1, choices=Outcome.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set by the secretary: the item never appears on the public page (议案建议进行时).
    not_for_publication = models.BooleanField(_("not for publication"), default=False)

    objects = LiveProposalManager()
    all_objects = ProposalQuerySet.as_manager()
    void_children = ("replies", "evaluations", "attachments")

    class Meta:
        verbose_name = _("motion or suggestion")
        verbose_name_plural = _("motions and suggestions")
        ordering = ["-year", "-submitted_on", "-pk"]
        permissions = [("reply_proposal", "Can write the reply of an assigned proposal")]
        indexes = [
            models.Index(fields=["township", "year", "state"], name="proposal_twp_year_state"),
            models.Index(fields=["state", "deadline"], name="proposal_state_deadline"),
            models.Index(fields=["township", "closed_on"], name="proposal_twp_closed"),
            # closed_on too: the county-wide counts of a year's items read the index alone
            models.Index(fields=["year", "state", "closed_on"], name="proposal_year_state_closed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "number_scope", "serial"],
                condition=Q(voided_at__isnull=True),
                name="proposal_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "submitted",
                        "registered",
                        "not_accepted",
                        "assigned",
                        "in_progress",
                        "replied",
                        "evaluated",
                        "closed",
                    ]
                ),
                name="proposal_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["motion", "suggestion", "criticism", "opinion"]),
                name="proposal_kind_valid",
            ),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="proposal_round_1_or_2"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(assigned_on__isnull=True)
                | Q(deadline__gte=models.F("assigned_on")),
                name="proposal_deadline_after_assignment",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(content=""), name="proposal_title_content_present"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.state in self.OPEN_HANDLING_STATES

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today

    def is_due_soon(self, today=None):
        today = today or timezone.localdate()
        return (
            self.is_open
            and self.deadline is not None
            and today <= self.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS)
        )

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def due_soon(self):
        return self.is_due_soon()

    @property
    def days_left(self):
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self):
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    def is_carried_over(self, year):
        """Received before `year` and not finished when `year` began."""
        if self.year >= year or self.state == self.State.NOT_ACCEPTED:
            return False
        return self.closed_on is None or self.closed_on >= dt.date(year, 1, 1)


class ProposalEvent(TownshipScopedModel):
    """One workflow step: who, when, from which state to which, and a note."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="events", verbose_name=_("proposal")
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=15, blank=True)
    to_state = models.CharField(_("to"), max_length=15)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The business date of the step (the reply's date, the evaluation's date …), which may be
    # earlier than when it was recorded (`at`). Figures as of a cutoff read the state from the
    # latest recorded step dated on or before the cutoff.
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    # Set when the chair undoes this step; undone steps no longer count for the state.
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = None
    objects = live_parent_manager("proposal")

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["proposal", "effective_on"], name="proposalevent_asof")]

    def __str__(self):
        return f"{self.proposal_id} {self.get_from_state_display()}→{self.get_to_state_display()}"

    def get_from_state_display(self):
        return Proposal.State(self.from_state).label if self.from_state else ""

    def get_to_state_display(self):
        return Proposal.State(self.to_state).label


class ProposalReply(VoidableModel):
    """A handling unit's written reply in one round."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="replies", verbose_name=_("proposal")
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    unit = models.ForeignKey(
        HandlingUnit, on_delete=models.PROTECT, related_name="replies", verbose_name=_("handling unit")
    )
    text = models.TextField(_("reply text"))
    file = models.FileField(_("reply letter"), upload_to="proposals/replies/%Y/", blank=True)
    outcome = models.CharField(_("outcome"), max_length=1, choices=Proposal.Outcome.choices)
    met_in_person = models.BooleanField(_("met the deputy in person"), default=False)
    replied_on = models.DateField(_("replied on"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )

    history = None
    void_parent = "proposal"

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round"], condition=Q(voided_at__isnull=True), name="reply_one_per_round"
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} #{self.round}"


class ProposalEvaluation(VoidableModel):
    """The lead deputy's evaluation of a reply (recorded by township staff)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("proposal")
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    rating = models.CharField(_("rating"), max_length=12, choices=Proposal.Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )

    history = None
    void_parent = "proposal"

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round"],
                condition=Q(voided_at__isnull=True),
                name="evaluation_one_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} #{self.round} {self.get_rating_display()}"


class ProposalAttachment(VoidableModel):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("proposal")
    )
    file = models.FileField(_("file"), upload_to="proposals/attachments/%Y/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    history = None
    void_parent = "proposal"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ProposalFigures(models.Model):
    """The stored figures of one township's year (proposals.summaries keeps them; the services
    refresh a township-year in the same transaction as the change), so the county pages read a
    few rows per township instead of aggregating the year's proposals.

    `dimension` and `key`: "all" ("") the year's figures; "category" (the category's name, ""
    for none) and "unit" (the lead unit's pk, "" for none) the same figures per group; "month"
    ("1" … "12") received (by month received) and closed (by month closed); "state" (a state)
    `items`, the register's count of the year's items in it; "month_state" ("3:assigned")
    `items`, the items received in that month of the year (any state, not-accepted ones too).
    The counts are those of proposals.counting's aggregates, as of `computed_on`; the rows hold
    until `valid_until` (exclusive; empty: for good), when a deadline passing or the year ending
    changes them without any write."""

    class Dimension(models.TextChoices):
        ALL = "all", _("whole year")
        MONTH = "month", _("month")
        CATEGORY = "category", _("category")
        UNIT = "unit", _("lead unit")
        STATE = "state", _("state")
        MONTH_STATE = "month_state", _("month and state")

    # Derived rows: a township backup leaves them out and the restore computes them again.
    derived = True

    township = models.ForeignKey(
        "core.Township", on_delete=models.CASCADE, related_name="+", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    key = models.CharField(_("key"), max_length=60, blank=True)
    received = models.PositiveIntegerField(default=0)
    carried_over = models.PositiveIntegerField(default=0)
    not_accepted = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    received_closed = models.PositiveIntegerField(default=0)
    carried_closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    evaluated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    motions = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    computed_on = models.DateField(_("computed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal figures")
        verbose_name_plural = _("proposal figures")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "dimension", "key"], name="proposalfigures_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=["all", "month", "category", "unit", "state", "month_state"]),
                name="proposalfigures_dimension_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "dimension", "valid_until"], name="proposalfigures_year_dim"),
        ]

    def __str__(self):
        return f"{self.township_id} {self.year} {self.dimension} {self.key}"
