"""Year-end assessment (代表履职考核): scoring schemes, computed results, manual adjustments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import TimeStampedModel, Township, TownshipQuerySet, TownshipScopedModel


class ScopedNoHistoryModel(TimeStampedModel):
    """Township-scoped like TownshipScopedModel, but with no simple-history signals: results are
    written and replaced in bulk (a history signal per row would make a county's year take minutes)."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"), db_index=True
    )

    objects = TownshipQuerySet.as_manager()

    class Meta:
        abstract = True


class ScoringScheme(TownshipScopedModel):
    """The rules one township scores one year by; copied from the previous year's."""

    class PartialYear(models.TextChoices):
        PRORATE = "prorate", _("prorate: counts scaled to a full year")
        FULL = "full", _("count as recorded")
        EXCLUDE = "exclude", _("exclude deputies who did not serve the whole year")

    year = models.PositiveSmallIntegerField(_("year"))
    # The rules a scheme started from (defaults.PRESETS), shown as its name; items stay editable.
    name = models.CharField(_("scheme name"), max_length=100, blank=True)
    partial_year = models.CharField(
        _("deputies who served part of the year"),
        max_length=10,
        choices=PartialYear.choices,
        default=PartialYear.PRORATE,
    )
    excellent_min = models.DecimalField(
        _("excellent from (points)"), max_digits=6, decimal_places=1, default=Decimal("90")
    )
    competent_min = models.DecimalField(
        _("competent from (points)"), max_digits=6, decimal_places=1, default=Decimal("60")
    )
    basic_min = models.DecimalField(
        _("basically competent from (points)"), max_digits=6, decimal_places=1, default=Decimal("40")
    )
    excellent_max_percent = models.PositiveSmallIntegerField(
        _("at most this % excellent"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["township", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="scheme_unique_township_year"),
            models.CheckConstraint(
                condition=models.Q(excellent_min__gt=models.F("competent_min"))
                & models.Q(competent_min__gt=models.F("basic_min")),
                name="scheme_grade_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(excellent_max_percent__isnull=True)
                | models.Q(excellent_max_percent__lte=100),
                name="scheme_excellent_percent_max_100",
            ),
        ]

    def __str__(self):
        return _("%(township)s scoring scheme %(year)s") % {"township": self.township, "year": self.year}


class ScoringItem(TownshipScopedModel):
    """One line of the scoresheet: where its count comes from and how the count becomes points."""

    class Source(models.TextChoices):
        SESSION_PERFECT = "session_perfect", _("attended every session, no absence, lateness or early leave")
        SESSION_ATTENDED = "session_attended", _("sessions attended")
        SESSION_UNEXCUSED = "session_unexcused", _("sessions missed without leave")
        PRESIDIUM_PERFECT = "presidium_perfect", _("attended every presidium meeting invited to")
        PRESIDIUM_NO_UNEXCUSED = (
            "presidium_ok",
            _("called to presidium meetings, no unexcused absence, lateness or early leave"),
        )
        PRESIDIUM_UNEXCUSED = "presidium_unexcused", _("presidium meetings missed without leave")
        GROUP_ACTIVITIES = "group_activities", _("group activities attended")
        INSPECTIONS = "inspections", _("inspections, investigations and law-enforcement checks attended")
        RECEPTIONS = "receptions", _("voter receptions on duty")
        VOTER_CONTACTS = "voter_contacts", _("voter visits")
        TRAININGS = "trainings", _("trainings attended")
        PROPOSALS_LEAD = "proposals_lead", _("motions and suggestions submitted as lead deputy")
        PROPOSALS_ANY = "proposals_any", _("motions and suggestions submitted, lead or co-signer")
        PROPOSALS_COSIGNED = "proposals_cosigned", _("motions and suggestions co-signed")
        SPEECHES = "speeches", _("floor speeches at sessions")
        SPEAKERS = "speakers", _("spoke in review (a group: members who spoke)")
        EVALUATIONS = "evaluations", _("work evaluations (工作评议) taken part in")
        REPORT_DONE = "report_done", _("reports to voters (述职) given")
        REPORT_EXCELLENT = "report_excellent", _("report to voters rated excellent by most voters")
        MANUAL = "manual", _("entered by hand")

    class Scope(models.TextChoices):
        DEPUTY = "deputy", _("each deputy")
        GROUP = "group", _("each deputy group")

    class Rule(models.TextChoices):
        FIXED = "fixed", _("fixed award when the count reaches a minimum")
        BASELINE = (
            "baseline",
            _("baseline count: points at the baseline, plus or minus per item more or fewer"),
        )
        PER_OCCURRENCE = "per_occurrence", _("points for each occurrence")
        FIRST_AND_FURTHER = "first_further", _("points for the first occurrence, more for each further one")
        DEDUCTION = "deduction", _("deduction for each occurrence")

    scheme = models.ForeignKey(
        ScoringScheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("scheme")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    scope = models.CharField(_("scored for"), max_length=8, choices=Scope.choices, default=Scope.DEPUTY)
    category = models.CharField(_("item group"), max_length=30, help_text=_("e.g. meetings, activities"))
    name = models.CharField(_("item"), max_length=60)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    rule = models.CharField(_("points rule"), max_length=16, choices=Rule.choices)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=1,
        help_text=_(
            "Award, points at the baseline, points per occurrence, or the first occurrence's points."
        ),
    )
    step = models.DecimalField(
        _("step points"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        help_text=_("Per item more or fewer (baseline), per further occurrence, or deducted per occurrence."),
    )
    count = models.PositiveSmallIntegerField(
        _("baseline or minimum count"),
        default=1,
        help_text=_("The baseline (rule 'baseline') or the minimum count for the award."),
    )
    floor = models.DecimalField(_("floor"), max_digits=6, decimal_places=1, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(floor__isnull=True)
                | models.Q(cap__isnull=True)
                | models.Q(cap__gte=models.F("floor")),
                name="item_cap_not_below_floor",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def key(self):
        return str(self.pk)


class Assessment(TownshipScopedModel):
    """One township's assessment of one year: its state and the scheme snapshot it was computed with."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        LOCKED = "locked", _("locked")

    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The items, rules and grade thresholds the results were computed with: later scheme edits
    # never alter a computed (and above all a locked) year.
    snapshot = models.JSONField(_("scheme used"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    deputy_count = models.PositiveIntegerField(_("deputies scored"), default=0)
    average = models.DecimalField(_("average score"), max_digits=7, decimal_places=1, default=Decimal("0"))
    dormant_count = models.PositiveIntegerField(_("dormant deputies"), default=0)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["township", "-year"]
        permissions = [("signoff_lock_assessment", "Can lock a year's assessment")]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="assessment_unique_township_year"),
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "published", "locked"]), name="assessment_state_valid"
            ),
        ]

    def __str__(self):
        return _("%(township)s assessment %(year)s") % {"township": self.township, "year": self.year}

    @property
    def is_locked(self):
        return self.state == self.State.LOCKED

    @property
    def items(self):
        """The items scored for each deputy (older snapshots have no scope: all deputies)."""
        return [i for i in self.snapshot.get("items", []) if i.get("scope", "deputy") == "deputy"]

    @property
    def group_items(self):
        """The items scored for each deputy group (seed 003 addresses its rules to groups)."""
        return [i for i in self.snapshot.get("items", []) if i.get("scope") == "group"]


class ScoreResult(ScopedNoHistoryModel):
    """One deputy's score in one assessment; `lines` holds each item's count and points."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        COMPETENT = "competent", _("competent")
        BASIC = "basic", _("basically competent")
        INCOMPETENT = "incompetent", _("incompetent")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="results", verbose_name=_("assessment")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="score_results", verbose_name=_("deputy")
    )
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy group"),
    )
    served_days = models.PositiveSmallIntegerField(_("days served"))
    year_days = models.PositiveSmallIntegerField(_("days in the year"))
    # [{"item": key, "count": n, "effective": x, "points": "p", "adjustment": "a", "reason": "..."}]
    lines = models.JSONField(_("lines"), default=list)
    computed_total = models.DecimalField(_("computed points"), max_digits=7, decimal_places=1)
    adjustment_total = models.DecimalField(
        _("adjustments"), max_digits=7, decimal_places=1, default=Decimal("0")
    )
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1)
    rank = models.PositiveIntegerField(_("rank"))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    dormant = models.BooleanField(_("dormant (no session, activity or proposal)"), default=False)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "deputy"], name="score_unique_deputy"),
            models.CheckConstraint(
                condition=models.Q(grade__in=["excellent", "competent", "basic", "incompetent"]),
                name="score_grade_valid",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "total"], name="score_assessment_total_idx")]

    def __str__(self):
        return f"{self.deputy_id} {self.total}"


class ScoreAdjustment(ScopedNoHistoryModel):
    """A manual change to one line of one deputy's score, with its reason. Rows are never edited:
    the latest row of (assessment, deputy, item) is the line's current adjustment."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("assessment")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy")
    )
    item_key = models.CharField(_("item"), max_length=20)
    item_name = models.CharField(_("item name"), max_length=60)
    points = models.DecimalField(_("adjustment (points)"), max_digits=6, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        ordering = ["assessment", "deputy", "-created_at", "-pk"]
        indexes = [models.Index(fields=["assessment", "deputy", "item_key"], name="adjustment_line_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="adjustment_reason_required"),
        ]

    def __str__(self):
        return f"{self.item_name} {self.points:+}"


class GroupScoreResult(ScopedNoHistoryModel):
    """One deputy group's score in one assessment, from the items scored for groups (seed 003
    addresses its rules to 各代表小组); `lines` as in ScoreResult."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="group_results", verbose_name=_("assessment")
    )
    group = models.ForeignKey(
        "deputies.DeputyGroup", on_delete=models.CASCADE, related_name="+", verbose_name=_("deputy group")
    )
    members = models.PositiveSmallIntegerField(_("members scored"))
    lines = models.JSONField(_("lines"), default=list)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=1)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        verbose_name = _("group score")
        verbose_name_plural = _("group scores")
        ordering = ["assessment", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "group"], name="group_score_unique")]

    def __str__(self):
        return f"{self.group_id} {self.total}"
