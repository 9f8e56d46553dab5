import datetime as dt

import factory
from django.contrib.auth.models import Group

from renda.core import roles
from renda.core.models import Term, Township, User


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"第{n}镇")
    code = factory.Sequence(lambda n: f"t{n}")
    kind = Township.Kind.ZHEN


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    township = factory.SubFactory(TownshipFactory)
    number = 18
    start_date = dt.date(2021, 12, 28)
    end_date = dt.date(2026, 12, 27)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", "Test-pass-2026")
    township = factory.SubFactory(TownshipFactory)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create:
            return
        roles.roles_sync() if not Group.objects.filter(name=roles.SECRETARY).exists() else None
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()
