"""Which congress term covers a date: one lookup for the whole project (its own module so that
models, services and selectors can all use it)."""

from django.utils import timezone


def term_on(*, township, on=None):
    """The congress term of `township` that covers the day `on` (today by default), or None.

    The one answer to "which term covers a date": a term covers its first and its last day
    (start_date <= on <= end_date). Sessions, presidium meetings, proposals, the roster import,
    the navigation and the 换届 all ask here."""
    on = on or timezone.localdate()
    from .models import Term

    township_id = getattr(township, "pk", township)
    return Term.objects.filter(township_id=township_id, start_date__lte=on, end_date__gte=on).first()


def covering(terms, on):
    """The term of `terms` (already read) that covers the day `on`, or None: the same rule as
    `term_on`, for code that holds many townships' terms in memory (the demo seeders)."""
    return next((t for t in terms if t.start_date <= on <= t.end_date), None)


def terms_on(*, township_ids, on=None):
    """{township id: the term covering `on`} for many townships in one query (the same rule as
    `term_on`); a township with no term covering the day is left out."""
    on = on or timezone.localdate()
    from .models import Term

    return {
        t.township_id: t
        for t in Term.objects.filter(township_id__in=list(township_ids), start_date__lte=on, end_date__gte=on)
    }
