import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from proposals.models import ProposalEvent
from renda.core.models import Term, Township, User


@pytest.mark.django_db
def test_seed_demo_small_builds_a_county_with_every_role(capsys):
    call_command("seed_demo", "--size", "small", "--townships", "2", "--deputies", "24", "--years", "2")

    out = capsys.readouterr().out
    assert Township.objects.count() == 2
    assert Term.objects.filter(number=18).count() == 2
    roles = {u.role for u in User.objects.all()}
    assert {"township_secretary", "township_chair", "county_reviewer", "county_admin"} <= roles
    assert "hongqi_mishu" in out and "Renda@2026demo" in out
    # an empty date-time column stays empty: no workflow step of the demo is "undone"
    assert ProposalEvent.objects.exists()
    assert not ProposalEvent.objects.filter(undone_at__isnull=False).exists()


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_data(township):
    with pytest.raises(CommandError):
        call_command("seed_demo")

    call_command("seed_demo", "--if-empty")  # quietly does nothing
    assert Township.objects.count() == 1
