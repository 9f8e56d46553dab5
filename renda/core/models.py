"""Organisation: county, townships, congress terms, users; the base model every domain row uses."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import roles


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class County(TimeStampedModel):
    """The one county (or district) an installation serves."""

    name = models.CharField(_("county name"), max_length=50)
    committee_name = models.CharField(_("standing committee name"), max_length=80)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("county")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()


class Township(TimeStampedModel):
    class Kind(models.TextChoices):
        XIANG = "xiang", _("township (乡)")
        ZHEN = "zhen", _("town (镇)")
        JIEDAO = "jiedao", _("subdistrict (街道)")

    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ZHEN)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["display_order", "code"]

    def __str__(self):
        return self.name

    @property
    def has_presidium(self):
        """A subdistrict has a 人大工委 instead of a presidium."""
        return self.kind != self.Kind.JIEDAO


class Term(TimeStampedModel):
    """A congress term (届) of a township, five years."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="terms", verbose_name=_("township")
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("congress term")
        verbose_name_plural = _("congress terms")
        ordering = ["township", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="term_end_after_start",
            ),
        ]

    def __str__(self):
        return _("Term %(number)s") % {"number": self.number}

    @property
    def label(self):
        return _("Term %(number)s") % {"number": self.number}


class User(AbstractUser):
    """A user belongs to exactly one township (township roles) or to none (county roles)."""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("township"),
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def role(self):
        """The user's role code (see roles.ROLES), from group membership."""
        if self.is_superuser:
            return roles.ADMIN
        names = getattr(self, "_group_names", None)  # set by the authentication backend
        if names is None:
            names = {g.name for g in self.groups.all()}
        for code in roles.ROLE_PRIORITY:
            if code in names:
                return code
        return None

    @property
    def role_label(self):
        return roles.ROLE_LABELS.get(self.role, _("no role"))


class TownshipQuerySet(models.QuerySet):
    """Domain querysets. Which rows a user may see is decided by `renda.core.access` only."""

    def for_township(self, township):
        return self.filter(township=township)


class InheritedHistory(HistoricalRecords):
    """HistoricalRecords(inherit=True) that a subclass turns off with `history = None`.
    simple-history registers every subclass of the model it is declared on (it listens to every
    model's class_prepared), whatever the subclass says: without this, `history = None` still
    made a history table, wrote a history row on every save and put the history manager back."""

    def finalize(self, sender, **kwargs):
        if sender is not self.cls and sender.__dict__.get(self.manager_name, self) is None:
            return
        super().finalize(sender, **kwargs)


class TownshipScopedModel(TimeStampedModel):
    """Base model of every domain row: township, timestamps, change history, scoping."""

    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
        db_index=True,
    )

    objects = TownshipQuerySet.as_manager()
    history = InheritedHistory(inherit=True)  # `history = None` in a subclass: no history

    class Meta:
        abstract = True


class LiveManager(models.Manager):
    """The default manager of a voidable model: voided rows are left out, so every list, count,
    choice list and document drops them without asking (`all_objects` keeps them)."""

    def get_queryset(self):
        return super().get_queryset().filter(voided_at__isnull=True)


class LiveTownshipManager(LiveManager.from_queryset(TownshipQuerySet)):  # type: ignore[misc]
    pass


class LiveParentManager(models.Manager.from_queryset(TownshipQuerySet)):  # type: ignore[misc]
    """The default manager of a row that hangs off voidable parents (a participation, an
    attendance, a mandate): rows of a voided parent are left out like the parent itself.
    Made by `live_parent_manager("activity", "deputy")`."""

    parents: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.filter(**{f"{parent}__voided_at__isnull": True for parent in self.parents})


def live_parent_manager(*parents):
    """A default manager leaving out the rows whose `parents` (foreign keys) are voided."""
    return type("LiveParentManager", (LiveParentManager,), {"parents": parents})()


class VoidableModel(TownshipScopedModel):
    """A record the office enters and may void with a reason (entered by mistake): a voided row
    leaves every list, count and document (the default manager `objects` leaves it out), stays
    in the change history with who, when and why, and the chair can restore it
    (renda.core.services.record_void / record_restore). `all_objects` includes voided rows;
    foreign keys to a voided row still resolve (the base manager is Django's plain one)."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True, editable=False)

    objects = LiveTownshipManager()
    all_objects = TownshipQuerySet.as_manager()

    # Reverse relations whose rows are voided (and restored) together with this record.
    void_children: tuple[str, ...] = ()
    # The foreign key to the record this one is voided with (restored only after it).
    void_parent: str | None = None

    class Meta:
        abstract = True

    @property
    def is_voided(self):
        return self.voided_at is not None


def voidable_models():
    """Every concrete model whose records can be voided."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, VoidableModel)]


LIVE = models.Q(voided_at__isnull=True)


class DocumentJob(TownshipScopedModel):
    """A document built in the background: who asked, progress, the file or the error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    # County-wide documents (all townships) have no township.
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("township"),
    )
    kind = models.CharField(_("document kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="document_jobs",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    # The name the user downloads: storage names drop brackets and spaces (交办单（闭会期间）…).
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    history = None

    class Meta:
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="documentjob_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="documentjob_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="documentjob_progress_max_100"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self):
        if not self.file:
            return ""
        return self.file_name or self.file.name.rsplit("/", 1)[-1]


class Reminder(TownshipScopedModel):
    """Something a township's staff must act on, created by beat jobs; `key` keeps them idempotent."""

    key = models.CharField(_("key"), max_length=120)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    history = None

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["done", "due_date"]
        constraints = [models.UniqueConstraint(fields=["township", "key"], name="reminder_unique_key")]

    def __str__(self):
        return self.text


# What the audit log's action codes mean (the codes stay in the database; people read these).
AUDIT_ACTIONS = {
    "download": _("file downloaded"),
    "export_requested": _("export requested"),
    "deputies_roster_import": _("roster imported"),
    "deputies_roster_export": _("roster exported"),
    "export_register": _("register exported"),
    "township_backup": _("township backed up"),
    "township_restore": _("township restored"),
    "record_voided": _("record voided"),
    "record_restored": _("voided record restored"),
    "record_deleted": _("unreferenced record deleted"),
}


class AuditEvent(models.Model):
    """Every export and import is recorded: who, when, what, how many rows."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("user")
    )
    township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("township")
    )
    action = models.CharField(_("action"), max_length=50)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self):
        return str(AUDIT_ACTIONS.get(self.action, self.action))


class SubmissionToken(models.Model):
    """One submitted form (create form, workflow action, import confirm): the token the page
    carried, who sent it and where its result is. Written in the same transaction as the form's
    effect, so a second submit of the same page (a double click, a reload, a second tab) finds
    it, writes nothing and is shown the first result (see IdempotentSubmitMiddleware)."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("path"), max_length=300)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return f"{self.token} {self.path}"
