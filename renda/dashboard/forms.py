from django import forms
from django.utils.translation import gettext_lazy as _

from renda.core.forms import BootstrapFormMixin

from .models import WorkReportText


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select js-autosubmit"


class WorkReportForm(BootstrapFormMixin, forms.ModelForm):
    """The secretary's text: optional opening, 存在的问题, 下一步工作打算, and the 成文日期."""

    dated = forms.DateField(
        label=_("Date of the report"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The 成文日期 printed under the signature. Left empty: today for the current year; a past "
            "year's report is left undated (a draft) until a date is given."
        ),
    )

    class Meta:
        model = WorkReportText
        fields = ["opening", "problems", "plans"]
        widgets = {
            "opening": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 8}),
            "plans": forms.Textarea(attrs={"rows": 8}),
        }
        # Meta, not __init__: BootstrapFormMixin validates while the form is built.
        error_messages = {
            "problems": {
                "required": _(
                    "Please describe the existing problems: this section is written by the township."
                )
            },
            "plans": {
                "required": _(
                    "Please describe the plans for the next stage: this section is written by the township."
                )
            },
        }

    def __init__(self, *args, years=None, **kwargs):
        kwargs.pop("initial", None)
        super().__init__(*args, **kwargs)
