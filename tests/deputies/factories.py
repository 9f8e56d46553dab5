"""Helpers for deputies tests: valid ID numbers, roster workbooks, groups and stations."""

import datetime as dt
import io

from openpyxl import Workbook

from deputies.models import DeputyGroup, GroupMembership
from deputies.naming import name_keys
from deputies.vocab import TEMPLATE_COLUMNS

HEADERS = [h for h, _k in TEMPLATE_COLUMNS]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(birth: dt.date, *, female=False, seq=1, region="340225") -> str:
    order = seq % 50 * 2 + (0 if female else 1)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def xlsx(rows, headers=HEADERS, title=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    if headers is not None:
        ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(
    name="张明华",
    gender="男",
    ethnicity="汉族",
    birth="1968.05",
    affiliation="中共党员",
    education="大学本科",
    unit="红星村党总支书记",
    constituency="第3选区",
    levels="乡镇",
    group="",
    phone="13855551234",
    id_no=None,
    elected="2021.12.28",
):
    if id_no is None:
        id_no = id_number(dt.date(1968, 5, 12), female=gender == "女")
    return [
        name,
        gender,
        ethnicity,
        birth,
        affiliation,
        education,
        unit,
        constituency,
        levels,
        group,
        phone,
        id_no,
        elected,
    ]


def make_group(township, term, number=1, name=None, members=()):
    g = DeputyGroup.objects.create(
        township=township, term=term, number=number, name=name or f"第{number}代表小组"
    )
    GroupMembership.objects.bulk_create(
        [GroupMembership(township=township, group=g, deputy=d, term=term) for d in members]
    )
    return g


def keyed(deputy):
    """Give a factory-made deputy its pinyin and stroke keys (the services do this on writes)."""
    deputy.name_pinyin, deputy.name_initials, deputy.surname_strokes = name_keys(deputy.name)
    deputy.save(update_fields=["name_pinyin", "name_initials", "surname_strokes"])
    return deputy


def import_upload(client, upload):
    """Upload a roster on the import page and let its check job run (as the worker would); the
    response is the page the secretary then sees (the preview, or the form with its errors)."""
    from renda.core.services import document_job_run

    response = client.post("/deputies/import/", {"file": upload})
    if response.status_code != 302:
        return response  # refused before any check: the form's own errors
    location = response["Location"]
    document_job_run(job_id=int(location.rsplit("preview=", 1)[1]))
    return client.get(location)
