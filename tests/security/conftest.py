"""The seeded county the access walk and the fuzz test run on."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from renda.core.models import DocumentJob, Township, User


@pytest.fixture
def county(db, tmp_path):
    call_command("seed_demo", townships=2, deputies=20, years=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    own, other = Township.objects.order_by("display_order")[:2]
    for t in (own, other):
        sec = User.objects.get(username=f"{t.code}_mishu")
        job = DocumentJob.objects.create(
            kind="townships_xlsx",
            title="测试文件",
            township=t,
            requested_by=sec,
            status=DocumentJob.Status.DONE,
            progress=100,
        )
        job.file.save("walk.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    return own, other
