"""Demo: a scheme and computed, published results for last year in every demo township."""

from django.utils import timezone

from .models import Assessment
from .services import assessments_compute


def seed(ctx):
    year = ctx.years[-2] if len(ctx.years) > 1 else ctx.years[-1]
    outcome = assessments_compute(townships=ctx.townships, year=year)
    computed = outcome["computed"]
    # Published in one statement: the demo shows what the county sees.
    Assessment.objects.filter(pk__in=[a.pk for a in computed]).update(
        state=Assessment.State.PUBLISHED, published_at=timezone.now()
    )
    scored = sum(a.deputy_count for a in computed)
    ctx.log(f"    {year}: {len(computed)} townships scored and published, {scored} deputies")
