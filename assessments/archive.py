"""The score-card section of the deputy archive (一人一档)."""

from .selectors import deputy_score_summary


def score_section_context(deputy, year, user):
    """Two queries: the result with its assessment."""
    result = deputy_score_summary(deputy=deputy, year=year, user=user)
    if result is None:
        return {"result": None}
    items = {i["key"]: i for i in result.assessment.items}
    lines = [{"item": items.get(line["item"], {}), "line": line} for line in result.lines]
    return {"result": result, "assessment": result.assessment, "lines": lines}
