from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from deputies.selectors import deputy_group_picks, deputy_serving_during_q
from renda.core.forms import BootstrapFormMixin, DateInput, Picker
from renda.core.models import User
from renda.core.selectors import term_on

from .models import HandlingUnit, Proposal, ProposalCategory, ProposalSettings


class ScopedForm(forms.Form):
    """Sets up township-dependent fields right after Django's own __init__, so that
    BootstrapFormMixin (which validates a bound form while styling it) sees the real choices.
    Use as `class F(BootstrapFormMixin, ScopedForm)` and implement `setup_fields()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()

    def setup_fields(self):
        pass


def _deputy_choices(township, keep=()):
    """Township deputies who served at some time in the current term: the service then refuses,
    naming the person and the date, one who did not serve on the day the proposal was submitted.
    `keep`: the signers a recorded proposal already has, offered whatever their mandates (an old
    record stays editable; its page warns about a signer who was not serving)."""
    today = timezone.localdate()
    term = term_on(township=township, on=today)
    return (
        Deputy.objects.filter(township=township)
        .filter(
            deputy_serving_during_q(start=term.start_date if term else today, end=today)
            | Q(pk__in=[pk for pk in keep if pk])
        )
        .order_by("surname_strokes", "name_pinyin", "pk")
    )


class ProposalForm(BootstrapFormMixin, ScopedForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Proposal.Kind.choices)
    # Required on the field, not checked in clean(): the form templates mark a field required
    # from `field.required`. CharField strips, so blanks alone are refused too.
    title = forms.CharField(
        label=_("title"), max_length=200, error_messages={"required": _("Enter the title.")}
    )
    content = forms.CharField(
        label=_("content"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter the content.")},
    )
    category = forms.ModelChoiceField(
        label=_("category"), queryset=ProposalCategory.objects.none(), required=False
    )
    lead_deputy = forms.ModelChoiceField(label=_("lead deputy"), queryset=None, required=False)
    co_signers = forms.ModelMultipleChoiceField(
        label=_("co-signers"),
        queryset=None,
        required=False,
        widget=Picker(),
        help_text=_("Type a name to search, tick several. A motion needs at least five deputies in all."),
    )
    by_presidium = forms.BooleanField(label=_("proposed by the presidium (motions)"), required=False)
    submitted_on = forms.DateField(label=_("submitted on"), widget=DateInput())
    during_session = forms.BooleanField(label=_("submitted during a session"), required=False)
    session_number = forms.IntegerField(
        label=_("session number"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("e.g. 3 for the 3rd session"),
    )
    session = forms.ModelChoiceField(
        label=_("congress session"),
        queryset=None,
        required=False,
        help_text=_("For a motion or suggestion submitted during a session: which session."),
    )
    origin = forms.ChoiceField(label=_("origin"), choices=Proposal.Origin.choices)
    source_activity = forms.ModelChoiceField(
        label=_("from the activity"), queryset=None, required=False, widget=forms.HiddenInput
    )
    is_key = forms.BooleanField(label=_("key suggestion"), required=False)
    supervising_leader = forms.CharField(label=_("supervising leader"), max_length=50, required=False)
    attachments = forms.FileField(label=_("attachment"), required=False)

    def __init__(self, *args, township, editing=False, keep=(), **kwargs):
        self.township, self.editing, self.keep = township, editing, keep
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        township, editing = self.township, self.editing
        deputies = _deputy_choices(township, keep=self.keep)
        self.fields["lead_deputy"].queryset = deputies
        self.fields["co_signers"].queryset = deputies
        self.fields["co_signers"].widget.groups = deputy_group_picks(township=township)
        self.fields["category"].queryset = ProposalCategory.objects.filter(township=township, is_active=True)
        from meetings.models import Activity, Session

        self.fields["session"].queryset = Session.objects.filter(township=township).order_by("-start_date")
        self.fields["session"].label_from_instance = lambda s: f"{s.title}（{s.start_date:%Y-%m-%d}）"
        self.fields["source_activity"].queryset = Activity.objects.filter(township=township)
        if editing:
            for name in (
                "kind",
                "submitted_on",
                "during_session",
                "session_number",
                "attachments",
                "session",
                "source_activity",
            ):
                del self.fields[name]


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason not accepted"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(NoteForm):
    on_agenda = forms.TypedChoiceField(
        label=_("presidium decision"),
        choices=[("1", _("put on the agenda")), ("0", _("not put on the agenda: handle as a suggestion"))],
        coerce=lambda v: v == "1",
    )


class AssignForm(BootstrapFormMixin, ScopedForm):
    lead_unit = forms.ModelChoiceField(label=_("lead unit"), queryset=HandlingUnit.objects.none())
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("assisting units"), queryset=HandlingUnit.objects.none(), required=False, widget=Picker()
    )
    responsible_leader = forms.CharField(label=_("responsible leader"), max_length=50, required=False)
    assigned_on = forms.DateField(label=_("assigned on"), widget=DateInput())
    deadline = forms.DateField(
        label=_("deadline"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for the township's default rule."),
    )
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args, township, **kwargs):
        self.township = township
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        units = HandlingUnit.objects.filter(township=self.township, is_active=True)
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("deadline") and data.get("assigned_on") and data["deadline"] < data["assigned_on"]:
            self.add_error("deadline", _("The deadline cannot be before the assignment date."))
        return data


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("reply text"), widget=forms.Textarea(attrs={"rows": 6}))
    outcome = forms.ChoiceField(label=_("outcome"), choices=Proposal.Outcome.choices)
    met_in_person = forms.BooleanField(label=_("met the deputy in person"), required=False)
    replied_on = forms.DateField(label=_("replied on"), widget=DateInput())
    file = forms.FileField(label=_("reply letter (scanned, PDF or image)"), required=False)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file may be at most 20 MB."))
        return f


class EvaluateForm(BootstrapFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("rating"), choices=Proposal.Rating.choices)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evaluated_on = forms.DateField(label=_("evaluated on"), widget=DateInput())
    new_deadline = forms.DateField(
        label=_("new deadline (if dissatisfied)"),
        widget=DateInput(),
        required=False,
        help_text=_("Only for a first-round 'dissatisfied'; empty for the default rule."),
    )


class SettingsForm(BootstrapFormMixin, forms.Form):
    deadline_amount = forms.IntegerField(label=_("reply deadline"), min_value=1, max_value=365)
    deadline_unit = forms.ChoiceField(label=_("counted in"), choices=ProposalSettings.DeadlineUnit.choices)
    categories = forms.CharField(
        label=_("categories"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One category a line, in display order."),
    )


class HandlingUnitForm(BootstrapFormMixin, ScopedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    contact_person = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)
    users = forms.ModelMultipleChoiceField(
        label=_("user accounts"),
        queryset=User.objects.none(),
        required=False,
        widget=Picker(),
        help_text=_("Handling-unit accounts of this township (created by the administrator)."),
    )

    def __init__(self, *args, township, **kwargs):
        self.township = township
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        self.fields["users"].queryset = User.objects.filter(
            township=self.township, groups__name="handling_unit"
        ).order_by("username")
