import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.access import access_for
from renda.core.forms import BootstrapFormMixin, DateInput, Picker
from renda.core.models import Term
from renda.core.terms import term_on

from .choices import ETHNICITY_CHOICES
from .models import Deputy, DeputyGroup, LiaisonStation, Mandate, PresidiumMembership
from .selectors import deputy_choices, deputy_group_picks, deputy_serving, deputy_serving_during_q


def querysets_ready(form):
    """Call at the end of __init__ after narrowing querysets. BootstrapFormMixin reads
    `self.errors` inside __init__ (to mark invalid fields), which validates the form against the
    class-level querysets (.none()); throw that result away and validate again."""
    if not form.is_bound:
        return
    form._errors = None
    for name, field in form.fields.items():
        if name in form.errors and "is-invalid" not in field.widget.attrs.get("class", ""):
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " is-invalid").strip()


class DeputyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Deputy
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "affiliation",
            "democratic_party",
            "education",
            "occupation",
            "work_unit",
            "constituency",
            "contact_voters",
            "phone",
            "photo",
            "notes",
        ]
        # A plain file input: the clearable one links the current photo by its /media/ URL, which is
        # not served (the form page shows it through deputies:photo).
        widgets = {
            "birth_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.FileInput,
        }
        help_texts = {"id_number": _("18 characters; the birth date and gender are checked against it.")}

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip().replace(" ", "").replace("-", "")
        if phone and not phone.isdigit():
            raise forms.ValidationError(_("A phone number has digits only."))
        return phone


class FirstMandateForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("level"), choices=Mandate.Level.choices, initial=Mandate.Level.TOWNSHIP)
    term = forms.ModelChoiceField(label=_("term"), queryset=Term.objects.none(), required=False)
    term_number = forms.IntegerField(label=_("term number (higher levels)"), required=False, min_value=1)
    start_reason = forms.ChoiceField(label=_("how it began"), choices=Mandate.StartReason.choices)
    start_date = forms.DateField(
        label=_("election date (当选日期)"),
        widget=DateInput(),
        help_text=_("The deputy serves, and counts, from this day: not from the term's first day."),
    )

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(township=township).order_by("-number")
        if not township.has_presidium:  # a 街道 has no township congress, so no township deputies
            self.fields["level"].choices = [
                c for c in Mandate.Level.choices if c[0] != Mandate.Level.TOWNSHIP
            ]
            self.fields["level"].initial = Mandate.Level.COUNTY
            del self.fields["term"]
        current = term_on(township=township)
        if current and "term" in self.fields:
            self.fields["term"].initial = current.pk
            # no default election date: assuming the term's first day graded late arrivals for
            # the whole year; the secretary types the 当选日期
        querysets_ready(self)

    def clean(self):
        data = super().clean()
        if data.get("level") == Mandate.Level.TOWNSHIP and "term" in self.fields and not data.get("term"):
            self.add_error("term", _("A township mandate needs the township's term."))
        if data.get("level") and data.get("level") != Mandate.Level.TOWNSHIP and not data.get("term_number"):
            self.add_error("term_number", _("Give the term number of this level."))
        return data


class MandateEndForm(BootstrapFormMixin, forms.Form):
    end_reason = forms.ChoiceField(label=_("how it ended"), choices=Mandate.EndReason.choices)
    end_date = forms.DateField(label=_("end date"), widget=DateInput())
    note = forms.CharField(
        label=_("reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _deputy_field(township, label, required=False, multiple=False):
    qs = deputy_choices(township=township)
    if multiple:
        return forms.ModelMultipleChoiceField(
            label=label,
            queryset=qs,
            required=required,
            widget=Picker(groups=deputy_group_picks(township=township)),
        )
    return forms.ModelChoiceField(label=label, queryset=qs, required=required)


class GroupForm(BootstrapFormMixin, forms.Form):
    term = forms.ModelChoiceField(label=_("term"), queryset=Term.objects.none())
    number = forms.IntegerField(label=_("number"), min_value=1)
    name = forms.CharField(label=_("name"), max_length=60)
    activity_room = forms.CharField(label=_("activity room"), max_length=200, required=False)
    villages = forms.CharField(label=_("villages it draws from"), max_length=300, required=False)

    def __init__(self, *args, township, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(township=township).order_by("-number")
        members = DeputyGroup.objects.none()
        if group is not None:
            from .models import Deputy as D

            members = D.objects.filter(groupmembership__group=group).order_by(
                "surname_strokes", "name_pinyin"
            )
        self.fields["leader"] = forms.ModelChoiceField(label=_("leader"), queryset=members, required=False)
        self.fields["deputy_leader"] = forms.ModelChoiceField(
            label=_("deputy leader"), queryset=members, required=False
        )
        if group is None:
            del self.fields["leader"], self.fields["deputy_leader"]
            current = term_on(township=township)
            if current:
                self.fields["term"].initial = current.pk
        querysets_ready(self)


class MembersForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, township, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"] = _deputy_field(township, label, multiple=True)
        self.fields["members"].help_text = _("Hold Ctrl (or ⌘) to choose several.")
        querysets_ready(self)


class StationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = LiaisonStation
        fields = [
            "name",
            "kind",
            "address",
            "head",
            "deputy_heads",
            "liaison_officer",
            "liaison_phone",
            "villages",
            "reception_day",
            "rules",
        ]
        widgets = {"rules": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        qs = deputy_choices(township=township)
        self.fields["head"].queryset = qs
        self.fields["deputy_heads"].queryset = qs
        self.fields["deputy_heads"].help_text = _("One or two. Hold Ctrl (or ⌘) to choose several.")
        querysets_ready(self)


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx, .xls or .csv)"))


class ImportConfirmForm(BootstrapFormMixin, forms.Form):
    """The choices the preview asks for before the import is written."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    elected_on = forms.DateField(
        label=_("Date of election for the new mandates"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The sheet has no 当选日期 for them: the new mandates start on this date."),
    )
    create_groups = forms.BooleanField(label=_("Create the missing deputy groups"), required=False)


ETHNICITY_FILTER_CHOICES = [
    ("", _("All ethnicities")),
    ("han", _("Han")),
    ("minority", _("ethnic minorities")),
] + list(ETHNICITY_CHOICES[1:])


class RosterFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("name, pinyin initials or unit")}),
    )
    level = forms.ChoiceField(
        label=_("level"), required=False, choices=[("", _("All levels"))] + Mandate.Level.choices
    )
    group = forms.ModelChoiceField(
        label=_("deputy group"),
        required=False,
        queryset=DeputyGroup.objects.none(),
        empty_label=_("All groups"),
    )
    station = forms.ModelChoiceField(
        label=_("liaison station"),
        required=False,
        queryset=LiaisonStation.objects.none(),
        empty_label=_("All stations"),
    )
    gender = forms.ChoiceField(
        label=_("gender"), required=False, choices=[("", _("All"))] + Deputy.Gender.choices
    )
    ethnicity = forms.ChoiceField(label=_("ethnicity"), required=False, choices=ETHNICITY_FILTER_CHOICES)
    affiliation = forms.ChoiceField(
        label=_("political affiliation"),
        required=False,
        choices=[("", _("All"))] + Deputy.Affiliation.choices,
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("current", _("serving")), ("former", _("no longer serving")), ("all", _("everyone"))],
    )
    term = forms.ModelChoiceField(
        label=_("term"), required=False, queryset=Term.objects.none(), empty_label=_("All terms")
    )
    sort = forms.ChoiceField(
        label=_("order"), required=False, choices=[("strokes", _("surname strokes")), ("pinyin", _("pinyin"))]
    )

    def __init__(self, *args, user, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = access_for(user).scope(DeputyGroup).select_related("term", "township")
        stations = access_for(user).scope(LiaisonStation).select_related("township")
        terms = Term.objects.select_related("township").order_by("township__display_order", "-number")
        if township is not None:  # one township: the options show only names and numbers
            groups, stations, terms = (
                groups.filter(township=township).select_related(None).only("id", "name"),
                stations.filter(township=township).select_related(None).only("id", "name"),
                terms.filter(township=township).select_related(None).only("id", "number"),
            )
            # in the township's order without joining the township to sort by it
            groups = groups.order_by("-term__number", "number")
            stations, terms = stations.order_by("name"), terms.order_by("-number")
        else:
            groups = groups.order_by("township__display_order", "-term__number", "number")
            stations = stations.order_by("township__display_order", "name")
            if not access_for(user).is_county:
                terms = terms.filter(township__in=access_for(user).townships())
        self.fields["group"].queryset = groups
        self.fields["station"].queryset = stations
        self.fields["term"].queryset = terms
        if township is None and access_for(user).is_county:
            # County-wide: a list of every township's groups would be unusable; pick a township first.
            del self.fields["group"], self.fields["station"], self.fields["term"]
            querysets_ready(self)
            return
        if township is None:
            self.fields["group"].label_from_instance = lambda g: f"{g.township.name} {g.name}"
            self.fields["station"].label_from_instance = lambda s: f"{s.township.name} {s.name}"
            self.fields["term"].label_from_instance = lambda t: f"{t.township.name} {t.label}"
        querysets_ready(self)

    def filters(self):
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("group", "station", "term"):
            data[key] = data.get(key)
            data[key] = data[key].pk if data.get(key) else None
        return data


class PresidiumMemberForm(BootstrapFormMixin, forms.Form):
    deputy = forms.ModelChoiceField(label=_("deputy"), queryset=Deputy.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=PresidiumMembership.Role.choices)
    start_date = forms.DateField(label=_("from"), widget=DateInput())
    end_date = forms.DateField(label=_("to (leave empty while serving)"), widget=DateInput(), required=False)

    def __init__(self, *args, township, term, **kwargs):
        super().__init__(*args, **kwargs)
        # Township deputies who served at some time in the term; the service refuses one not
        # serving on the start date, naming the person and the date.
        self.fields["deputy"].queryset = (
            Deputy.objects.filter(township=township)
            .filter(deputy_serving_during_q(start=term.start_date, end=term.end_date))
            .order_by("surname_strokes", "name_pinyin", "pk")
        )
        self.fields["start_date"].initial = max(term.start_date, min(term.end_date, timezone.localdate()))
        querysets_ready(self)


class PresidiumEditForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=PresidiumMembership.Role.choices)
    start_date = forms.DateField(label=_("from"), widget=DateInput())
    end_date = forms.DateField(label=_("to (leave empty while serving)"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("reason for the change"), max_length=100, required=False)


class DeputyCheckboxes(forms.CheckboxSelectMultiple):
    """Every deputy as a checkbox, in columns: quicker than a multi-select for 80 names."""

    template_name = "deputies/widgets/deputy_checkboxes.html"


class TermChangeForm(BootstrapFormMixin, forms.Form):
    """换届: the new term, who was re-elected, the new presidium, the old groups as a start."""

    number = forms.IntegerField(label=_("new term number"), min_value=1)
    start_date = forms.DateField(label=_("first day of the new term"), widget=DateInput())
    end_date = forms.DateField(label=_("last day of the new term"), widget=DateInput())
    election_date = forms.DateField(
        label=_("election date (当选日期)"),
        widget=DateInput(),
        required=False,
        help_text=_("The re-elected deputies serve in the new term from this day; empty = its first day."),
    )
    reelected = forms.ModelMultipleChoiceField(
        label=_("re-elected deputies"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=DeputyCheckboxes,
        help_text=_(
            "Newly elected people are added afterwards with the roster import. Not used when an "
            "election result file is given: the file says who was elected."
        ),
    )
    election_file = forms.FileField(
        label=_("election result (Excel file, optional)"),
        required=False,
        help_text=_(
            "A workbook listing the deputies elected to the new term, with the roster's column "
            "titles (姓名, 性别, 民族, 出生年月, 身份证号 …; 当选日期 if they differ). People on the "
            "roster are matched by ID number, else by name; the others are added to the roster. "
            "You see a preview first; nothing is written until you confirm."
        ),
    )
    chair = forms.ModelChoiceField(label=_("presidium chair"), queryset=Deputy.objects.none(), required=False)
    vice_chairs = forms.ModelMultipleChoiceField(
        label=_("presidium vice-chairs"), queryset=Deputy.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("other presidium members"), queryset=Deputy.objects.none(), required=False
    )
    copy_groups = forms.BooleanField(
        label=_("set up the new term's groups from the old ones (re-elected members only)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, township, old_term, **kwargs):
        super().__init__(*args, **kwargs)
        if old_term is not None:
            on = min(old_term.end_date, timezone.localdate())
            candidates = deputy_serving(township=township, on=on).order_by(
                "surname_strokes", "name_pinyin", "pk"
            )
            self.fields["number"].initial = old_term.number + 1
            start = old_term.end_date + dt.timedelta(days=1)
            self.fields["start_date"].initial = start
            self.fields["end_date"].initial = _years_later(start, 5) - dt.timedelta(days=1)
            self.fields["reelected"].initial = list(candidates.values_list("pk", flat=True))
        else:
            candidates = Deputy.objects.filter(township=township).order_by(
                "surname_strokes", "name_pinyin", "pk"
            )
            self.fields["number"].initial = 1
        for name in ("reelected", "chair", "vice_chairs", "members"):
            self.fields[name].queryset = candidates
        querysets_ready(self)

    def presidium(self):
        data = self.cleaned_data
        rows = []
        if data.get("chair"):
            rows.append((data["chair"], PresidiumMembership.Role.CHAIR))
        rows += [(d, PresidiumMembership.Role.VICE_CHAIR) for d in data.get("vice_chairs") or []]
        rows += [(d, PresidiumMembership.Role.MEMBER) for d in data.get("members") or []]
        return rows


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ContactAssignmentForm(BootstrapFormMixin, forms.Form):
    """The deputies one presidium member keeps in contact with (the service checks each)."""

    def __init__(self, *args, township, term, member, **kwargs):
        super().__init__(*args, **kwargs)
        qs = (
            Deputy.objects.filter(township=township)
            .filter(deputy_serving_during_q(start=term.start_date, end=term.end_date))
            .exclude(pk=member.deputy_id)
            .order_by("surname_strokes", "name_pinyin", "pk")
        )
        self.fields["deputies"] = forms.ModelMultipleChoiceField(
            label=_("deputies in contact"),
            queryset=qs,
            required=False,
            widget=Picker(groups=deputy_group_picks(township=township)),
        )
        querysets_ready(self)
