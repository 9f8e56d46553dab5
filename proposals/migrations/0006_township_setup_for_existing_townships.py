"""Every existing township gets the default categories and settings row now, so that opening a
page never has to create them (no write on GET)."""

from django.db import migrations

# A copy, not an import of proposals.models: a migration keeps the list as it was when written.
DEFAULT_CATEGORIES = [
    "经济建设",
    "社会事业",
    "乡镇建设和管理",
    "交通水利",
    "农业农村",
    "教育卫生",
    "民生保障",
    "生态环境",
    "其他",
]


def forwards(apps, schema_editor):
    Township = apps.get_model("core", "Township")
    ProposalCategory = apps.get_model("proposals", "ProposalCategory")
    ProposalSettings = apps.get_model("proposals", "ProposalSettings")
    for township in Township.objects.all():
        ProposalSettings.objects.get_or_create(township=township)
        if not ProposalCategory.objects.filter(township=township).exists():
            ProposalCategory.objects.bulk_create(
                [
                    ProposalCategory(township=township, name=name, display_order=i + 1)
                    for i, name in enumerate(DEFAULT_CATEGORIES)
                ]
            )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_event_effective_date_and_undo")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
