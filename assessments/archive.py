"""The assessment's part of the deputy archive (一人一档, composed by renda.core.archive): the
deputy's computed score of the year, line by line."""

from django.urls import reverse
from django.utils.translation import gettext as _

from renda.core.access import access_for
from renda.core.archive import ArchiveSection, Link, choice_labels

from .models import Assessment, ScoreResult
from .selectors import COUNTY_STATES


def score_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """The score of `year` with its lines (a county reader: only a published or locked year's).
    One query."""
    ids = [d.deputy_id for d in deputies]
    results = ScoreResult.objects.filter(deputy_id__in=ids, assessment__year=year).select_related(
        "assessment"
    )
    if user is not None and access_for(user).is_county:
        results = results.filter(assessment__state__in=COUNTY_STATES)
    grade, state = choice_labels(ScoreResult, "grade"), choice_labels(Assessment, "state")
    title = _("Score card")
    headers = (_("Item"), _("Count"), _("Points"), _("Adjustment"), _("Reason"))
    text, dormant = (
        _("Total %(total)s points, rank %(rank)s, grade: %(grade)s (%(state)s)."),
        _("Counted as a dormant deputy."),
    )
    card = _("score card")
    out = {
        i: ArchiveSection(
            key="assessments",
            title=title,
            summary=_("No assessment has been computed for this year."),
            headers=headers,
            widths=(46, 18, 20, 20, 52),
        )
        for i in ids
    }
    for s in results:
        a = s.assessment
        names = {i.get("key"): i.get("name") for i in a.items if isinstance(i, dict)}
        summary = text % {"total": s.total, "rank": s.rank, "grade": grade(s.grade), "state": state(a.state)}
        out[s.deputy_id] = ArchiveSection(
            key="assessments",
            title=title,
            summary=f"{summary}{dormant}" if s.dormant else summary,
            headers=headers,
            rows=[
                (
                    names.get(line.get("item")) or line.get("item", ""),
                    str(line.get("count", "")),
                    str(line.get("points", "")),
                    str(line.get("adjustment", "") or ""),
                    line.get("reason", "") or "",
                )
                for line in s.lines
            ],
            widths=(46, 18, 20, 20, 52),
            links=[Link(card, reverse("assessments:card", args=[a.pk, s.deputy_id]))],
        )
    return out
