from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from renda.core.exceptions import ApplicationError
from renda.core.forms import BootstrapFormMixin

from .models import ScoringItem, ScoringScheme
from .rules import ITEM_FIELDS, item_validate, thresholds_check


class SchemeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ScoringScheme
        fields = [
            "name",
            "partial_year",
            "excellent_min",
            "competent_min",
            "basic_min",
            "excellent_max_percent",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        message = thresholds_check(
            excellent_min=data.get("excellent_min"),
            competent_min=data.get("competent_min"),
            basic_min=data.get("basic_min"),
        )
        if message:
            self.add_error("competent_min", message)
        percent = data.get("excellent_max_percent")
        if percent is not None and percent > 100:
            self.add_error("excellent_max_percent", _("The share of 优秀 must be between 0 and 100%."))
        return data


class ItemForm(BootstrapFormMixin, forms.ModelForm):
    # Plain integer field so a negative count gets our message, not the browser's.
    count = forms.IntegerField(
        label=_("baseline or minimum count"),
        initial=1,
        help_text=_("The baseline (rule 'baseline') or the minimum count for the award."),
    )

    class Meta:
        model = ScoringItem
        fields = ITEM_FIELDS  # the fields item_save writes

    def clean(self):
        data = super().clean()
        try:
            item_validate(data)
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


class AdjustForm(BootstrapFormMixin, forms.Form):
    # A CharField validated against the items (the Bootstrap mixin validates during __init__,
    # before dynamic choices could be set).
    item_key = forms.CharField(label=_("item"), widget=forms.Select)
    points = forms.DecimalField(
        label=_("adjustment (points)"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Positive adds, negative deducts; 0 removes the adjustment."),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        error_messages={"required": _("Give the reason for the adjustment.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. sign-in sheet found after the session")}),
    )

    def __init__(self, *args, items=(), **kwargs):
        self.item_choices = [(i["key"], f"{i['category']} · {i['name']}") for i in items]
        super().__init__(*args, **kwargs)
        self.fields["item_key"].widget.choices = self.item_choices

    def clean_item_key(self):
        key = self.cleaned_data.get("item_key")
        if key not in dict(self.item_choices):
            raise forms.ValidationError(_("Choose one of the items of this year's scheme."))
        return key

    def clean_points(self):
        points = self.cleaned_data["points"]
        if abs(points) > Decimal(1000):
            raise forms.ValidationError(_("An adjustment of more than 1000 points is not plausible."))
        return points
