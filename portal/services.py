"""Writes of the portal: what a township publishes, deputies' accounts, answers and drafts."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.exceptions import ApplicationError
from renda.core.services import audit_record

from .models import PublishedYear

FIRST_PUBLIC_YEAR = 2000


def _require_staff(user, township):
    if user is None or not user.is_township_staff or user.township_id != township.pk:
        raise ApplicationError(_("Only the township's congress office may do this."))


@transaction.atomic
def publication_years_set(*, township, years, by) -> set[int]:
    """The years whose motions and suggestions `township` shows on the public page."""
    _require_staff(by, township)
    this_year = timezone.localdate().year
    wanted = set()
    for y in years:
        try:
            y = int(y)
        except (TypeError, ValueError):
            raise ApplicationError(_("Choose years from the list."), field="years") from None
        if not FIRST_PUBLIC_YEAR <= y <= this_year:
            raise ApplicationError(
                _("%(year)s is not a year that can be published.") % {"year": y}, field="years"
            )
        wanted.add(y)
    current = set(PublishedYear.objects.filter(township=township).values_list("year", flat=True))
    PublishedYear.objects.filter(township=township, year__in=current - wanted).delete()
    PublishedYear.objects.bulk_create(
        [PublishedYear(township=township, year=y) for y in sorted(wanted - current)]
    )
    if wanted != current:
        audit_record(
            user=by,
            action="publication",
            detail=_("Published years: %(years)s") % {"years": "、".join(str(y) for y in sorted(wanted))},
            township=township,
        )
    return wanted
