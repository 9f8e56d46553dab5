"""One check for every upload: type by content, size limits, photos re-encoded without EXIF."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meetings.models import SessionReport
from meetings.services import session_create, session_report_add
from renda.core.exceptions import ApplicationError
from renda.core.uploads import photo_clean
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def _session(township):
    return session_create(
        by=staff_user(township),
        township=township,
        number=3,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("report.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("report.pdf", b"MZ\x90\x00 not a pdf"),
        ("report.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024)),
    ],
)
def test_session_report_upload_is_checked(township, term, name, content):
    session = _session(township)
    with pytest.raises(ApplicationError):
        session_report_add(
            session=session,
            kind="government",
            title="政府工作报告",
            file=SimpleUploadedFile(name, content),
            by=staff_user(township),
        )
    assert not SessionReport.objects.exists()


def test_session_report_pdf_is_accepted(township, term):
    session_report_add(
        session=_session(township),
        kind="government",
        title="政府工作报告",
        file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF"),
        by=staff_user(township),
    )
    assert SessionReport.objects.count() == 1


def _jpeg_with_exif():
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {2: (31.0, 50.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_re_encoded_without_exif():
    raw = _jpeg_with_exif() + b"appended-payload"
    assert b"SecretCamera" in raw
    cleaned = photo_clean(SimpleUploadedFile("p.jpg", raw)).read()
    assert b"SecretCamera" not in cleaned and b"appended-payload" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as img:
        assert img.format == "JPEG" and not img.getexif()


@pytest.mark.parametrize(
    "name, content",
    [
        ("p.jpg", b"MZ\x90\x00" + b"\x00" * 100),
        ("p.png", b"\x89PNG\r\n\x1a\nbroken"),
        ("p.jpg", b"\xff\xd8\xff" * 10),
    ],
)
def test_a_disguised_or_broken_photo_is_refused(name, content):
    with pytest.raises(ApplicationError):
        photo_clean(SimpleUploadedFile(name, content))


def test_a_huge_photo_is_refused():
    with pytest.raises(ApplicationError):
        photo_clean(SimpleUploadedFile("p.jpg", b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024)))


def _workbook_with_broken_shared_strings():
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "性别"])
    wb.active.append(["张三", "男"])
    src = io.BytesIO()
    wb.save(src)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # every text cell points far past the (empty) shared-string table
                data = re.sub(rb't="inlineStr"><is><t>[^<]*</t></is>', rb't="s"><v>999</v>', data)
            zout.writestr(item, data)
    return out.getvalue()


def test_a_workbook_with_a_broken_shared_string_table_is_a_message():
    from deputies.sheets import read_grids

    with pytest.raises(ApplicationError):
        read_grids(_workbook_with_broken_shared_strings())
