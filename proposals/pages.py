"""What the dashboard's pages show of the proposals (renda.core.figures)."""

from .models import Proposal


def record_list_url(*, model) -> str | None:
    """The register behind a drill-down of proposals."""
    return "proposals:list" if model is Proposal else None
