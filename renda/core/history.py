"""Change history of a record for detail pages: who changed which fields, when."""

from typing import Any

from django.utils.translation import gettext as _


def history_actor(obj: Any, user: Any) -> None:
    """Name the user simple-history records for the next save of `obj` (services, commands, tasks)."""
    obj._history_user = user


def history_entries(obj, *, limit=20):
    records = list(obj.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None]):
        if older is None:
            if len(records) > limit:
                break
            changes = [_("created")] if newer.history_type == "+" else []
        else:
            delta = newer.diff_against(older)
            changes = [str(obj._meta.get_field(c.field).verbose_name) for c in delta.changes]
        reason = newer.history_change_reason or ""
        voided = getattr(newer, "voided_at", None)
        if older is not None and voided != getattr(older, "voided_at", None):
            # void and restore read as what they are, with the full reason
            changes = [_("voided")] if voided else [_("restored")]
            reason = newer.void_reason if voided else ""
        if newer.history_type == "-":
            changes = [_("deleted")]
        entries.append(
            {
                "at": newer.history_date,
                "user": newer.history_user,
                "changes": changes,
                "reason": reason,
            }
        )
    return entries
