"""Congress sessions (人代会), presidium meetings (主席团会议), decisions and their follow-up,
deputy activities. Attendance and participation recorded here feed year-end scoring.

Names other apps rely on (keep stable):
- SessionAttendance(session, deputy, status in AttendanceStatus), FloorSpeech(session, deputy)
- PresidiumAttendance(meeting, deputy, status in AttendanceStatus)
- ActivityParticipation(activity, deputy, role) with Activity.kind in Activity.Kind
- Activity.rating_excellent / rating_competent / rating_incompetent (述职 voter tallies)
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renda.core.models import Term, TownshipScopedModel, VoidableModel, live_parent_manager


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    LATE = "late", _("arrived late")
    LEFT_EARLY = "left_early", _("left early")
    EXCUSED = "excused", _("excused absence")
    UNEXCUSED = "unexcused", _("unexcused absence")


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def _quarter_of(day):
    return (day.month - 1) // 3 + 1


# --- Congress sessions -------------------------------------------------------------------


class Session(VoidableModel):
    """A session (第N次会议) of the township people's congress in a term (届)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("session number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set when the attendance is first saved: from then on the expected list (应到) is a record,
    # changed only by an explicit step with a reason (meetings.services.session_expected_*).
    expected_fixed_at = models.DateTimeField(_("expected list fixed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("congress session")
        verbose_name_plural = _("congress sessions")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"], condition=Q(voided_at__isnull=True), name="session_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["township", "start_date"], name="session_township_date_idx")]

    def __str__(self):
        return self.title

    @property
    def title(self):
        from .naming import chinese_number

        return _("Term %(term)s, session %(number)s") % {
            "term": chinese_number(self.term.number),
            "number": chinese_number(self.number),
        }


class SessionReport(TownshipScopedModel):
    """A report reviewed at a session (政府工作报告, 主席团工作报告, 预算报告 …)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government work report")
        PRESIDIUM = "presidium", _("presidium work report")
        BUDGET = "budget", _("budget execution and draft budget report")
        OTHER = "other", _("other report")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="reports", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT)
    title = models.CharField(_("title"), max_length=200)
    reporter = models.CharField(_("reporter"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="meetings/reports/%Y/", blank=True)

    class Meta:
        verbose_name = _("report reviewed")
        verbose_name_plural = _("reports reviewed")
        ordering = ["session", "pk"]

    def __str__(self):
        return self.title


class Resolution(TownshipScopedModel):
    """A resolution (决议) passed at a session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("session")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["session", "number"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="resolution_unique_number")]

    def __str__(self):
        return self.title


class Election(TownshipScopedModel):
    """An election or by-election held at a session: office, person, votes."""

    class Kind(models.TextChoices):
        ELECTION = "election", _("election")
        BY_ELECTION = "by_election", _("by-election")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="elections", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ELECTION)
    office = models.CharField(_("office"), max_length=100)
    person = models.CharField(_("person"), max_length=50)
    votes_for = models.PositiveIntegerField(_("votes for"), default=0)
    votes_cast = models.PositiveIntegerField(_("votes cast"), default=0)
    elected = models.BooleanField(_("elected"), default=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__lte=models.F("votes_cast")), name="election_votes_within_cast"
            )
        ]

    def __str__(self):
        return f"{self.office} {self.person}"


class SessionAttendance(TownshipScopedModel):
    """One deputy's attendance at a session. Every current deputy gets a row."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="session_attendances",
        verbose_name=_("deputy"),
    )
    status = models.CharField(
        _("attendance"), max_length=12, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = None  # one save touches 80 rows; the session's history records who changed it
    objects = live_parent_manager("session", "deputy")

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="session_attendance_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AttendanceStatus]),
                name="session_attendance_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.get_status_display()}"


class FloorSpeech(TownshipScopedModel):
    """A floor speech in review (审议发言) by a deputy at a session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="speeches", verbose_name=_("session")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="floor_speeches", verbose_name=_("deputy")
    )
    topic = models.CharField(_("topic"), max_length=200)

    class Meta:
        verbose_name = _("floor speech")
        verbose_name_plural = _("floor speeches")
        ordering = ["session", "pk"]

    def __str__(self):
        return f"{self.deputy}: {self.topic}"


class SessionPrepItem(TownshipScopedModel):
    """One item of the "五落实" preparation checklist, with who did it and when."""

    class Item(models.TextChoices):
        AGENDA = "agenda", _("agenda settled")
        REPORTS = "reports", _("reports drafted")
        ROSTER = "roster", _("deputy roster cleaned up, by-elections and inspections done")
        PUBLICITY = "publicity", _("publicity arranged")
        FUNDING = "funding", _("funding secured")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="prep_items", verbose_name=_("session")
    )
    item = models.CharField(_("checklist item"), max_length=12, choices=Item.choices)
    done_by = models.CharField(_("done by"), max_length=50, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("preparation item")
        verbose_name_plural = _("preparation checklist")
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "item"], name="prep_item_unique")]

    def __str__(self):
        return str(self.get_item_display())

    @property
    def is_done(self):
        return self.done_on is not None


# --- Presidium meetings ------------------------------------------------------------------


class PresidiumMeeting(VoidableModel):
    """A presidium meeting (主席团会议): at least one a quarter, ad hoc ones allowed."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular (quarterly)")
        AD_HOC = "ad_hoc", _("ad hoc")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("meeting number"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    chair = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chaired by"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Members of the presidium on the meeting date, kept so the majority rule stays checkable.
    member_count = models.PositiveSmallIntegerField(_("presidium members"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    void_children = ("agenda_items", "decisions")

    class Meta:
        verbose_name = _("presidium meeting")
        verbose_name_plural = _("presidium meetings")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"],
                condition=Q(voided_at__isnull=True),
                name="presidium_meeting_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="presidium_meeting_quarter_valid"
            ),
        ]
        indexes = [models.Index(fields=["township", "date"], name="pmeeting_township_date_idx")]

    def __str__(self):
        return self.title

    @property
    def title(self):
        from .naming import chinese_number

        return _("Term %(term)s presidium, meeting %(number)s") % {
            "term": chinese_number(self.term.number),
            "number": chinese_number(self.number),
        }

    @property
    def majority_needed(self):
        """Votes needed: more than half of all members (过半数), not of those present."""
        return self.member_count // 2 + 1


class AgendaItem(VoidableModel):
    """An agenda item of a presidium meeting, who reported it, and the vote on it."""

    class Kind(models.TextChoices):
        ORDINARY = "", _("ordinary item")
        PROPOSAL_PROGRESS = "proposal_progress", _("report on the handling of motions and suggestions")

    class Rank(models.TextChoices):
        PRINCIPAL = "principal", _("principal leader")
        DEPUTY = "deputy", _("leader in charge")
        MIDDLE = "middle", _("middle-level official")
        STAFF = "staff", _("staff member")

    meeting = models.ForeignKey(
        PresidiumMeeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    topic = models.CharField(_("topic"), max_length=200)
    reporting_unit = models.CharField(_("reporting unit"), max_length=100, blank=True)
    reporter = models.CharField(_("reported by"), max_length=50, blank=True)
    reporter_rank = models.CharField(_("rank of reporter"), max_length=10, choices=Rank.choices, blank=True)
    # A report on the handling of motions and suggestions (议案建议办理情况通报): its text is
    # filled with the proposal figures as of the meeting date (meetings.services).
    kind = models.CharField(_("kind of item"), max_length=20, choices=Kind.choices, blank=True, default="")
    text = models.TextField(_("text"), blank=True)
    # null = nothing put to the vote
    votes_for = models.PositiveSmallIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstain"), null=True, blank=True)

    void_parent = "meeting"

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return self.topic

    @property
    def was_voted(self):
        return self.votes_for is not None

    @property
    def passed(self):
        """Passed when the votes for exceed half of ALL presidium members."""
        if not self.was_voted:
            return None
        return self.votes_for >= self.meeting.majority_needed


class PresidiumAttendance(TownshipScopedModel):
    """A presidium member's attendance at a presidium meeting."""

    meeting = models.ForeignKey(
        PresidiumMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="presidium_attendances",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("attendance"), max_length=12, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = None
    objects = live_parent_manager("meeting", "deputy")

    class Meta:
        verbose_name = _("presidium attendance")
        verbose_name_plural = _("presidium attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "deputy"], name="presidium_attendance_unique"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AttendanceStatus]),
                name="presidium_attendance_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.get_status_display()}"


class NonVotingAttendee(TownshipScopedModel):
    """Someone attending a presidium meeting without a vote (列席): an official or a deputy."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("government official")
        DEPUTY = "deputy", _("deputy")

    meeting = models.ForeignKey(
        PresidiumMeeting, on_delete=models.CASCADE, related_name="non_voting", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="presidium_non_voting",
        verbose_name=_("deputy"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    post = models.CharField(_("unit and post"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("non-voting attendee")
        verbose_name_plural = _("non-voting attendees")
        ordering = ["meeting", "kind", "pk"]

    def __str__(self):
        return str(self.deputy) if self.deputy_id else self.name


class Decision(VoidableModel):
    """A review opinion (审议意见) or decision (决定), numbered per term, followed up until done."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("review opinion")
        DECISION = "decision", _("decision")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("completed")
        OVERDUE = "overdue", _("overdue")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.OVERDUE)

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPINION)
    meeting = models.ForeignKey(
        PresidiumMeeting,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("adopted at"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=100)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reported_at = models.ForeignKey(
        PresidiumMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions_reported",
        verbose_name=_("completion reported at"),
    )

    void_parent = "meeting"

    class Meta:
        verbose_name = _("decision or review opinion")
        verbose_name_plural = _("decisions and review opinions")
        ordering = ["-term__number", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"], condition=Q(voided_at__isnull=True), name="decision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "overdue"]),
                name="decision_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False) | ~Q(status="done"),
                name="decision_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["township", "status", "deadline"], name="decision_followup_idx")]

    def __str__(self):
        return f"{self.number_label} {self.title}"

    @property
    def number_label(self):
        return _("No. %(number)s") % {"number": self.number}

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class DecisionProgress(TownshipScopedModel):
    """A progress note on a decision's follow-up (督办)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="progress_notes", verbose_name=_("decision")
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("progress made"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = None
    objects = live_parent_manager("decision")

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["decision", "date", "pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note[:30]}"


# --- Deputy activities -------------------------------------------------------------------


class Activity(VoidableModel):
    """A deputy activity of one kind: group activity, inspection, reception, 述职 …"""

    class Kind(models.TextChoices):
        GROUP = "group", _("group activity")
        INSPECTION = "inspection", _("inspection")
        INVESTIGATION = "investigation", _("investigation")
        LAW_CHECK = "law_check", _("law-enforcement check")
        EVALUATION = "evaluation", _("work evaluation")
        TRAINING = "training", _("training")
        RECEPTION = "reception", _("voter reception")
        REPORT = "report", _("report to voters")
        VISIT = "visit", _("voter visit")

    class Organiser(models.TextChoices):
        PRESIDIUM = "presidium", _("presidium")
        GROUP = "group", _("deputy group")
        STATION = "station", _("liaison station")
        HIGHER = "higher", _("higher-level congress")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    start_date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(
        _("organiser"), max_length=10, choices=Organiser.choices, default=Organiser.PRESIDIUM
    )
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("liaison station"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    law_name = models.CharField(_("law checked"), max_length=200, blank=True)
    target = models.CharField(_("unit or official evaluated"), max_length=200, blank=True)
    invited_officials = models.CharField(_("invited officials"), max_length=300, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    suggestions_count = models.PositiveSmallIntegerField(_("suggestions raised"), default=0)
    # Voter reception: public notice date (at least 3 working days before).
    notice_date = models.DateField(_("notice published on"), null=True, blank=True)
    # 述职 and work evaluation: how many voters/raters took part, and the secret-ballot tallies.
    # Voter visit and reception: the voters reached (a head count, kept as entered).
    voter_count = models.PositiveIntegerField(_("voters taking part"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households visited"), null=True, blank=True)
    rating_excellent = models.PositiveIntegerField(_("excellent"), null=True, blank=True)
    rating_competent = models.PositiveIntegerField(_("competent"), null=True, blank=True)
    rating_incompetent = models.PositiveIntegerField(_("incompetent"), null=True, blank=True)
    rating_satisfied = models.PositiveIntegerField(_("satisfied"), null=True, blank=True)
    rating_basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), null=True, blank=True)
    rating_unsatisfied = models.PositiveIntegerField(_("unsatisfied"), null=True, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        through="ActivityParticipation",
        related_name="activities",
        verbose_name=_("participating deputies"),
    )

    # A reception's issues go with it; rota entries stay (the turn was planned on its own).
    void_children = ("attachments", "issues")

    class Meta:
        verbose_name = _("deputy activity")
        verbose_name_plural = _("deputy activities")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["township", "kind", "start_date"], name="activity_township_kind_idx"),
            models.Index(fields=["township", "start_date"], name="activity_township_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_end_after_start",
            ),
        ]

    def __str__(self):
        return self.topic

    @property
    def quarter(self):
        return _quarter_of(self.start_date)


class ActivityParticipation(TownshipScopedModel):
    """A deputy taking part in an activity; `role` says on duty (reception) or reporting (述职)."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        ON_DUTY = "on_duty", _("on duty")
        REPORTER = "reporter", _("reporting deputy")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name=_("activity")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="activity_participations",
        verbose_name=_("deputy"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)

    history = None
    objects = live_parent_manager("activity", "deputy")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"], name="participation_unique")]

    def __str__(self):
        return f"{self.deputy} · {self.activity}"


class ActivityAttachment(VoidableModel):
    """A photo or scanned record (sign-in sheet) archived with an activity."""

    ALLOWED_EXTENSIONS = ("jpg", "jpeg", "png", "pdf")
    MAX_SIZE = 10 * 1024 * 1024

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to="meetings/activities/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    history = None
    void_parent = "activity"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class DeputyContact(VoidableModel):
    """A presidium member's contact with a deputy (人大联系代表, the first half of 两联一述):
    members contact deputies at least 12 times a year, at least once a month, with a record."""

    class Method(models.TextChoices):
        VISIT = "visit", _("home or workplace visit")
        MEETING = "meeting", _("discussion meeting")
        PHONE = "phone", _("phone or online")
        OTHER = "other", _("other")

    member = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="contacts_made",
        verbose_name=_("presidium member"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="contacts_received",
        verbose_name=_("deputy contacted"),
    )
    date = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, default=Method.VISIT)
    note = models.CharField(_("what was discussed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact with a deputy")
        verbose_name_plural = _("contacts with deputies")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["township", "date"], name="contact_township_date_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(member=models.F("deputy")), name="contact_not_self")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.member} → {self.deputy}"


class ReceptionIssue(VoidableModel):
    """An issue a voter raised at a voter reception (the visitors' register and the transfer card
    of 两簿两卡), followed through the eight steps 公布 → 接待 → 梳理 → 交办 → 督办 → 回复 → 反馈
    → 归档: 公布 is the reception's public notice, the other steps are this row's state and dates.

    Matters for courts, arbitration or administrative review, complaints against officials
    (petition channels) and private matters are redirected, not handled: sorting one of those
    records what the voter was told, which is the reply."""

    class Classification(models.TextChoices):
        GOVERNMENT = "government", _("for the township government and its departments")
        COURT = "court", _("redirected: litigation")
        ARBITRATION = "arbitration", _("redirected: arbitration or administrative review")
        PETITION = "petition", _("redirected: petition channels")
        PRIVATE = "private", _("private matter")

    REDIRECTED = ("court", "arbitration", "petition", "private")

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSIGNED = "assigned", _("assigned for handling")
        SUPERVISED = "supervised", _("under supervision")
        REPLIED = "replied", _("replied to the voter")
        FEEDBACK = "feedback", _("voter's feedback recorded")
        ARCHIVED = "archived", _("archived")

    OPEN_STATES = ("received", "assigned", "supervised")

    class Feedback(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY = "basically", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="issues", verbose_name=_("reception")
    )
    voter_name = models.CharField(_("voter"), max_length=50)
    voter_phone = models.CharField(_("voter's phone"), max_length=20, blank=True)
    voter_address = models.CharField(_("village or address"), max_length=100, blank=True)
    content = models.TextField(_("issue raised"))
    received_by = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues_received",
        verbose_name=_("received by"),
    )
    state = models.CharField(_("step"), max_length=12, choices=State.choices, default=State.RECEIVED)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, blank=True
    )
    handler = models.CharField(_("handled by"), max_length=100, blank=True)
    assigned_on = models.DateField(_("sorted and assigned on"), null=True, blank=True)
    deadline = models.DateField(_("reply due"), null=True, blank=True)
    supervised_on = models.DateField(_("supervised on"), null=True, blank=True)
    supervision_note = models.TextField(_("supervision"), blank=True)
    reply = models.TextField(_("reply to the voter"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    feedback = models.CharField(_("voter's feedback"), max_length=12, choices=Feedback.choices, blank=True)
    feedback_note = models.CharField(_("what the voter said"), max_length=300, blank=True)
    feedback_on = models.DateField(_("feedback on"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)

    void_parent = "activity"

    class Meta:
        verbose_name = _("reception issue")
        verbose_name_plural = _("reception issues")
        ordering = ["-activity__start_date", "-pk"]
        indexes = [models.Index(fields=["township", "state"], name="issue_township_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=["received", "assigned", "supervised", "replied", "feedback", "archived"]
                ),
                name="issue_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    classification__in=["", "government", "court", "arbitration", "petition", "private"]
                ),
                name="issue_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(feedback__in=["", "satisfied", "basically", "unsatisfied"]),
                name="issue_feedback_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="received") | ~Q(classification=""), name="issue_sorted_has_class"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["replied", "feedback", "archived"]) | Q(replied_on__isnull=False),
                name="issue_replied_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.voter_name}: {self.content[:30]}"

    @property
    def is_redirected(self):
        return self.classification in self.REDIRECTED

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


# --- Year-end appraisals and commendations -------------------------------------------------


class Appraisal(VoidableModel):
    """A year-end appraisal (评议) of a deputy group's, a liaison station's or the presidium's work
    in a year: a grade (优秀/良好/一般/较差) or a score, who appraised it and when."""

    class Subject(models.TextChoices):
        GROUP = "group", _("deputy group")
        STATION = "station", _("liaison station")
        PRESIDIUM = "presidium", _("the presidium's work")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        FAIR = "fair", _("fair")
        POOR = "poor", _("poor")

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("appraised"), max_length=10, choices=Subject.choices)
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
        verbose_name=_("liaison station"),
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    date = models.DateField(_("appraised on"))
    appraised_by = models.CharField(_("appraised by"), max_length=100)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["year", "subject", "pk"]
        indexes = [models.Index(fields=["township", "year"], name="appraisal_township_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=["group", "station", "presidium"]), name="appraisal_subject_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=["", "excellent", "good", "fair", "poor"]), name="appraisal_grade_valid"
            ),
            models.CheckConstraint(
                condition=~Q(grade="") | Q(score__isnull=False), name="appraisal_grade_or_score"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="appraisal_score_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject="group", group__isnull=False, station__isnull=True)
                    | Q(subject="station", station__isnull=False, group__isnull=True)
                    | Q(subject="presidium", group__isnull=True, station__isnull=True)
                ),
                name="appraisal_subject_matches",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.subject_name} {self.result}"

    @property
    def subject_name(self):
        if self.subject == self.Subject.GROUP and self.group_id:
            return self.group.name
        if self.subject == self.Subject.STATION and self.station_id:
            return self.station.name
        return str(self.get_subject_display())

    @property
    def result(self):
        """The grade, the score, or both ("优秀（92.5分）")."""
        score = _("%(score)s points") % {"score": _score_text(self.score)} if self.score is not None else ""
        if self.grade and score:
            return f"{self.get_grade_display()}（{score}）"
        return str(self.get_grade_display()) if self.grade else str(score)


def _score_text(score):
    text = f"{score:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Commendation(VoidableModel):
    """A commendation of a year: 先进代表小组 (an advanced deputy group) or 优秀代表 (an excellent
    deputy, serving in that year), with the document that awarded it."""

    class Kind(models.TextChoices):
        GROUP = "group", _("advanced deputy group")
        DEPUTY = "deputy", _("excellent deputy")

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("commendation"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("deputy group"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name=_("deputy"),
    )
    document_no = models.CharField(_("document no."), max_length=60, blank=True)
    date = models.DateField(_("commended on"))
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["year", "kind", "pk"]
        indexes = [models.Index(fields=["township", "year"], name="commend_township_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["group", "deputy"]), name="commendation_kind_valid"),
            models.CheckConstraint(
                condition=(
                    Q(kind="group", group__isnull=False, deputy__isnull=True)
                    | Q(kind="deputy", deputy__isnull=False, group__isnull=True)
                ),
                name="commendation_kind_matches",
            ),
            models.UniqueConstraint(
                fields=["year", "group"],
                condition=Q(voided_at__isnull=True),
                name="commendation_group_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["year", "deputy"],
                condition=Q(voided_at__isnull=True),
                name="commendation_deputy_once_a_year",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.recipient_name}"

    @property
    def recipient_name(self):
        if self.kind == self.Kind.GROUP and self.group_id:
            return self.group.name
        return self.deputy.name if self.deputy_id else ""


# --- Yearly plans of deputy groups and liaison stations ------------------------------------


class PlannedActivity(VoidableModel):
    """One activity in the yearly plan of a deputy group or a liaison station: the month, the
    kind, the subject and a note. Compared with the activities the group or station held that
    month. The one record of a yearly plan (the groups' old free-text plans were copied in by
    migration meetings 0013)."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=15, choices=Activity.Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="planned_activities",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="planned_activities",
        verbose_name=_("liaison station"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        ordering = ["year", "month", "pk"]
        indexes = [models.Index(fields=["township", "year"], name="plan_township_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="planned_month_valid"),
            models.CheckConstraint(
                condition=Q(group__isnull=False, station__isnull=True)
                | Q(group__isnull=True, station__isnull=False),
                name="planned_group_or_station",
            ),
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d} {self.subject}"


class PlanNote(TownshipScopedModel):
    """The note of a deputy group's or liaison station's yearly plan as a whole (e.g. the groups'
    old free-text plans, copied in by migrations meetings 0013 and 0014). It belongs to the plan,
    not to one of its planned activities, so voiding an activity leaves it shown."""

    year = models.PositiveSmallIntegerField(_("year"))
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_notes",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_notes",
        verbose_name=_("liaison station"),
    )
    text = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("yearly plan note")
        verbose_name_plural = _("yearly plan notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, station__isnull=True)
                | Q(group__isnull=True, station__isnull=False),
                name="plan_note_group_or_station",
            ),
            models.UniqueConstraint(
                fields=["group", "year"],
                condition=Q(group__isnull=False),
                name="plan_note_one_per_group_year",
            ),
            models.UniqueConstraint(
                fields=["station", "year"],
                condition=Q(station__isnull=False),
                name="plan_note_one_per_station_year",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.group or self.station}"


# --- Reception rota of higher-level deputies --------------------------------------------------


class RotaEntry(VoidableModel):
    """A higher-level deputy's turn receiving voters at one of the township's liaison stations
    (seed 003: provincial deputies once a year, city deputies every half year, county deputies
    every quarter): planned by the secretary, then recorded as held or not held, with the voter
    reception activity it became when there is one."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        NOT_HELD = "not_held", _("not held")

    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="rota_entries", verbose_name=_("deputy")
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        on_delete=models.PROTECT,
        related_name="rota_entries",
        verbose_name=_("liaison station"),
    )
    date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rota_entries",
        verbose_name=_("voter reception"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reception rota entry")
        verbose_name_plural = _("reception rota entries")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["township", "date"], name="rota_township_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["planned", "held", "not_held"]), name="rota_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.deputy} · {self.station}"

    @property
    def current_state(self):
        """The state shown and counted (`rota_current_state()` in a query): a turn recorded as
        held whose voter reception was voided is not held, and is held again once the reception
        is restored; the state the office recorded is kept as it was."""
        if self.state == self.State.HELD and self.activity_id is not None and self.activity.is_voided:
            return self.State.NOT_HELD
        return self.state

    def get_current_state_display(self):
        return self.State(self.current_state).label


def rota_current_state():
    """RotaEntry.current_state as a query expression (annotate a queryset of rota entries)."""
    return models.Case(
        models.When(
            state=RotaEntry.State.HELD,
            activity__voided_at__isnull=False,
            then=models.Value(RotaEntry.State.NOT_HELD.value),
        ),
        default=models.F("state"),
        output_field=models.CharField(),
    )
