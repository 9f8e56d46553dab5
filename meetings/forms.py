import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy, DeputyGroup, LiaisonStation
from deputies.selectors import presidium_chairs_on
from renda.core.forms import BootstrapFormMixin, DateInput

from .models import (
    Activity,
    AgendaItem,
    Appraisal,
    Commendation,
    Decision,
    DeputyContact,
    Election,
    FloorSpeech,
    NonVotingAttendee,
    PresidiumMeeting,
    ReceptionIssue,
    Resolution,
    RotaEntry,
    Session,
    SessionPrepItem,
    SessionReport,
)


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DeputyMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DeputyCheckboxes(forms.CheckboxSelectMultiple):
    """Every deputy as a checkbox, in columns: quicker than a multi-select for 80 names."""

    template_name = "meetings/widgets/deputy_checkboxes.html"


def _rescope(form):
    """BootstrapFormMixin validates a bound form while styling it, before our querysets are set:
    forget those errors and style the fields again with the real ones."""
    form._errors = None
    for name, field in form.fields.items():
        css = field.widget.attrs.get("class", "").replace("is-invalid", "").split()
        if form.is_bound and name in form.errors:
            css.append("is-invalid")
        field.widget.attrs["class"] = " ".join(css)


class SessionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["number", "start_date", "end_date", "place", "notes"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"number": _("The N in 第N次会议 of the current term.")}


class SessionReportForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "report"

    class Meta:
        model = SessionReport
        fields = ["kind", "title", "reporter", "file"]


class ResolutionForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "resolution"

    class Meta:
        model = Resolution
        fields = ["number", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ElectionForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "election"

    class Meta:
        model = Election
        fields = ["kind", "office", "person", "votes_for", "votes_cast", "elected"]

    def clean(self):
        data = super().clean()
        if data.get("votes_for") is not None and data.get("votes_cast") is not None:
            if data["votes_for"] > data["votes_cast"]:
                self.add_error("votes_for", _("Votes for cannot exceed the votes cast."))
        return data


class FloorSpeechForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "speech"
    deputy = DeputyChoiceField(queryset=Deputy.objects.none(), label=_("deputy"))

    class Meta:
        model = FloorSpeech
        fields = ["deputy", "topic"]

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            self.fields["deputy"].queryset = Deputy.objects.filter(
                session_attendances__session=session
            ).order_by("surname_strokes", "name_pinyin")
        _rescope(self)


class PrepItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SessionPrepItem
        fields = ["done_by", "done_on", "note"]
        widgets = {"done_on": DateInput()}


class PresidiumMeetingForm(BootstrapFormMixin, forms.ModelForm):
    chair = DeputyChoiceField(queryset=Deputy.objects.none(), required=False, label=_("chaired by"))

    class Meta:
        model = PresidiumMeeting
        fields = ["date", "kind", "chair", "place", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            chairs = presidium_chairs_on(township=township, day=self._day())
            if self.instance.pk and self.instance.chair_id:
                # an old record's chair stays on offer (its page warns when the rule is broken)
                ids = [*chairs.values_list("pk", flat=True), self.instance.chair_id]
                chairs = Deputy.objects.filter(pk__in=ids).order_by("surname_strokes", "name_pinyin", "pk")
            self.fields["chair"].queryset = chairs
        _rescope(self)

    def _day(self):
        """The meeting's date: as typed, else the recorded one, else today."""
        if self.is_bound:
            try:
                return self.fields["date"].clean(self.data.get(self.add_prefix("date")))
            except forms.ValidationError:
                pass
        if self.instance.pk and self.instance.date:
            return self.instance.date
        return timezone.localdate()


class ExpectedChangeForm(BootstrapFormMixin, forms.Form):
    """Add someone to, or remove someone from, a session's expected list (应到), with a reason."""

    action = forms.ChoiceField(
        label=_("change"),
        choices=[("add", _("add to the expected list")), ("remove", _("remove from the expected list"))],
    )
    deputy = DeputyChoiceField(queryset=Deputy.objects.none(), label=_("deputy"))
    reason = forms.CharField(label=_("reason"), max_length=80)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.filter(township_id=session.township_id).order_by(
            "surname_strokes", "name_pinyin", "pk"
        )
        _rescope(self)


class AgendaItemForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "agenda"

    class Meta:
        model = AgendaItem
        fields = ["kind", "order", "topic", "reporting_unit", "reporter", "reporter_rank"]
        help_texts = {
            "kind": _(
                "A report on the handling of motions and suggestions is filled with the figures "
                "(received, assigned, replied, closed, overdue) as of the meeting date."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].required = False

    def clean(self):
        data = super().clean()
        if not (data.get("topic") or "").strip():
            if data.get("kind") == AgendaItem.Kind.PROPOSAL_PROGRESS:
                data["topic"] = str(AgendaItem.Kind.PROPOSAL_PROGRESS.label)
            else:
                self.add_error("topic", _("Enter the topic."))
        return data


class VoteForm(BootstrapFormMixin, forms.Form):
    votes_for = forms.IntegerField(label=_("for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("abstain"), min_value=0, required=False)


class NonVotingForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "nonvoting"
    deputy = DeputyChoiceField(queryset=Deputy.objects.none(), required=False, label=_("deputy"))

    class Meta:
        model = NonVotingAttendee
        fields = ["kind", "deputy", "name", "post"]

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            self.fields["deputy"].queryset = Deputy.objects.filter(township=township).order_by(
                "surname_strokes", "name_pinyin"
            )
        _rescope(self)


class DecisionForm(BootstrapFormMixin, forms.ModelForm):
    prefix = "decision"

    class Meta:
        model = Decision
        fields = ["kind", "agenda_item", "title", "text", "responsible_unit", "deadline"]
        widgets = {"deadline": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = (
            meeting.agenda_items.all() if meeting is not None else AgendaItem.objects.none()
        )
        _rescope(self)


class ProgressForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput())
    note = forms.CharField(label=_("progress made"), widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(BootstrapFormMixin, forms.Form):
    completed_on = forms.DateField(label=_("completed on"), widget=DateInput())
    reported_at = forms.ModelChoiceField(
        label=_("completion reported at"), queryset=PresidiumMeeting.objects.none(), required=False
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        if decision is not None:
            self.fields["reported_at"].queryset = PresidiumMeeting.objects.filter(
                township_id=decision.township_id, date__gt=decision.meeting.date
            ).select_related("term")
        _rescope(self)


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    deputies = DeputyMultipleField(
        queryset=Deputy.objects.none(),
        required=False,
        label=_("participating deputies"),
        widget=DeputyCheckboxes,
    )
    on_duty = DeputyMultipleField(
        queryset=Deputy.objects.none(),
        required=False,
        label=_("deputies on duty / reporting"),
        widget=DeputyCheckboxes,
        help_text=_(
            "Voter reception: the deputies on duty (at least 2). Report to voters: the reporting deputies."
        ),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "start_date",
            "end_date",
            "place",
            "organiser",
            "group",
            "station",
            "topic",
            "law_name",
            "target",
            "invited_officials",
            "notice_date",
            "deputies",
            "on_duty",
            "voter_count",
            "households",
            "rating_excellent",
            "rating_competent",
            "rating_incompetent",
            "rating_satisfied",
            "rating_basically_satisfied",
            "rating_unsatisfied",
            "findings",
            "suggestions_count",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notice_date": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "notice_date": _("Voter reception only: the notice must go out at least 3 working days before."),
            "voter_count": _(
                "Report to voters and work evaluation: the ratings must add up to this number. "
                "Voter visit and reception: the voters reached."
            ),
            "households": _("Voter visit only: the households visited."),
        }

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            deputies = Deputy.objects.filter(township=township).order_by("surname_strokes", "name_pinyin")
            self.fields["deputies"].queryset = deputies
            self.fields["on_duty"].queryset = deputies
            self.fields["group"].queryset = DeputyGroup.objects.filter(township=township).select_related(
                "term"
            )
            self.fields["station"].queryset = LiaisonStation.objects.filter(township=township)
        if self.instance.pk:
            roles = {p.deputy_id: p.role for p in self.instance.participations.all()}
            self.initial["deputies"] = [pk for pk, r in roles.items() if r == "participant"]
            self.initial["on_duty"] = [pk for pk, r in roles.items() if r != "participant"]
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("data-field", name)
        _rescope(self)


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("photo or scan"), help_text=_("JPG, PNG or PDF, at most 10 MB."))


class DeputyContactForm(BootstrapFormMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("presidium member"), queryset=Deputy.objects.none())
    deputy = forms.ModelChoiceField(label=_("deputy contacted"), queryset=Deputy.objects.none())
    date = forms.DateField(label=_("date"), widget=DateInput())
    method = forms.ChoiceField(label=_("how"), choices=DeputyContact.Method.choices)
    note = forms.CharField(label=_("what was discussed"), max_length=300, required=False)

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            roster = Deputy.objects.filter(township=township).order_by("surname_strokes", "name_pinyin")
            self.fields["deputy"].queryset = roster
            self.fields["member"].queryset = roster.filter(presidium_memberships__isnull=False).distinct()
        _rescope(self)


# --- Reception issues ----------------------------------------------------------------------


class ReceptionIssueForm(BootstrapFormMixin, forms.Form):
    voter_name = forms.CharField(label=_("voter"), max_length=50)
    voter_phone = forms.CharField(label=_("voter's phone"), max_length=20, required=False)
    voter_address = forms.CharField(label=_("village or address"), max_length=100, required=False)
    content = forms.CharField(label=_("issue raised"), widget=forms.Textarea(attrs={"rows": 4}))
    received_by = DeputyChoiceField(label=_("received by"), queryset=Deputy.objects.none(), required=False)

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:
            self.fields["received_by"].queryset = Deputy.objects.filter(
                activity_participations__activity=activity
            ).order_by("surname_strokes", "name_pinyin")
        _rescope(self)


def _today():
    return timezone.localdate()


class IssueSortForm(BootstrapFormMixin, forms.Form):
    classification = forms.ChoiceField(
        label=_("classification"), choices=[("", "---------")] + list(ReceptionIssue.Classification.choices)
    )
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=_today)
    handler = forms.CharField(
        label=_("handled by"),
        max_length=100,
        required=False,
        help_text=_("For the government: the unit (and person) assigned to handle it."),
    )
    deadline = forms.DateField(label=_("reply due"), widget=DateInput(), required=False)
    reply = forms.CharField(
        label=_("what the voter was told"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Redirected matters and private matters: the channel the voter was told to use."),
    )


class IssueSuperviseForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=_today)
    note = forms.CharField(label=_("supervision"), widget=forms.Textarea(attrs={"rows": 3}))


class IssueReplyForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=_today)
    reply = forms.CharField(label=_("reply to the voter"), widget=forms.Textarea(attrs={"rows": 3}))


class IssueFeedbackForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=_today)
    feedback = forms.ChoiceField(
        label=_("voter's feedback"), choices=[("", "---------")] + list(ReceptionIssue.Feedback.choices)
    )
    note = forms.CharField(label=_("what the voter said"), max_length=300, required=False)


class IssueArchiveForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=_today)


# --- Year-end appraisals and commendations ----------------------------------------------------


def _year_groups(township, year):
    return (
        DeputyGroup.objects.filter(
            township=township,
            term__start_date__lte=dt.date(year, 12, 31),
            term__end_date__gte=dt.date(year, 1, 1),
        )
        .select_related("term")
        .order_by("number", "pk")
    )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AppraisalForm(BootstrapFormMixin, forms.Form):
    subject = forms.ChoiceField(label=_("appraised"), choices=Appraisal.Subject.choices)
    group = GroupChoiceField(label=_("deputy group"), queryset=DeputyGroup.objects.none(), required=False)
    station = GroupChoiceField(
        label=_("liaison station"), queryset=LiaisonStation.objects.none(), required=False
    )
    grade = forms.ChoiceField(
        label=_("grade"), choices=[("", "---------")] + list(Appraisal.Grade.choices), required=False
    )
    score = forms.DecimalField(
        label=_("score"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("A grade, a score out of 100, or both."),
    )
    date = forms.DateField(label=_("appraised on"), widget=DateInput())
    appraised_by = forms.CharField(
        label=_("appraised by"),
        max_length=100,
        help_text=_("For example: the presidium, a meeting of all deputies, the county standing committee."),
    )
    remarks = forms.CharField(label=_("remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, township=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None and year is not None:
            self.fields["group"].queryset = _year_groups(township, year)
            self.fields["station"].queryset = LiaisonStation.objects.filter(township=township).order_by(
                "name", "pk"
            )
        _rescope(self)


class CommendationForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("commendation"), choices=Commendation.Kind.choices)
    group = GroupChoiceField(label=_("deputy group"), queryset=DeputyGroup.objects.none(), required=False)
    deputy = DeputyChoiceField(label=_("deputy"), queryset=Deputy.objects.none(), required=False)
    document_no = forms.CharField(label=_("document no."), max_length=60, required=False)
    date = forms.DateField(label=_("commended on"), widget=DateInput())
    remarks = forms.CharField(label=_("remarks"), max_length=300, required=False)

    def __init__(self, *args, township=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None and year is not None:
            from deputies.selectors import deputy_serving_during_q

            self.fields["group"].queryset = _year_groups(township, year)
            self.fields["deputy"].queryset = Deputy.objects.filter(
                deputy_serving_during_q(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)),
                township=township,
            ).order_by("surname_strokes", "name_pinyin", "pk")
        _rescope(self)


# --- Yearly plans -----------------------------------------------------------------------------


class PlannedActivityForm(BootstrapFormMixin, forms.Form):
    group = GroupChoiceField(label=_("deputy group"), queryset=DeputyGroup.objects.none(), required=False)
    station = GroupChoiceField(
        label=_("liaison station"),
        queryset=LiaisonStation.objects.none(),
        required=False,
        help_text=_("Choose a group or a station."),
    )
    month = forms.TypedChoiceField(label=_("month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])
    kind = forms.ChoiceField(label=_("kind"), choices=Activity.Kind.choices, initial=Activity.Kind.GROUP)
    subject = forms.CharField(label=_("subject"), max_length=200)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, township=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None and year is not None:
            self.fields["group"].queryset = _year_groups(township, year)
            self.fields["station"].queryset = LiaisonStation.objects.filter(township=township).order_by(
                "name", "pk"
            )
        _rescope(self)


class PlannedActivityEditForm(BootstrapFormMixin, forms.Form):
    month = forms.TypedChoiceField(label=_("month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])
    kind = forms.ChoiceField(label=_("kind"), choices=Activity.Kind.choices)
    subject = forms.CharField(label=_("subject"), max_length=200)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanNoteForm(forms.Form):
    """A yearly plan's own note: one form per group or station on the plans page."""

    group = GroupChoiceField(queryset=DeputyGroup.objects.none(), required=False, widget=forms.HiddenInput)
    station = GroupChoiceField(
        queryset=LiaisonStation.objects.none(), required=False, widget=forms.HiddenInput
    )
    text = forms.CharField(label=_("Note on the plan as a whole"), required=False, widget=forms.Textarea)

    def __init__(self, *args, township=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None and year is not None:
            self.fields["group"].queryset = _year_groups(township, year)
            self.fields["station"].queryset = LiaisonStation.objects.filter(township=township)
        _rescope(self)


# --- Reception rota of higher-level deputies --------------------------------------------------


class RotaEntryForm(BootstrapFormMixin, forms.Form):
    deputy = DeputyChoiceField(label=_("deputy"), queryset=Deputy.objects.none())
    station = forms.ModelChoiceField(label=_("liaison station"), queryset=LiaisonStation.objects.none())
    date = forms.DateField(label=_("date"), widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            # deputies with a provincial, city or county mandate; the service checks the date
            self.fields["deputy"].queryset = (
                Deputy.objects.filter(township=township, mandates__level__in=["provincial", "city", "county"])
                .distinct()
                .order_by("surname_strokes", "name_pinyin")
            )
            self.fields["station"].queryset = LiaisonStation.objects.filter(township=township).order_by(
                "name", "pk"
            )
        _rescope(self)


class RotaRecordForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("state"), choices=RotaEntry.State.choices)
    activity = forms.ModelChoiceField(
        label=_("voter reception"), queryset=Activity.objects.none(), required=False
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:
            self.fields["activity"].queryset = Activity.objects.filter(
                township_id=entry.township_id,
                kind=Activity.Kind.RECEPTION,
                start_date__year=entry.date.year,
            ).order_by("-start_date", "-pk")
            self.fields["activity"].label_from_instance = lambda a: f"{a.start_date:%Y-%m-%d} {a.topic}"
        _rescope(self)
