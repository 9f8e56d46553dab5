from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from renda.core.models import Township


def township_by_code(code):
    try:
        return Township.objects.get(code=code)
    except Township.DoesNotExist:
        raise CommandError(_("No township with code %(code)s.") % {"code": code}) from None


def valid_year(year):
    if not 2000 <= year <= 2100:
        raise CommandError(_("The year must be between 2000 and 2100."))
    return year
