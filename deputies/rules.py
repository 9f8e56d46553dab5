"""Pure rules of the roster, with no database write and no user: a resident ID number's checks
and what it says (birth date, gender), and the usual sizes of a deputy group and a liaison
station. The services, the roster import and the pages share them."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from renda.core.exceptions import ApplicationError

from .models import Deputy, DeputyGroup

PROVINCE_CODES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}


def id_number_normalize(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_check(
    id_number: str, *, birth_date=None, gender=None, birth_month_only: bool = False, today=None
) -> tuple:
    """Validate a resident ID number (checksum, birth date) and compare it with what was entered.
    `today` (default: the local date) bounds the birth date; a caller checking many numbers
    looks it up once.

    Returns (birth_date, gender) derived from the number. Raises ApplicationError(field=...)
    in Chinese when the number is invalid or disagrees with the birth date or gender.
    """
    number = id_number_normalize(id_number)
    # Checksum, birth date and province with python-stdnum. Not its county table: it ties a county
    # code to the birth year, but a code is assigned at registration and never changes (a 1968-born
    # 无为 resident may hold 340225, valid 2011–2019), so stdnum's full validate() refuses real IDs.
    if len(number) != 18:
        raise ApplicationError(_("An ID number has 18 characters."), field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ApplicationError(_("An ID number has 17 digits and a final digit or X."), field="id_number")
    if number[-1] != ric.calc_check_digit(number):
        raise ApplicationError(_("The ID number's check digit is wrong."), field="id_number")
    try:  # ric.get_birth_date without its clean-up pass: the number is 17 digits and a digit or X
        derived_birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        derived_birth = None
    if derived_birth is None or derived_birth.year < 1900 or derived_birth > (today or timezone.localdate()):
        raise ApplicationError(_("The birth date inside the ID number is impossible."), field="id_number")
    if number[:2] not in PROVINCE_CODES:
        raise ApplicationError(_("The ID number does not start with a province code."), field="id_number")
    derived_gender = Deputy.Gender.MALE if int(number[16]) % 2 else Deputy.Gender.FEMALE
    if birth_date:
        same = (
            (birth_date.year, birth_date.month) == (derived_birth.year, derived_birth.month)
            if birth_month_only
            else birth_date == derived_birth
        )
        if not same:
            raise ApplicationError(
                _("The birth date %(entered)s does not match the ID number (%(derived)s).")
                % {
                    "entered": birth_date.strftime("%Y-%m-%d" if not birth_month_only else "%Y.%m"),
                    "derived": derived_birth.strftime("%Y-%m-%d"),
                },
                field="birth_date",
            )
    if gender and gender != derived_gender:
        raise ApplicationError(
            _("The gender does not match the ID number (it says %(gender)s).")
            % {"gender": Deputy.Gender(derived_gender).label},
            field="gender",
        )
    return derived_birth, derived_gender


def group_size_warning(count: int) -> str | None:
    if count < DeputyGroup.MIN_MEMBERS or count > DeputyGroup.MAX_MEMBERS:
        return _("A deputy group usually has %(min)s–%(max)s members; this one has %(n)s.") % {
            "min": DeputyGroup.MIN_MEMBERS,
            "max": DeputyGroup.MAX_MEMBERS,
            "n": count,
        }
    return None


def station_size_warning(count: int) -> str | None:
    if count and not (10 <= count <= 20):
        return _("A liaison station usually has 10–20 resident deputies; this one has %(n)s.") % {"n": count}
    return None
