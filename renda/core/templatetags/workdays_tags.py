"""{% load workdays_tags %} … {{ some_date|calendar_notes }}: the notes of `missing_data_messages`
for a date shown as a deadline (empty when the year's holiday arrangement is known)."""

from django import template

from renda.core.workdays import missing_data_messages

register = template.Library()


@register.filter
def calendar_notes(day, other=None):
    """Messages for the years of `day` (and `other`, e.g. the start of the count) without data."""
    if not day:
        return []
    return missing_data_messages(day, other or None)
