"""The assessments app's figures for the county dashboard and the work report
(renda.core.figures): the 三不代表, the year's assessment and its grades; the drill-down to the
dormant deputies."""

from django.db.models import Count

from deputies.models import Deputy
from renda.core.figures import ReportParts
from renda.dashboard.report_data import ScoreFigures

from .dormancy import dormant_deputies_q
from .models import Assessment, ScoreResult


def score_figures(*, figures, year, today, cutoff) -> None:
    """Dormant deputies by the definition the assessment shares, the assessment's state and
    average, and its deputies by grade (three queries)."""
    ids = list(figures)
    for dormant in (
        Deputy.objects.filter(township_id__in=ids)
        .filter(dormant_deputies_q(year=year))
        .values("township_id")
        .annotate(n=Count("pk"))
    ):
        figures[dormant["township_id"]].dormant = dormant["n"]
    for a in Assessment.objects.filter(township_id__in=ids, year=year).values(
        "township_id", "state", "average", "deputy_count"
    ):
        row = figures[a["township_id"]]
        row.score_state, row.score_average, row.score_count = a["state"], a["average"], a["deputy_count"]
    for r in (
        ScoreResult.objects.filter(assessment__township_id__in=ids, assessment__year=year)
        .values("assessment__township_id", "grade")
        .annotate(n=Count("pk"))
    ):
        figures[r["assessment__township_id"]].grades[r["grade"]] = r["n"]


def score_grades() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in ScoreResult.Grade.choices]


def drill_metrics():
    return {
        "dormant": lambda ids, year: (
            Deputy.objects.filter(township_id__in=ids)
            .filter(dormant_deputies_q(year=year))
            .select_related("township")
        ),
    }


def work_report_part(*, townships, figures, year, cutoff, today, quarters_elapsed) -> ReportParts:
    """The work report's assessment: none before the year's assessment is started."""
    return {t.pk: {"scores": _score_figures(figures[t.pk])} for t in townships}


def _score_figures(row) -> ScoreFigures | None:
    if not row.score_state:
        return None
    labels = dict(ScoreResult.Grade.choices)
    return ScoreFigures(
        state=row.score_state,
        count=row.score_count,
        average=row.score_average,
        grades=[(str(labels[g]), row.grades[g]) for g in labels if row.grades.get(g)],
        dormant=row.dormant,
    )
