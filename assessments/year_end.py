"""The assessment's document in the year-end bundle (renda.core.figures.YEAR_END_PART)."""

from django.utils.translation import gettext_lazy

from renda.core.figures import YearEndPart

from .jobs import scoresheet_township_build
from .models import Assessment


def _scoresheet(township, year, user):
    """The township's assessment scoresheet of the year, or None when no scores are computed."""
    assessment = Assessment.objects.select_related("township").filter(township=township, year=year).first()
    if assessment is None or assessment.computed_at is None:
        return None
    return scoresheet_township_build(assessment=assessment)


SCORESHEET = YearEndPart(gettext_lazy("assessment scoresheet"), _scoresheet)
