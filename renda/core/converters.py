"""URL converters with ranges, so a bad value in a URL is a 404, never a 500.

`<id:pk>`: a database id, 1 to 2,147,483,647 (PostgreSQL's integer; a larger one overflows);
`<year:year>`: a year between YEAR_MIN and YEAR_MAX (1949–2100).
"""

from django.urls import register_converter

ID_MAX = 2**31 - 1
YEAR_MIN, YEAR_MAX = 1949, 2100


class IdConverter:
    regex = "[1-9][0-9]{0,9}"

    def to_python(self, value):
        number = int(value)
        if number > ID_MAX:
            raise ValueError(value)  # the URL does not match: 404
        return number

    def to_url(self, value):
        return str(getattr(value, "pk", value))


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        year = int(value)
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError(value)
        return year

    def to_url(self, value):
        return str(value)


def year_or_none(value):
    """A year from a query string or form value, or None when it is missing or out of range."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def id_or_none(value):
    """A database id from a query string or form value, or None when it is missing or malformed."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


def register():
    register_converter(IdConverter, "id")
    register_converter(YearConverter, "year")
