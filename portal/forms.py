from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Proposal
from renda.core.forms import BootstrapFormMixin


class EvaluateForm(BootstrapFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Proposal.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category_name = forms.ChoiceField(label=_("Category"), required=False)
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the problem is, where, and what you suggest."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_name"].choices = [("", "—")] + [(c, c) for c in categories]


class ReturnForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Why it is returned"), max_length=300)


class MessagesReadForm(forms.Form):
    """Mark one message (`message`) or every unread one (`all`) read: the buttons of /me/messages/."""

    message = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    all = forms.BooleanField(required=False)

    def message_ids(self):
        """None (every unread message) or the one message's id."""
        if self.cleaned_data.get("all") or not self.cleaned_data.get("message"):
            return None
        return [self.cleaned_data["message"]]
