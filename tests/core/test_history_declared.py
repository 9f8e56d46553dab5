"""Change history only where a model keeps it: `history = None` in a subclass of the base
model turns it off (simple-history used to register every subclass all the same)."""

import pytest
from django.apps import apps

from renda.core.models import DocumentJob, Reminder, TownshipScopedModel


def test_a_model_declaring_history_none_has_no_history_model_table_or_manager():
    labels = {m._meta.label for m in apps.get_models()}
    assert not {"core.HistoricalDocumentJob", "core.HistoricalReminder"} & labels
    assert DocumentJob.history is None and Reminder.history is None
    scoped = [m for m in apps.get_models() if issubclass(m, TownshipScopedModel)]
    opted_out = [m for m in scoped if m.__dict__.get("history", "inherited") is None]
    assert DocumentJob in opted_out and len(opted_out) < len(scoped)
    for model in scoped:
        kept = hasattr(model._meta, "simple_history_manager_attribute")
        assert kept == (model not in opted_out), model
        assert (f"{model._meta.app_label}.Historical{model.__name__}" in labels) == kept, model


@pytest.mark.django_db
def test_saving_a_document_job_or_a_reminder_writes_no_history_row(township, secretary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        job = DocumentJob.objects.create(kind="k", title="t", township=township, requested_by=secretary)
        job.progress = 50
        job.save(update_fields=["progress"])
        Reminder.objects.create(township=township, key="k", text="t")
    assert len(queries) == 3 and not any("historical" in q["sql"] for q in queries)
