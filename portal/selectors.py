"""Reads for the public page and the deputies' own pages.

The public page shows only what `proposals.selectors.proposal_public_rows` returns (published
columns of items not marked not for publication) of the years a township published.
"""

from django.db.models import Q

from renda.core.models import Township

from .models import PublishedYear


def public_years(*, township=None) -> list[int]:
    """Years published by `township` (or by any township), newest first."""
    qs = PublishedYear.objects.filter(township__is_active=True)
    if township is not None:
        qs = qs.filter(township=township)
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def public_townships(*, year) -> list[Township]:
    """Active townships that published `year`."""
    return list(
        Township.objects.filter(is_active=True)
        .filter(Q(pk__in=PublishedYear.objects.filter(year=year).values("township_id")))
        .order_by("display_order", "code")
    )


def public_township(*, code, year):
    """The township by code when it published `year`, else None."""
    return (
        Township.objects.filter(is_active=True, code=code)
        .filter(pk__in=PublishedYear.objects.filter(year=year).values("township_id"))
        .first()
    )


def publication_years(*, township) -> set[int]:
    return set(PublishedYear.objects.filter(township=township).values_list("year", flat=True))
