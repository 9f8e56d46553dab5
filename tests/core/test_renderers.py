"""The form renderer writes select boxes in Python: the HTML must be Django's, character for character."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from renda.core.models import Township
from renda.core.renderers import FormRenderer


class SampleForm(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "A & B"), ("b", '"quoted" <b>')], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "---"), ("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")], required=False
    )
    many = forms.MultipleChoiceField(choices=[(1, "x"), (2, "y"), (3, "z")], required=False)
    safe = forms.ChoiceField(choices=[(mark_safe("a&amp;b"), mark_safe("<i>safe</i>"))], required=False)
    township = forms.ModelChoiceField(queryset=Township.objects.order_by("pk"), required=False)
    numbers = forms.TypedChoiceField(
        choices=[(1, "1"), (2, "2")],
        coerce=int,
        required=False,
        widget=forms.Select(
            attrs={"class": "form-select", "data-x": 'y"z', "disabled": True, "hidden": False}
        ),
    )


def _both(data):
    ours, django = SampleForm(data, renderer=FormRenderer()), SampleForm(data, renderer=DjangoTemplates())
    return [(str(ours[name]), str(django[name])) for name in ours.fields]


def test_selects_render_as_django_does(db):
    Township.objects.create(name="甲<镇>", code="a1", display_order=1)
    Township.objects.create(name="乙镇", code="b1", display_order=2)
    for data in (None, {"plain": "a", "grouped": "2", "many": ["1", "3"], "township": "", "numbers": "2"}):
        for ours, django in _both(data):
            assert ours == django


def test_a_select_with_its_own_option_template_goes_to_django(db):
    class Radioish(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Form(forms.Form):
        x = forms.ChoiceField(choices=[("a", "A")], widget=Radioish)

    assert str(Form(renderer=FormRenderer())["x"]) == str(Form(renderer=DjangoTemplates())["x"])


def test_the_settings_use_it(settings):
    assert settings.FORM_RENDERER == "renda.core.renderers.FormRenderer"
