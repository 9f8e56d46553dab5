import datetime as dt

import factory
from django.contrib.auth.models import Group

from renda.core import hooks, roles
from renda.core.models import Term, Township, User


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)
        skip_postgeneration_save = True  # the hook below adds rows of other apps, not fields

    name = factory.Sequence(lambda n: f"第{n}镇")
    code = factory.Sequence(lambda n: f"t{n}")
    kind = Township.Kind.ZHEN

    @factory.post_generation
    def set_up(obj, create, extracted, **kwargs):
        # as the admin does when it creates a township: the apps' township_created hooks
        if create:
            hooks.collect("township_created", township=obj)


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


class DeputyFactory(factory.django.DjangoModelFactory):
    """A deputy with an active township mandate in the township's current term."""

    class Meta:
        model = "deputies.Deputy"
        skip_postgeneration_save = True

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(
        lambda n: (
            "张王李赵刘陈杨黄周吴"[n % 10] + "明华强芳丽军"[n % 6] + "一二三四五六七八九十"[n // 10 % 10]
        )
    )
    gender = "M"
    birth_date = dt.date(1975, 5, 1)

    @factory.post_generation
    def mandate(self, create, extracted, **kwargs):
        """DeputyFactory(mandate=False) for none; mandate__level="county" etc. to vary it."""
        if not create or extracted is False:
            return
        from deputies.models import Mandate

        term = self.township.terms.order_by("-number").first() or TermFactory(township=self.township)
        Mandate.objects.create(
            township=self.township,
            deputy=self,
            level=kwargs.get("level", Mandate.Level.TOWNSHIP),
            term=term,
            term_number=term.number,
            start_date=kwargs.get("start_date", term.start_date),
            end_date=kwargs.get("end_date"),
            end_reason=kwargs.get("end_reason", "resigned" if kwargs.get("end_date") else ""),
        )


def staff_user(township, role=roles.SECRETARY):
    """A user of the township's staff (the secretary unless told), made once: the `by` of the
    services a test calls to set up its records."""
    return UserFactory(username=f"staff-{township.pk}-{role}", township=township, role=role)
