"""The year-end bundle is written to a temporary file member by member (issue 20: a county's
bundle never sits in memory whole), and the document runner stores that file as it is."""

import io
import zipfile

from django.core.files import File
from django.utils import translation

from renda.core.models import DocumentJob
from renda.core.services import document_job_request, document_job_run
from renda.dashboard import documents, jobs
from tests.dashboard.conftest import YEAR


def test_bundle_job_spools_to_a_file_with_the_same_members(year_data, secretary):
    job = DocumentJob(
        kind="dashboard_year_bundle",
        params={"year": YEAR},
        township=year_data.township,
        requested_by=secretary,
    )
    with translation.override("zh-hans"):
        name, spooled = jobs.year_bundle_job(job, lambda p: None)
        listed = jobs.year_bundle_files(townships=[year_data.township], year=YEAR, requested_by=secretary)
    assert isinstance(spooled, File) and name.endswith(".zip")
    with spooled:
        spooled.seek(0)
        with zipfile.ZipFile(spooled) as zf:
            members = zf.namelist()
            assert zf.testzip() is None
    assert sorted(members) == sorted(path for path, _content in listed)
    assert listed[0][0].endswith(".txt")  # the contents list comes first in the list form
    with zipfile.ZipFile(io.BytesIO(documents.zip_bytes(listed))) as zf:
        assert sorted(zf.namelist()) == sorted(members)


def test_runner_stores_a_spooled_bundle_with_its_size(year_data, secretary):
    job = document_job_request(
        by=secretary,
        kind="dashboard_year_bundle",
        params={"year": YEAR},
        township=year_data.township,
        title="bundle",
    )
    job = document_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    with job.file.open("rb") as f:
        content = f.read()
    assert job.file_size == len(content) > 0
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert any(n.endswith(".docx") for n in zf.namelist())
