"""Selectors that gather plain data for the roster workbooks (documents.py builds the bytes)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.access import access_for
from renda.core.models import County

from . import vocab
from .documents import RosterExport
from .resources import DeputyResource
from .selectors import deputy_list, deputy_list_page_prefetch

CHUNK = 2000


def roster_export_data(*, user, township=None, filters=None, leaves_township=False) -> RosterExport:
    """Rows of the roster as the user sees it (filters applied), masked per role; masked for
    everyone when the file leaves the township (`leaves_township`, the year-end bundle)."""
    on = timezone.localdate()
    qs = deputy_list(user=user, township=township, filters=filters, on=on)
    access = access_for(user)
    resource = DeputyResource(access=access.masked() if leaves_township else access)
    rows: list[list] = []
    pairs = list(qs.values_list("pk", "township__name"))
    ids = [pk for pk, _name in pairs]
    for start in range(0, len(ids), CHUNK):  # a fixed number of queries per 2,000 deputies
        chunk = ids[start : start + CHUNK]
        by_pk = {d.pk: d for d in deputy_list_page_prefetch(qs.model.objects.filter(pk__in=chunk), on=on)}
        dataset = resource.export(queryset=[by_pk[pk] for pk in chunk])
        rows.extend(list(r) for r in dataset)
    if township is not None:
        place = township.name
    else:
        county = County.current()
        place = county.name if county else ""
    return RosterExport(
        townships=None if township is not None else [name for _pk, name in pairs],
        title=_("%(place)s deputy roster") % {"place": place},
        headers=[h for h, _k in vocab.COLUMNS],
        rows=rows,
        footer=_("Exported %(date)s by %(user)s") % {"date": on.strftime("%Y-%m-%d"), "user": user},
    )


def roster_template_sample(*, groups, elected=None):
    """The row of the template's 填写示例 sheet."""
    return [
        "张明华",
        "男",
        "汉族",
        "1968.05",
        "中共党员",
        "大学本科",
        "红星村党总支书记",
        "第3选区（红星村）",
        "县、乡镇",
        groups[0] if groups else "第1代表小组",
        "13855551234",
        "340225196805120012",
        (elected or dt.date(2021, 12, 28)).strftime("%Y.%m.%d"),
    ]
