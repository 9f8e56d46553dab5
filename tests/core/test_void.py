"""Void with a reason, restore by the chair, delete an unreferenced draft (issue 15 point 1)."""

import datetime as dt

import pytest

from deputies.models import Deputy, Mandate
from meetings.models import Activity, ActivityParticipation
from renda.core.exceptions import ApplicationError
from renda.core.history import history_entries
from renda.core.models import AuditEvent
from renda.core.services import record_delete_draft, record_restore, record_void
from tests.factories import DeputyFactory, UserFactory


def _activity(township, **kw):
    data = {"kind": "inspection", "start_date": dt.date(2025, 5, 20), "topic": "视察农村道路"}
    data.update(kw)
    return Activity.objects.create(township=township, **data)


def test_voided_activity_leaves_lists_and_counts_and_stays_in_history(township, secretary, chair):
    deputy = DeputyFactory(township=township)
    activity = _activity(township)
    ActivityParticipation.objects.create(township=township, activity=activity, deputy=deputy)
    _activity(township, topic="另一次视察")

    record_void(obj=activity, by=secretary, reason="重复录入")

    assert Activity.objects.filter(township=township).count() == 1
    assert not ActivityParticipation.objects.filter(deputy=deputy).exists()
    row = Activity.all_objects.get(pk=activity.pk)
    assert (row.voided_by, row.void_reason) == (secretary, "重复录入")
    assert row.voided_at is not None
    entry = history_entries(row)[0]
    assert entry["user"] == secretary
    assert str(entry["changes"][0]) == "已作废"
    assert entry["reason"] == "重复录入"
    assert AuditEvent.objects.filter(action="record_voided", user=secretary).exists()

    record_restore(obj=row, by=chair)

    assert Activity.objects.filter(township=township).count() == 2
    assert ActivityParticipation.objects.filter(deputy=deputy).count() == 1
    assert str(history_entries(row)[0]["changes"][0]) == "已恢复"
    assert history_entries(row)[0]["user"] == chair


def test_reason_is_required_in_chinese(township, secretary):
    activity = _activity(township)
    with pytest.raises(ApplicationError) as exc:
        record_void(obj=activity, by=secretary, reason="   ")
    assert exc.value.field == "reason"
    assert "作废" in exc.value.message
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_secretary_cannot_restore_and_other_township_cannot_void(township, secretary, other_secretary):
    activity = _activity(township)
    with pytest.raises(ApplicationError, match="您无权进行此项操作"):
        record_void(obj=activity, by=other_secretary, reason="错")
    record_void(obj=activity, by=secretary, reason="错")
    with pytest.raises(ApplicationError, match="您无权进行此项操作"):
        record_restore(obj=Activity.all_objects.get(pk=activity.pk), by=secretary)
    other_chair = UserFactory(username="chair2", township=other_secretary.township, role="township_chair")
    with pytest.raises(ApplicationError, match="您无权进行此项操作"):
        record_restore(obj=Activity.all_objects.get(pk=activity.pk), by=other_chair)


def test_voided_deputy_is_not_serving_and_its_number_is_free(township, secretary, chair):
    deputy = DeputyFactory(township=township, id_number="110101197505010011")
    assert Mandate.objects.filter(deputy=deputy).exists()

    record_void(obj=deputy, by=secretary, reason="录错了人")

    assert not Deputy.objects.filter(pk=deputy.pk).exists()
    assert not Mandate.objects.filter(deputy_id=deputy.pk).exists()
    # the right person can be entered with the same ID number
    again = DeputyFactory(township=township, id_number="110101197505010011")
    with pytest.raises(ApplicationError) as exc:
        record_restore(obj=Deputy.all_objects.get(pk=deputy.pk), by=chair)
    assert "恢复" in exc.value.message
    assert Deputy.objects.filter(pk=again.pk).exists()


def test_unreferenced_draft_deleted_outright_referenced_one_refused(township, secretary):
    empty = _activity(township)
    used = _activity(township, topic="有代表参加")
    ActivityParticipation.objects.create(
        township=township, activity=used, deputy=DeputyFactory(township=township)
    )

    record_delete_draft(obj=empty, by=secretary)

    assert not Activity.all_objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(action="record_deleted").exists()
    with pytest.raises(ApplicationError) as exc:
        record_delete_draft(obj=used, by=secretary)
    assert "作废" in exc.value.message


# --- through the pages ------------------------------------------------------------------


def _void_url(obj, what="void"):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    ct = ContentType.objects.get_for_model(type(obj)).pk
    return reverse(f"record_{what}", args=[ct, obj.pk])


def test_void_on_the_page_leaves_list_work_report_and_document(client_for, township, secretary, chair):
    import io

    import docx
    from django.urls import reverse
    from django.utils import translation

    from renda.dashboard.jobs import work_report_build
    from renda.dashboard.selectors import work_report_data

    mistaken = _activity(township, topic="误录的视察活动", start_date=dt.date(2025, 6, 3))
    _activity(township, topic="真实的视察活动", start_date=dt.date(2025, 6, 4))

    def inspections():
        data = work_report_data(township=township, year=2025)
        return next(k.count for k in data.activities.others if k.kind == "inspection")

    def document_text():
        with translation.override("zh-hans"):
            _name, content = work_report_build(township=township, year=2025, today=dt.date(2026, 1, 10))
        return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)

    assert inspections() == Activity.objects.filter(township=township, kind="inspection").count() == 2
    assert "视察2次" in document_text()
    client = client_for(secretary)
    page = client.get(reverse("meetings:activity_detail", args=[mistaken.pk]))
    assert page.status_code == 200 and "作废原因" in page.content.decode()

    response = client.post(
        _void_url(mistaken), {"reason": "重复录入", "next": reverse("meetings:activity_list")}
    )

    assert response.status_code == 302 and response.url == reverse("meetings:activity_list")
    listing = client.get(reverse("meetings:activity_list") + "?year=2025").content.decode()
    listing = listing.split("<tbody>")[1]  # the table, not the message saying what was voided
    assert "误录的视察活动" not in listing and "真实的视察活动" in listing
    assert client.get(reverse("meetings:activity_detail", args=[mistaken.pk])).status_code == 404
    assert inspections() == Activity.objects.filter(township=township, kind="inspection").count() == 1
    assert "视察1次" in document_text()
    voided_page = client.get(reverse("voided_records")).content.decode()
    assert "误录的视察活动" in voided_page and "重复录入" in voided_page and str(secretary) in voided_page
    assert "恢复" not in voided_page.split("<tbody>")[1]  # no restore button for the secretary

    assert client.post(_void_url(mistaken, "restore")).status_code == 403
    assert client_for(chair).post(_void_url(mistaken, "restore")).status_code == 302
    assert inspections() == 2


def test_void_without_reason_shows_a_chinese_message_and_writes_nothing(client_for, township, secretary):
    from django.urls import reverse

    activity = _activity(township)
    back = reverse("meetings:activity_detail", args=[activity.pk])
    response = client_for(secretary).post(_void_url(activity), {"reason": " ", "next": back}, follow=True)
    assert "请填写作废这条记录的原因" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_other_township_record_is_404_and_get_writes_nothing(
    client_for, township, other_secretary, secretary
):
    activity = _activity(township)
    assert client_for(other_secretary).post(_void_url(activity), {"reason": "错"}).status_code == 404
    assert client_for(secretary).get(_void_url(activity)).status_code == 405
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_voided_records_page_is_for_township_staff(client_for, township, reviewer, secretary):
    from django.urls import reverse

    assert client_for(reviewer).get(reverse("voided_records")).status_code == 403
    # the account menu offers it to township staff only
    link = f'href="{reverse("voided_records")}"'
    assert link in client_for(secretary).get("/").content.decode()
    assert link not in client_for(reviewer).get("/").content.decode()


def test_proposal_of_a_voided_deputy_still_opens(client_for, township, secretary):
    from django.urls import reverse

    from proposals.services import proposal_submit

    deputy = DeputyFactory(township=township)
    proposal = proposal_submit(
        township=township,
        by=secretary,
        kind="suggestion",
        title="关于修路的建议",
        content="修路",
        lead_deputy=deputy,
        submitted_on=dt.date(2025, 3, 10),
    )
    record_void(obj=deputy, by=secretary, reason="录错")
    page = client_for(secretary).get(reverse("proposals:detail", args=[proposal.pk]))
    assert page.status_code == 200
    assert deputy.name in page.content.decode()


def test_admin_lists_voided_records_with_a_filter(client_for, township, secretary, admin_user):
    from django.urls import reverse

    activity = _activity(township, topic="误录活动")
    record_void(obj=activity, by=secretary, reason="重复录入")
    client = client_for(admin_user)
    url = reverse("admin:meetings_activity_changelist")
    assert "误录活动" in client.get(url + "?voided=yes").content.decode()
    assert "误录活动" not in client.get(url + "?voided=no").content.decode()
    detail = client.get(reverse("admin:meetings_activity_change", args=[activity.pk])).content.decode()
    assert "重复录入" in detail


def test_next_that_is_not_a_path_goes_to_the_voided_records_page(client_for, township, secretary):
    activity = _activity(township)
    response = client_for(secretary).post(_void_url(activity), {"reason": "错", "next": "abc"})
    assert response.status_code == 302 and response.url == "/records/voided/"
    response = client_for(secretary).post(
        _void_url(activity), {"reason": "错", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/records/voided/"


def test_voided_records_page_queries_do_not_grow_with_rows(
    client_for, township, secretary, chair, django_assert_max_num_queries
):
    from django.urls import reverse

    from meetings.models import ActivityAttachment

    for i in range(6):
        activity = _activity(township, topic=f"误录活动{i}")
        ActivityAttachment.objects.create(
            township=township,
            activity=activity,
            file="x.jpg",
            name=f"照片{i}.jpg",
            content_type="image/jpeg",
            size=1,
        )
        record_void(obj=activity, by=secretary, reason=f"原因{i}")
        record_void(obj=DeputyFactory(township=township), by=secretary, reason="录错")
    client = client_for(chair)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("voided_records")).content.decode()
    # recounted: every voided activity, attachment and deputy of the township is listed
    voided = sum(
        m.all_objects.filter(township=township, voided_at__isnull=False).count()
        for m in (Activity, ActivityAttachment, Deputy)
    )
    assert voided == 18
    assert page.count("恢复</button>") == voided
    assert "照片5.jpg" in page and "误录活动5" in page and "原因5" in page


def test_person_times_leave_out_a_voided_deputy(township, secretary):
    from renda.dashboard.selectors import work_report_data

    activity = _activity(township, start_date=dt.date(2025, 6, 3))
    deputies = [DeputyFactory(township=township) for _ in range(3)]
    for d in deputies:
        ActivityParticipation.objects.create(township=township, activity=activity, deputy=d)

    def person_times():
        data = work_report_data(township=township, year=2025)
        return next(k.person_times for k in data.activities.others if k.kind == "inspection")

    assert person_times() == ActivityParticipation.objects.filter(activity=activity).count() == 3
    record_void(obj=deputies[0], by=secretary, reason="录错了人")
    assert person_times() == ActivityParticipation.objects.filter(activity=activity).count() == 2
