import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

# Dates a township office records: nothing before the People's Republic, nothing past 2100
# (a date near 9999-12-31 overflows deadline arithmetic; 0001-01-01 makes ranges endless).
DATE_MIN, DATE_MAX = dt.date(1949, 1, 1), dt.date(2100, 12, 31)


def submit(form, service, /, **kwargs):
    """The views' one way to hand a valid form to a service: `service(**kwargs)` and its
    result, or the service's ApplicationError put on the form next to the field it names
    (at the top of the form otherwise) and `None` returned, so the view renders the form again:

        if request.method == "POST" and form.is_valid():
            session = submit(form, services.session_create, township=t, by=user, **form.cleaned_data)
            if form.is_valid():   # still valid: the service accepted it
                return redirect(session)
    """
    from .exceptions import ApplicationError

    try:
        return service(**kwargs)
    except ApplicationError as exc:
        form_error(form, exc)
        return None


def form_error(form, exc):
    """Put a service's ApplicationError on the form: on the field it names, else on the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def date_in_bounds(value):
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.") % {"first": DATE_MIN, "last": DATE_MAX},
            code="date_out_of_range",
        )


class ListModelChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one plain query. Django's iterator() is a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips) for what is a
    list of a few dozen groups, stations or terms."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class BootstrapFormMixin:
    """Give every widget its Bootstrap class and mark invalid fields, so templates stay plain.

    Also the one input check of every form: dates and date-times between DATE_MIN and DATE_MAX
    (text fields already refuse NUL bytes, Django's CharField does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, (forms.DateField, forms.DateTimeField))
                and date_in_bounds not in field.validators
            ):
                field.validators.append(date_in_bounds)
            if isinstance(field, forms.ModelChoiceField) and field.iterator is ModelChoiceIterator:
                field.iterator = ListModelChoiceIterator
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def full_clean(self):
        # Marked after validation, not in __init__: views may still narrow querysets after
        # constructing the form, and validating early would reject valid choices.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class Picker(forms.SelectMultiple):
    """A searchable checkbox picker for a many-to-many choice (static/js/picker.js on Tom Select,
    vendored): type to search, tick several, each chosen one shown as a removable chip. `groups`
    adds "select a whole group" buttons: [(label, [values…]), …]. Without JavaScript it is a plain
    multi-select, and the group buttons still tick their options."""

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs=None, groups=None):
        texts = {
            "data-picker": "1",
            "data-placeholder": _("Type to search…"),
            "data-remove-label": _("Remove"),
            "data-clear-label": _("Clear all"),
            "data-no-results": _("Nothing found"),
        }
        super().__init__(attrs={**texts, **(attrs or {})})
        self.groups = groups or []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {"label": label, "values": " ".join(str(v) for v in values), "count": len(values)}
            for label, values in self.groups
            if values
        ]
        return context
