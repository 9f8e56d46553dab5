"""The public page 议案建议进行时: no login, the same bytes for everyone, cacheable (by browsers
and proxies for five minutes; here in the records cache until the next committed write).

Only published years, only items not marked not for publication, only the published columns
(see proposals.selectors.proposal_public_rows). No cookies are read or set for the content.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from proposals.selectors import (
    RATE_KEYS,
    proposal_count_keys,
    proposal_public_count,
    proposal_public_rows,
    proposal_public_stats,
    proposal_public_stats_by_township,
    stats_finish,
)
from renda.core.models import County, Township
from renda.core.records_cache import cached_response

from .selectors import public_township, public_townships, public_years

MAX_AGE = 300  # five minutes: fresh enough for handling progress, cheap to serve
PAGE_SIZE = 100

public_cache = cache_control(public=True, max_age=MAX_AGE)


@require_safe
@public_cache
def public_index(request):
    """The county-wide page of the latest published year."""
    years = public_years()
    if not years:
        return render(request, "portal/public_empty.html", {"county": County.current()})
    return redirect("portal:public_county", year=years[0])


@require_safe
@public_cache
@cached_response("public-page")
def public_county(request, year):
    townships = public_townships(year=year)
    if not townships:
        raise Http404
    paginator = Paginator(range(proposal_public_count(townships=townships, year=year)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = proposal_public_rows(
        townships=townships,
        year=year,
        offset=page.start_index() - 1 if page.object_list else 0,
        limit=PAGE_SIZE,
    )
    names = {t.pk: t.name for t in townships}
    for r in rows:
        r["township_name"] = names.get(r["township_id"], "")
    by_township = proposal_public_stats_by_township(townships=townships, year=year)
    summary = [{"township": t, "stats": by_township.get(t.pk)} for t in townships]
    context = {
        "county": County.current(),
        "year": year,
        "years": public_years(),
        "townships": townships,
        "summary": summary,
        "stats": _total(summary),
        "rows": rows,
        "page": page,
        "county_wide": True,
        "today": timezone.localdate(),
    }
    return render(request, "portal/public_page.html", context)


@require_safe
@public_cache
def public_township_latest(request, code):
    township = Township.objects.filter(code=code, is_active=True).first()
    years = public_years(township=township) if township else []
    if not years:
        raise Http404
    return redirect("portal:public_township", code=code, year=years[0])


@require_safe
@public_cache
@cached_response("public-page")
def public_township_page(request, code, year):
    township = public_township(code=code, year=year)
    if township is None:
        raise Http404
    context = {
        "county": County.current(),
        "township": township,
        "year": year,
        "years": public_years(township=township),
        "stats": proposal_public_stats(townships=[township], year=year),
        "rows": proposal_public_rows(townships=[township], year=year),
        "county_wide": False,
        "today": timezone.localdate(),
    }
    return render(request, "portal/public_page.html", context)


COUNT_KEYS = (*proposal_count_keys(), "unpublished")


def _total(summary):
    """County totals from the per-township counts (rates recomputed from the sums)."""
    # every count the per-township figures carry, so a count added there is summed here too
    sums: dict = dict.fromkeys(COUNT_KEYS, 0)
    for s in summary:
        for key, value in (s["stats"] or {}).items():
            if key not in RATE_KEYS and key != "total":
                sums[key] = sums.get(key, 0) + value
    return stats_finish(sums)
