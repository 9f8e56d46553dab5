"""What the dashboard's pages show of the roster (renda.core.figures): level names, the list
behind a drill-down of deputies."""

from .models import Deputy, Mandate


def level_labels() -> dict:
    """{level: label} of the mandates, national first."""
    return dict(Mandate.Level.choices)


def record_list_url(*, model) -> str | None:
    return "deputies:list" if model is Deputy else None
