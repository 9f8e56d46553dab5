"""The one access policy (renda.core.access): scopes, reads, writes, sign-off, masking, documents."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from deputies.models import Deputy
from renda.core.access import Access, access_for, mask_birth_date, mask_id_number, mask_phone
from renda.core.models import DocumentJob, Township
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _unit_user(township):
    return UserFactory(username="unit", township=township, role="handling_unit")


def test_scope_by_role(township, other_township, secretary, chair, reviewer, admin_user):
    own = DeputyFactory(township=township)
    DeputyFactory(township=other_township)

    assert list(access_for(secretary).scope(Deputy)) == [own]
    assert list(access_for(chair).scope(Deputy.objects.all())) == [own]
    assert access_for(reviewer).scope(Deputy).count() == 2
    assert access_for(admin_user).scope(Deputy).count() == 2
    assert access_for(_unit_user(township)).scope(Deputy).count() == 0  # units: proposals only
    assert access_for(None).scope(Deputy).count() == 0


def test_get_or_404_hides_other_townships_and_bad_ids(township, other_township, secretary):
    own, foreign = DeputyFactory(township=township), DeputyFactory(township=other_township)
    access = access_for(secretary)

    assert access.get_or_404(Deputy, pk=own.pk) == own
    for pk in (foreign.pk, "abc", "1\x00", 10**30, None):
        with pytest.raises(Http404):
            access.get_or_404(Deputy, pk=pk)


def test_townships_and_selection(township, other_township, secretary, reviewer):
    assert list(access_for(secretary).townships()) == [township]
    assert set(access_for(reviewer).townships()) == {township, other_township}
    assert access_for(secretary).selected_township == township
    assert access_for(reviewer).selected_township is None
    assert Access(reviewer, selected_township_id=other_township.pk).selected_township == other_township
    assert access_for(secretary).scope(Township).get() == township


def test_read_and_write_rules(township, other_township, secretary, chair, reviewer, admin_user):
    deputy = DeputyFactory(township=township)
    foreign = DeputyFactory(township=other_township)
    sec, ch, rev, adm = (access_for(u) for u in (secretary, chair, reviewer, admin_user))

    assert sec.can_read(deputy) and not sec.can_read(foreign) and rev.can_read(foreign)
    assert sec.can_write(deputy, "deputies.change_deputy")
    assert not sec.can_write(foreign, "deputies.change_deputy")
    assert not rev.can_write(deputy, "deputies.change_deputy") and not rev.can_write()
    assert not adm.can_write(deputy, "deputies.change_deputy")
    with pytest.raises(PermissionDenied):
        rev.require_write(deputy, "deputies.change_deputy")
    with pytest.raises(PermissionDenied):
        sec.require_read(foreign)
    # sign-off steps are the chair's
    assert ch.can_write(township, "assessments.signoff_lock_assessment")
    assert ch.can_sign_off(township, "assessments.signoff_lock_assessment")
    assert not sec.can_write(township, "assessments.signoff_lock_assessment")
    # the scoring scheme: chair or county admin, not the secretary or the reviewer
    assert ch.can_edit_scheme(township) and adm.can_edit_scheme(township)
    assert not sec.can_edit_scheme(township) and not rev.can_edit_scheme(township)
    assert not ch.can_edit_scheme(other_township)
    # the 换届: the township's staff, or the county admin; not the reviewer, not another township
    assert sec.can_change_term(township) and adm.can_change_term(township)
    assert not rev.can_change_term(township) and not sec.can_change_term(other_township)
    assert not adm.can_change_term(None)


def test_masks_leave_nothing_to_rebuild():
    assert mask_id_number("34022519680512123X") == "*" * 18
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0553-1234567") == "055*****4567"
    assert mask_phone("12345678") == "********"
    assert mask_birth_date(dt.date(1968, 5, 12)) == "1968-05"
    assert mask_birth_date(None) == ""


def test_personal_data_in_clear_only_for_own_township_staff(township, secretary, chair, reviewer, admin_user):
    d = DeputyFactory(
        township=township,
        phone="13812345678",
        id_number="34022519680512123X",
        birth_date=dt.date(1968, 5, 12),
    )
    for user in (secretary, chair):
        p = access_for(user).personal(d)
        assert (p.phone, p.id_number, p.birth_date, p.masked) == (d.phone, d.id_number, d.birth_date, False)
    for user in (reviewer, admin_user, _unit_user(township)):
        p = access_for(user).personal(d)
        assert (p.phone, p.id_number, p.birth_date, p.masked) == ("138****5678", "*" * 18, "1968-05", True)
    # a document that leaves the township masks even for its own staff
    assert access_for(secretary).masked().personal(d).masked


def _job(user, township):
    job = DocumentJob.objects.create(
        kind="townships_xlsx", title="t", township=township, requested_by=user, status="done", progress=100
    )
    job.file.save("x.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    return job


def test_jobs_only_own_or_own_township(
    township, other_township, secretary, chair, other_secretary, reviewer, admin_user
):
    sec_job = _job(secretary, township)
    rev_job = _job(reviewer, None)

    assert set(access_for(secretary).jobs()) == {sec_job}
    assert set(access_for(chair).jobs()) == {sec_job}  # the township's documents, within the role
    assert not access_for(other_secretary).jobs().exists()
    assert set(access_for(reviewer).jobs()) == {rev_job}  # never a township user's file
    assert not access_for(admin_user).jobs().exists()


def test_reviewer_cannot_download_a_township_document(township, secretary, reviewer, admin_user, client_for):
    job = _job(secretary, township)
    for user in (reviewer, admin_user):
        assert client_for(user).get(f"/documents/{job.pk}/download/").status_code == 404
        assert client_for(user).get(f"/documents/{job.pk}/status/").status_code == 404
    assert client_for(secretary).get(f"/documents/{job.pk}/download/").status_code == 200


def test_request_access_is_built_by_the_middleware(township, secretary, client_for):
    response = client_for(secretary).get("/")
    assert response.status_code == 200
    assert response.wsgi_request.access.township_id == township.pk
    assert response.wsgi_request.access.is_secretary


def test_django_admin_masks_personal_data_for_the_county_admin(township, client_for):
    admin = UserFactory(username="cadmin", township=None, role="county_admin", is_staff=True)
    d = DeputyFactory(
        township=township,
        phone="13812345678",
        id_number="34022519680512123X",
        birth_date=dt.date(1968, 5, 12),
    )
    client = client_for(admin)
    for url in ("/admin/deputies/deputy/", f"/admin/deputies/deputy/{d.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "13812345678" not in html and "340225" not in html and "1968-05-12" not in html, url
        assert "5月12" not in html and "May 12" not in html, url
    html = client.get(f"/admin/deputies/deputy/{d.pk}/change/").content.decode()
    assert "138****5678" in html and "1968-05" in html
    assert client.get(f"/admin/deputies/deputy/{d.pk}/history/").status_code == 403


def test_void_by_staff_restore_by_the_chair_only(
    township, other_township, secretary, chair, reviewer, admin_user
):
    own, foreign = DeputyFactory(township=township), DeputyFactory(township=other_township)
    unit = _unit_user(township)

    assert access_for(secretary).can_void(own) and access_for(chair).can_void(own)
    assert not access_for(secretary).can_void(foreign)
    assert not any(access_for(u).can_void(own) for u in (reviewer, admin_user, unit))
    assert access_for(chair).can_restore(own)
    assert not access_for(chair).can_restore(foreign)
    assert not any(access_for(u).can_restore(own) for u in (secretary, reviewer, admin_user, unit))
    assert access_for(secretary).can_delete_draft(own) and not access_for(reviewer).can_delete_draft(own)
