"""Migration meetings 0013: the deputy groups' old yearly plans (deputies.GroupPlan, free text
plus dated items) copied into planned group activities, the one record of a yearly plan."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from deputies.models import DeputyGroup

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0012_voidable_year_records"), ("deputies", "0005_voidable_records")]
AFTER = [("meetings", "0013_planned_activity_note_and_group_plans")]
NOTES = [("meetings", "0014_plan_note")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_group_plans_become_planned_group_activities(township, term):
    first = DeputyGroup.objects.create(township=township, term=term, number=1, name="第一代表小组")
    second = DeputyGroup.objects.create(township=township, term=term, number=2, name="第二代表小组")
    third = DeputyGroup.objects.create(township=township, term=term, number=3, name="第三代表小组")
    try:
        old = _migrate(BEFORE)
        GroupPlan = old.get_model("deputies", "GroupPlan")
        GroupPlanItem = old.get_model("deputies", "GroupPlanItem")
        with_items = GroupPlan.objects.create(
            township_id=township.pk, group_id=first.pk, year=2025, text="每季度至少开展一次集中活动。"
        )
        # entered out of date order: the text goes to the earliest item
        for day, topic in (
            (dt.date(2025, 8, 20), "视察农村人居环境整治"),
            (dt.date(2025, 2, 20), "学习法律法规"),
            (dt.date(2025, 2, 25), "走访联系选民"),
        ):
            GroupPlanItem.objects.create(
                township_id=township.pk, plan=with_items, planned_date=day, topic=topic
            )
        GroupPlan.objects.create(
            township_id=township.pk, group_id=second.pk, year=2026, text="全年计划：\n走访选民不少于两次。"
        )
        bare = GroupPlan.objects.create(township_id=township.pk, group_id=third.pk, year=2025, text="")
        GroupPlanItem.objects.create(
            township_id=township.pk, plan=bare, planned_date=dt.date(2025, 11, 3), topic="调研农田水利建设"
        )
        GroupPlan.objects.create(township_id=township.pk, group_id=third.pk, year=2026, text="  ")

        new = _migrate(AFTER)
        PlannedActivity = new.get_model("meetings", "PlannedActivity")
        rows = list(
            PlannedActivity.objects.order_by("group_id", "year", "month", "pk").values_list(
                "township_id", "group_id", "station_id", "year", "month", "kind", "subject", "note"
            )
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    t = township.pk
    assert rows == [
        (t, first.pk, None, 2025, 2, "group", "学习法律法规", "每季度至少开展一次集中活动。"),
        (t, first.pk, None, 2025, 2, "group", "走访联系选民", ""),
        (t, first.pk, None, 2025, 8, "group", "视察农村人居环境整治", ""),
        # text only: one January activity, the text as its note
        (t, second.pk, None, 2026, 1, "group", "全年计划：", "全年计划：\n走访选民不少于两次。"),
        (t, third.pk, None, 2025, 11, "group", "调研农田水利建设", ""),
        # a plan with neither text nor items leaves nothing
    ]


def test_the_copied_plan_text_moves_to_the_plans_own_note(township, term):
    """0014: the text 0013 put on a group's first planned activity becomes the plan's own note
    (so voiding that activity no longer hides it); a note typed on an activity in the app (it
    has a creation row in the change history) stays on it."""
    from django.utils import timezone

    first = DeputyGroup.objects.create(township=township, term=term, number=1, name="第一代表小组")
    second = DeputyGroup.objects.create(township=township, term=term, number=2, name="第二代表小组")
    try:
        old = _migrate(BEFORE)
        GroupPlan = old.get_model("deputies", "GroupPlan")
        GroupPlanItem = old.get_model("deputies", "GroupPlanItem")
        plan = GroupPlan.objects.create(
            township_id=township.pk, group_id=first.pk, year=2025, text="全年计划。"
        )
        for day, topic in ((dt.date(2025, 2, 20), "学习法律法规"), (dt.date(2025, 8, 20), "视察")):
            GroupPlanItem.objects.create(township_id=township.pk, plan=plan, planned_date=day, topic=topic)

        mid = _migrate(AFTER)
        PlannedActivity = mid.get_model("meetings", "PlannedActivity")
        History = mid.get_model("meetings", "HistoricalPlannedActivity")
        typed = PlannedActivity.objects.create(
            township_id=township.pk,
            group_id=second.pk,
            year=2025,
            month=5,
            kind="group",
            subject="调研",
            note="带相机",
        )
        History.objects.create(
            id=typed.pk,
            township_id=township.pk,
            group_id=second.pk,
            year=2025,
            month=5,
            kind="group",
            subject="调研",
            note="带相机",
            created_at=typed.created_at,
            updated_at=typed.updated_at,
            history_date=timezone.now(),
            history_type="+",
        )

        new = _migrate(NOTES)
        notes = list(new.get_model("meetings", "PlanNote").objects.values_list("group_id", "year", "text"))
        items = dict(new.get_model("meetings", "PlannedActivity").objects.values_list("subject", "note"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert notes == [(first.pk, 2025, "全年计划。")]
    assert items == {"学习法律法规": "", "视察": "", "调研": "带相机"}
