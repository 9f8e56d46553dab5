"""The core's services ask the access policy first (authorize): voiding, restoring and deleting a
record, retrying or requesting a document and writing the audit log refuse a county reviewer,
another township's secretary and a handling unit (and nobody at all) with the same
ApplicationError, and nothing is written."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from meetings.models import Activity
from renda.core import services
from renda.core.exceptions import ApplicationError
from renda.core.models import AuditEvent, DocumentJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(township, secretary):
    activity = Activity.objects.create(
        township=township, kind="inspection", start_date=dt.date(2025, 5, 20), topic="视察农村道路"
    )
    voided = Activity.objects.create(
        township=township, kind="inspection", start_date=dt.date(2025, 5, 21), topic="重复录入的视察"
    )
    services.record_void(obj=voided, by=secretary, reason="重复录入")
    job = DocumentJob.objects.create(
        kind="townships_xlsx", title="乡镇名单", township=township, requested_by=secretary, status="failed"
    )
    return {
        "township": township,
        "activity": activity,
        "voided": Activity.all_objects.get(pk=voided.pk),
        "job": job,
    }


CALLS = {
    "record_void": lambda w, by: services.record_void(obj=w["activity"], by=by, reason="错"),
    "record_restore": lambda w, by: services.record_restore(obj=w["voided"], by=by),
    "record_delete_draft": lambda w, by: services.record_delete_draft(obj=w["activity"], by=by),
    "document_job_retry": lambda w, by: services.document_job_retry(job=w["job"], by=by),
    "document_job_request": lambda w, by: services.document_job_request(
        by=by, kind="townships_xlsx", township=w["township"]
    ),
}


def _snapshot():
    return (
        list(Activity.all_objects.order_by("pk").values_list("pk", "voided_at")),
        list(DocumentJob.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


@pytest.fixture(params=["reviewer", "other_secretary", "handling_unit"])
def outsider(request, township):
    if request.param == "handling_unit":
        return UserFactory(username="unit", township=township, role="handling_unit")
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_outsiders_are_refused_and_nothing_is_written(world, outsider, call):
    if call is CALLS["document_job_request"] and outsider.username == "reviewer":
        pytest.skip("a county reviewer may ask for any township's document (masked)")
    before = _snapshot()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        call(world, outsider)
    assert exc.value.message == "您无权进行此项操作。"
    assert _snapshot() == before


def test_the_audit_log_names_a_signed_in_user(world, secretary):
    with pytest.raises(ApplicationError):
        services.audit_record(by=AnonymousUser(), action="download", township=world["township"])
    with pytest.raises(ApplicationError):
        services.audit_record(by=None, action="download", township=world["township"])
    assert not AuditEvent.objects.filter(action="download").exists()
    event = services.audit_record(by=secretary, action="download", township=world["township"])
    assert event.user == secretary
    assert services.audit_record_system(action="township_backup").user is None
