"""The deputies on the year-end page and in its bundle (renda.core.figures): the roster in the
bundle, the deputies whose archives the page builds."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.figures import DeputyRef, YearEndPart
from renda.core.organs import document_filename

from .documents import roster_workbook
from .exports import roster_export_data
from .models import Deputy, Mandate
from .serving import mandate_active_during_q


def _roster(township, year, user):
    """The deputy roster (current deputies). The bundle goes to the county, so phone, ID number
    and birth date are masked whoever asked for it."""
    data = roster_export_data(user=user, township=township, leaves_township=True)
    return document_filename(
        place=township.name, year=year, name=_("deputy roster"), ext="xlsx"
    ), roster_workbook(data)


ROSTER = YearEndPart(gettext_lazy("deputy roster"), _roster)


def year_end_deputies(*, township, year) -> list[DeputyRef]:
    """The township's deputies who held a mandate (any level) during the year, in roster order:
    the year-end page's list of archives to build. One query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mandates = Mandate.objects.filter(mandate_active_during_q(start=start, end=end), deputy=OuterRef("pk"))
    rows = (
        Deputy.objects.filter(township=township)
        .filter(Exists(mandates))
        .order_by("surname_strokes", "name_pinyin", "pk")
        .values_list("pk", "name", "work_unit", "township_id")
    )
    return [DeputyRef(*row) for row in rows]


def document_deputy(*, access, pk, township=None) -> DeputyRef:
    """The deputy a document is asked for, if `access` may see them (and of `township` when one is
    given), else 404."""
    lookup = {"township": township} if township is not None else {}
    deputy = access.get_or_404(access.scope(Deputy), pk=pk, **lookup)
    return DeputyRef(deputy.pk, deputy.name, deputy.work_unit, deputy.township_id)
