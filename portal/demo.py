"""Demo: every township publishes its years on the public page; the first township's first
deputy with a published score gets a demo login (`<code>_daibiao`, the demo password)."""

from assessments.models import Assessment, ScoreResult
from renda.core import roles
from renda.core.demo import _user

from .models import DeputyAccount, PublishedYear


def seed(ctx):
    PublishedYear.objects.bulk_create(
        [PublishedYear(township=t, year=y) for t in ctx.townships for y in ctx.years], ignore_conflicts=True
    )
    township = ctx.townships[0]
    result = (
        ScoreResult.objects.filter(
            assessment__township=township, assessment__state=Assessment.State.PUBLISHED
        )
        .select_related("deputy")
        .order_by("rank", "pk")
        .first()
    )
    if result is None:
        return
    deputy = result.deputy
    user = _user(f"{township.code}_daibiao", role=roles.DEPUTY, township=township, full_name=deputy.name)
    DeputyAccount.objects.create(township=township, deputy=deputy, user=user, must_change_password=False)
    ctx.logins.append((user.username, roles.ROLE_LABELS[roles.DEPUTY], township.name))
    ctx.log(
        f"    public page: {len(ctx.years)} years published; demo deputy login {user.username} ({deputy.name})"
    )
