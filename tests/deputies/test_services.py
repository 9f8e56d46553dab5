import datetime as dt

import pytest

from deputies.models import Deputy, GroupMembership, Mandate
from deputies.naming import name_keys, surname_strokes
from deputies.rules import id_number_check
from deputies.selectors import deputy_current
from deputies.services import (
    MandateStart,
    deputy_create,
    deputy_update,
    group_set_members,
    mandate_create,
    mandate_end,
)
from renda.core.access import mask_birth_date, mask_id_number, mask_phone
from renda.core.exceptions import ApplicationError
from tests.deputies.factories import id_number, make_group
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1970, 3, 9)


def test_id_number_check_derives_birth_and_gender():
    number = id_number(BIRTH, female=True)
    assert id_number_check(number) == (BIRTH, "F")


def test_id_number_wrong_checksum_is_refused_in_chinese_terms():
    number = id_number(BIRTH)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ApplicationError) as exc:
        id_number_check(wrong)
    assert exc.value.field == "id_number"


def test_id_number_must_agree_with_entered_birth_date_and_gender():
    number = id_number(BIRTH)
    with pytest.raises(ApplicationError) as exc:
        id_number_check(number, birth_date=dt.date(1970, 3, 10))
    assert exc.value.field == "birth_date"
    with pytest.raises(ApplicationError) as exc:
        id_number_check(number, gender="F")
    assert exc.value.field == "gender"
    # month precision (出生年月) is enough when that is all that was entered
    assert id_number_check(number, birth_date=dt.date(1970, 3, 1), birth_month_only=True)[0] == BIRTH


def test_deputy_create_sets_name_keys_and_derives_from_id(township, term, secretary):
    number = id_number(BIRTH, female=True)
    d = deputy_create(
        township=township,
        name=" 欧阳红梅 ",
        id_number=number.lower(),
        ethnicity="汉族",
        by=secretary,
        mandate=MandateStart(level=Mandate.Level.TOWNSHIP, term=term, start_date=term.start_date),
    )
    assert (d.name, d.gender, d.birth_date, d.id_number) == ("欧阳红梅", "F", BIRTH, number)
    assert (d.name_pinyin, d.name_initials, d.surname_strokes) == name_keys("欧阳红梅")
    assert d.surname_strokes == 8
    assert d.mandates.get().term == term
    assert d.history.first().history_user == secretary


def test_deputy_create_refuses_duplicate_id_in_township(township, secretary):
    number = id_number(BIRTH)
    deputy_create(township=township, name="王强", id_number=number, by=secretary)
    with pytest.raises(ApplicationError) as exc:
        deputy_create(township=township, name="王强强", id_number=number, by=secretary)
    assert exc.value.field == "id_number"
    assert Deputy.objects.count() == 1


def test_deputy_update_recomputes_keys_and_records_history(township, secretary):
    d = deputy_create(township=township, name="王强", gender="M", by=secretary)
    deputy_update(deputy=d, name="黄强", by=secretary)
    d.refresh_from_db()
    assert d.surname_strokes == surname_strokes("黄强") == 11
    assert d.history.count() == 2


def test_mandate_end_drops_deputy_from_current_from_that_day(township, secretary):
    d = DeputyFactory(township=township)
    m = d.mandates.get()
    mandate_end(
        mandate=m, end_date=dt.date(2024, 6, 30), end_reason="resigned", note="本人申请", by=secretary
    )
    assert d in deputy_current(township=township, on=dt.date(2024, 6, 29))
    assert d not in deputy_current(township=township, on=dt.date(2024, 6, 30))
    with pytest.raises(ApplicationError):
        mandate_end(mandate=m, end_date=dt.date(2024, 7, 1), end_reason="resigned", note="x", by=secretary)


def test_mandate_end_needs_a_reason_and_a_date_after_start(township, secretary):
    d = DeputyFactory(township=township)
    m = d.mandates.get()
    with pytest.raises(ApplicationError) as exc:
        mandate_end(mandate=m, end_date=dt.date(2024, 6, 30), end_reason="recalled", note=" ", by=secretary)
    assert exc.value.field == "note"
    with pytest.raises(ApplicationError) as exc:
        mandate_end(mandate=m, end_date=dt.date(2000, 1, 1), end_reason="recalled", note="罢免", by=secretary)
    assert exc.value.field == "end_date"


def test_mandate_create_refuses_second_active_mandate_at_a_level(township, term, secretary):
    d = DeputyFactory(township=township)
    with pytest.raises(ApplicationError):
        mandate_create(deputy=d, level="township", term=term, start_date=term.start_date, by=secretary)
    mandate_create(deputy=d, level="county", term_number=18, start_date=dt.date(2022, 1, 1), by=secretary)
    assert d.mandates.count() == 2


def test_group_set_members_moves_deputies_and_warns_on_size(township, term, secretary):
    people = [DeputyFactory(township=township) for _ in range(4)]
    g1 = make_group(township, term, 1, members=people[:2])
    g2 = make_group(township, term, 2)
    warnings = group_set_members(group=g2, deputies=people[1:], by=secretary)
    assert set(GroupMembership.objects.filter(group=g2).values_list("deputy_id", flat=True)) == {
        p.pk for p in people[1:]
    }
    assert list(GroupMembership.objects.filter(group=g1).values_list("deputy_id", flat=True)) == [
        people[0].pk
    ]
    assert any(people[1].name in w for w in warnings)  # moved out of group 1
    assert any("10" in w and "15" in w for w in warnings)  # 3 members: outside 10–15, warned not refused


def test_group_set_members_refuses_other_townships_deputy(township, other_township, term, secretary):
    g = make_group(township, term)
    stranger = DeputyFactory(township=other_township)
    with pytest.raises(ApplicationError):
        group_set_members(group=g, deputies=[stranger], by=secretary)


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("34022519680512123X") == "*" * 18  # no digit: nothing to rebuild
    assert mask_phone("1381234") == "*******"  # too short to keep 3 + 4 digits
    assert mask_birth_date(dt.date(1968, 5, 12)) == "1968-05"


def test_democratic_party_is_kept_for_a_democratic_party_member_only(township, secretary, client_for):
    d = deputy_create(
        township=township,
        name="民主",
        gender="M",
        affiliation="dem",
        democratic_party="minmeng",
        by=secretary,
    )
    assert Deputy.objects.get(pk=d.pk).democratic_party == "minmeng"
    with pytest.raises(ApplicationError) as exc:
        deputy_update(deputy=d, affiliation="cpc", by=secretary)
    assert exc.value.field == "democratic_party"
    # the edit form offers the field and shows the refusal next to it, in Chinese
    response = client_for(secretary).post(
        f"/deputies/{d.pk}/edit/",
        {
            "name": "民主",
            "gender": "M",
            "ethnicity": "汉族",
            "affiliation": "cpc",
            "democratic_party": "minmeng",
        },
    )
    assert response.status_code == 200
    assert "democratic_party" in response.context["form"].errors
    assert Deputy.objects.get(pk=d.pk).affiliation == "dem"
