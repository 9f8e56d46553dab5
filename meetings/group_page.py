"""The meetings section of a deputy group's page: the group's yearly plan against what it held
(plan_vs_held narrowed to the group), with the link to the plans page where staff edit it."""

from django.urls import reverse

from renda.core.access import access_for

from .selectors import plan_vs_held


def group_plan_context(group, year, user):
    plan = plan_vs_held(township=group.township, year=year, user=user, group=group)
    owner = plan["owners"][0] if plan["owners"] else None
    return {
        "plan": plan,
        "owner": owner,
        "year": year,
        "plans_url": f"{reverse('meetings:plans')}?year={year}&group={group.pk}",
        "can_write": access_for(user).can_write(group.township, "meetings.add_plannedactivity"),
    }
