import pytest

from deputies.models import Deputy
from renda.core.models import Township


def _deputy(township, name):
    return Deputy.objects.create(township=township, name=name, gender="M")


@pytest.mark.django_db
def test_township_user_sees_only_own_township(township, other_township, secretary):
    own = _deputy(township, "张三")
    _deputy(other_township, "李四")

    visible = Deputy.objects.for_user(secretary)

    assert list(visible) == [own]


@pytest.mark.django_db
def test_county_reviewer_sees_every_township(township, other_township, reviewer):
    _deputy(township, "张三")
    _deputy(other_township, "李四")

    assert Deputy.objects.for_user(reviewer).count() == 2


@pytest.mark.django_db
def test_user_without_role_or_anonymous_sees_nothing(township):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    _deputy(township, "张三")
    nobody = UserFactory(township=None)

    assert Deputy.objects.for_user(nobody).count() == 0
    assert Deputy.objects.for_user(AnonymousUser()).count() == 0
    assert Township.objects.count() == 1
