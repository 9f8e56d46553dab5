import pytest

from deputies.models import Deputy
from renda.core.access import access_for
from renda.core.models import Township


def _deputy(township, name):
    return Deputy.objects.create(township=township, name=name, gender="M")


@pytest.mark.django_db
def test_township_user_sees_only_own_township(township, other_township, secretary):
    own = _deputy(township, "张三")
    _deputy(other_township, "李四")

    visible = access_for(secretary).scope(Deputy)

    assert list(visible) == [own]


@pytest.mark.django_db
def test_county_reviewer_sees_every_township(township, other_township, reviewer):
    _deputy(township, "张三")
    _deputy(other_township, "李四")

    assert access_for(reviewer).scope(Deputy).count() == 2


@pytest.mark.django_db
def test_user_without_role_or_anonymous_sees_nothing(township):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    _deputy(township, "张三")
    nobody = UserFactory(township=None)

    assert access_for(nobody).scope(Deputy).count() == 0
    assert access_for(AnonymousUser()).scope(Deputy).count() == 0
    assert Township.objects.count() == 1
