"""The working-day calendar page: every user reads it; the county admin enters a year's days."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .converters import year_or_none
from .exceptions import ApplicationError
from .forms import BootstrapFormMixin
from .uploads import upload_check
from .workcalendar import CalendarDay, calendar_year_replace, rows_read, text_rows, workbook_rows
from .workdays import package_covers, year_has_data


class CalendarYearForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1949, max_value=2100)
    text = forms.CharField(
        label=gettext_lazy("Days (one a line: date, 放假 or 上班, name)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-01-01 放假 元旦\n2027-02-07 上班 春节"}),
    )
    table = forms.FileField(
        label=gettext_lazy("Or an Excel table (.xlsx: 日期, 类型 放假/上班, 名称)"), required=False
    )

    def clean_table(self):
        upload = self.cleaned_data.get("table")
        if upload:
            try:
                upload_check(upload, allowed=("xlsx",), field="table")
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("table") and not (data.get("text") or "").strip():
            self.add_error("text", gettext_lazy("Enter the days, or choose an Excel table."))
        return data


@login_required
def calendar_page(request):
    """A year's holidays and make-up working days, where they come from, and the entry form."""
    access = request.access
    access.require_browse()
    this_year = timezone.localdate().year
    year = year_or_none(request.GET.get("year")) or this_year
    can_edit = access.can_admin_county
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CalendarYearForm(request.POST, request.FILES)
        if form.is_valid():
            year = form.cleaned_data["year"]
            saved = _calendar_year_save(request, form, year)
            if saved is not None:
                return saved
    elif can_edit:
        form = CalendarYearForm(initial={"year": year})
    days = list(CalendarDay.objects.filter(date__year=year))
    summary = _years_summary(year, this_year)
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": days,
            "has_data": year_has_data(year),
            "entered": bool(days),
            "package": package_covers(year),
            "summary": summary,
            "form": form,
            "can_edit": can_edit,
        },
    )


def _calendar_year_save(request, form, year):
    """Replace the year's days with the form's table or text: a redirect, or None with the error
    next to the field it came from."""
    try:
        if form.cleaned_data.get("table"):
            raw = workbook_rows(form.cleaned_data["table"])
        else:
            raw = text_rows(form.cleaned_data.get("text", ""))
        rows = rows_read(raw, year=year)
        n = calendar_year_replace(year=year, rows=rows, by=request.user)
    except ApplicationError as exc:
        form.add_error("table" if form.cleaned_data.get("table") else "text", exc.message)
        return None
    messages.success(
        request,
        _("%(n)s days of %(year)s saved; they override the package.") % {"n": n, "year": year},
    )
    return redirect(reverse("calendar") + f"?year={year}")


def _years_summary(year, this_year):
    """The years around this one (and any entered): days entered, and whether the package knows them."""
    entered_years = dict(
        CalendarDay.objects.annotate(y=ExtractYear("date"))
        .values_list("y")
        .annotate(n=Count("pk"))
        .order_by("y")
    )
    years = sorted(set(range(this_year - 1, this_year + 3)) | set(entered_years) | {year})
    return [
        {
            "year": y,
            "entered": entered_years.get(y, 0),
            "package": package_covers(y),
            "known": bool(entered_years.get(y)) or package_covers(y),
        }
        for y in years
    ]
