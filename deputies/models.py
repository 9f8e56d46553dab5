"""Deputies (人大代表), their mandates, groups, liaison stations and contact assignments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import Term, TownshipScopedModel, VoidableModel, live_parent_manager

from .choices import ETHNICITY_CHOICES


class Deputy(VoidableModel):
    """A person on a township's roster. Mandates (levels, terms) hang off it."""

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Affiliation(models.TextChoices):
        CPC = "cpc", _("CPC member")
        CPC_PROBATIONARY = "cpc_prob", _("CPC probationary member")
        YOUTH_LEAGUE = "league", _("Communist Youth League member")
        DEMOCRATIC_PARTY = "dem", _("democratic party member")
        NON_PARTY = "nonparty", _("non-party")
        MASSES = "masses", _("the masses")

    class DemocraticParty(models.TextChoices):
        MINGE = "minge", _("Revolutionary Committee of the Chinese Kuomintang")
        MINMENG = "minmeng", _("China Democratic League")
        MINJIAN = "minjian", _("China National Democratic Construction Association")
        MINJIN = "minjin", _("China Association for Promoting Democracy")
        NONGGONG = "nonggong", _("Chinese Peasants' and Workers' Democratic Party")
        ZHIGONG = "zhigong", _("China Zhi Gong Party")
        JIUSAN = "jiusan", _("Jiusan Society")
        TAIMENG = "taimeng", _("Taiwan Democratic Self-Government League")

    class Education(models.TextChoices):
        POSTGRADUATE = "postgrad", _("postgraduate")
        BACHELOR = "bachelor", _("bachelor")
        COLLEGE = "college", _("junior college")
        SECONDARY = "secondary", _("technical secondary")
        HIGH_SCHOOL = "high", _("high school")
        JUNIOR = "junior", _("junior middle school")
        PRIMARY = "primary", _("primary school")

    class Occupation(models.TextChoices):
        WORKER = "worker", _("worker")
        FARMER = "farmer", _("farmer")
        PROFESSIONAL = "professional", _("professional and technical")
        OFFICIAL = "official", _("party and government cadre")
        ENTERPRISE = "enterprise", _("enterprise manager")
        VILLAGE = "village", _("village cadre")
        MILITARY = "military", _("military")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=30)
    # Derived from the name on save by the deputy services: search and official orderings. No
    # index of their own: the roster search ORs them with `icontains` tests no index serves, and
    # the pinyin order has a plain index below (a field's db_index would add a LIKE index here
    # and both to the change history, for every row an import writes).
    name_pinyin = models.CharField(_("pinyin"), max_length=120, blank=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=30, blank=True)
    surname_strokes = models.PositiveSmallIntegerField(_("surname strokes"), default=0)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=ETHNICITY_CHOICES, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    affiliation = models.CharField(
        _("political affiliation"), max_length=10, choices=Affiliation.choices, blank=True
    )
    # GB/T 4762 names the party of a democratic party member; the roster keeps which one.
    democratic_party = models.CharField(
        _("democratic party"), max_length=10, choices=DemocraticParty.choices, blank=True
    )
    education = models.CharField(_("education"), max_length=10, choices=Education.choices, blank=True)
    occupation = models.CharField(
        _("occupation category"), max_length=15, choices=Occupation.choices, blank=True
    )
    work_unit = models.CharField(_("work unit and post"), max_length=200, blank=True)
    constituency = models.CharField(_("constituency"), max_length=100, blank=True)
    # 两联一述: the voters the deputy keeps in contact with (villages, groups, households).
    contact_voters = models.CharField(_("voters in contact (villages, groups)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    photo = models.ImageField(_("photo"), upload_to="deputies/photos/", blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["surname_strokes", "name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "id_number"],
                condition=~models.Q(id_number="") & models.Q(voided_at__isnull=True),
                name="deputy_unique_id_number_per_township",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "name"], name="deputy_township_name_idx"),
            models.Index(
                fields=["township", "surname_strokes", "name_pinyin"], name="deputy_township_strokes_idx"
            ),
            models.Index(fields=["surname_strokes", "name_pinyin", "id"], name="deputy_strokes_idx"),
            models.Index(fields=["name_pinyin"], name="deputy_pinyin_idx"),
        ]

    def __str__(self):
        return self.name


class Mandate(TownshipScopedModel):
    """One deputy's mandate at one level in one term; ending it keeps the history."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        CITY = "city", _("city")
        COUNTY = "county", _("county")
        TOWNSHIP = "township", _("township")

    class StartReason(models.TextChoices):
        ELECTED = "elected", _("elected")
        BY_ELECTION = "by_election", _("by-election")

    objects = live_parent_manager("deputy")

    class EndReason(models.TextChoices):
        TERM_ENDED = "term_ended", _("term ended")
        RESIGNED = "resigned", _("resigned")
        RECALLED = "recalled", _("recalled")
        TERMINATED = "terminated", _("mandate terminated")
        MOVED_AWAY = "moved_away", _("moved away")
        DECEASED = "deceased", _("deceased")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("deputy")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    # The township's own term for township mandates; higher levels record the term number only.
    term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("term"),
    )
    term_number = models.PositiveSmallIntegerField(_("term number"), null=True, blank=True)
    start_reason = models.CharField(
        _("how it began"), max_length=12, choices=StartReason.choices, default=StartReason.ELECTED
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("how it ended"), max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["deputy", "start_date"]
        indexes = [
            models.Index(fields=["township", "level", "start_date", "end_date"], name="mandate_active_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True, end_reason="")
                | models.Q(end_date__isnull=False) & ~models.Q(end_reason=""),
                name="mandate_end_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.get_level_display()}"

    @property
    def is_active(self):
        return self.end_date is None


class PresidiumMembership(TownshipScopedModel):
    """Members of the township presidium (主席团) in a term; quorum and majority count these."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        MEMBER = "member", _("member")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, verbose_name=_("term"))
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="presidium_memberships", verbose_name=_("deputy")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = live_parent_manager("deputy")

    class Meta:
        verbose_name = _("presidium member")
        verbose_name_plural = _("presidium members")
        constraints = [models.UniqueConstraint(fields=["term", "deputy"], name="presidium_unique_member")]

    def __str__(self):
        return f"{self.deputy} · {self.get_role_display()}"


class DeputyGroup(TownshipScopedModel):
    """A deputy group (代表小组): 10–15 deputies, a leader and a deputy leader."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, verbose_name=_("term"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    leader = models.ForeignKey(
        Deputy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("leader")
    )
    deputy_leader = models.ForeignKey(
        Deputy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy leader"),
    )
    activity_room = models.CharField(_("activity room"), max_length=200, blank=True)
    villages = models.CharField(_("villages it draws from"), max_length=300, blank=True)
    members = models.ManyToManyField(
        Deputy, through="GroupMembership", related_name="deputy_groups", verbose_name=_("members")
    )

    MIN_MEMBERS = 10
    MAX_MEMBERS = 15

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["term", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="group_unique_number")]

    def __str__(self):
        return self.name


class GroupMembership(TownshipScopedModel):
    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE, verbose_name=_("group"))
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, verbose_name=_("deputy"))
    # Denormalised from the group so the database can keep "one group per term" honest.
    term = models.ForeignKey(Term, on_delete=models.PROTECT, verbose_name=_("term"))

    objects = live_parent_manager("deputy")

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="membership_one_group_per_term")
        ]

    def __str__(self):
        return f"{self.deputy} · {self.group}"


class LiaisonStation(TownshipScopedModel):
    class Kind(models.TextChoices):
        STATION = "station", _("liaison station")
        HOME = "home", _("deputies' home")
        POINT = "point", _("liaison point")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATION)
    address = models.CharField(_("address"), max_length=200, blank=True)
    head = models.ForeignKey(
        Deputy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head")
    )
    deputy_heads = models.ManyToManyField(
        Deputy, blank=True, related_name="+", verbose_name=_("deputy heads")
    )
    liaison_officer = models.CharField(_("liaison officer"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("liaison officer phone"), max_length=30, blank=True)
    resident_deputies = models.ManyToManyField(
        Deputy, blank=True, related_name="liaison_stations", verbose_name=_("resident deputies")
    )
    villages = models.CharField(_("villages covered"), max_length=300, blank=True)
    reception_day = models.CharField(_("reception day"), max_length=100, blank=True)
    rules = models.TextField(_("posted rules"), blank=True)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ContactAssignment(TownshipScopedModel):
    """Which presidium member contacts which deputy in a term."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, verbose_name=_("term"))
    member = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="contacts_assigned", verbose_name=_("presidium member")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="contacted_by", verbose_name=_("deputy contacted")
    )

    class Meta:
        verbose_name = _("contact assignment")
        verbose_name_plural = _("contact assignments")
        constraints = [models.UniqueConstraint(fields=["term", "member", "deputy"], name="contact_unique")]

    def __str__(self):
        return f"{self.member} → {self.deputy}"
