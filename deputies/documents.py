"""Roster workbooks: the formatted export and the blank template. Plain data in, bytes out."""

import datetime as dt

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from renda.core import xlsx

from . import vocab
from .choices import ETHNICITIES

WIDTHS = {
    "name": 10,
    "gender": 6,
    "ethnicity": 8,
    "birth": 10,
    "affiliation": 12,
    "education": 10,
    "work_unit": 36,
    "constituency": 22,
    "levels": 12,
    "group": 14,
    "phone": 14,
    "id_number": 21,
    "township": 10,
}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _column_widths(ws, widths):
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def roster_workbook(data: dict) -> bytes:
    """data: {title, headers: [..], rows: [[..]], townships: [..] or None, footer}. Write-only:
    fine for 16,000 rows. A county-wide roster (`townships` given) has a 乡镇 column."""
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    townships = data.get("townships")
    headers = ["序号"] + ([_("Township")] if townships is not None else []) + data["headers"]
    keys: list = [None] + (["township"] if townships is not None else []) + [k for _h, k in vocab.COLUMNS]
    xlsx.page_setup(ws, title_rows="2:2", freeze="C3")
    _column_widths(ws, [6] + [WIDTHS[k] for k in keys[1:]])
    # Who exported it and the page number go in the printed footer, not below the data, so the
    # file imports back as it is.
    ws.oddFooter.left.text = data.get("footer", "")
    title = xlsx.cell(ws, data["title"])
    title.font = Font(name="方正小标宋简体", size=16, bold=True)
    ws.append([title])
    row = []
    for h in headers:
        c = xlsx.cell(ws, h)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        row.append(c)
    ws.append(row)
    wrap = Alignment(vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center")
    styles = xlsx.StyleCache()
    for n, values in enumerate(data["rows"], start=1):
        cells = []
        prefix = [n] + ([townships[n - 1]] if townships is not None else [])
        for key, value in zip(keys, [*prefix, *values]):
            c = xlsx.cell(ws, value)
            fmt = (
                "yyyy.mm"
                if key == "birth" and isinstance(value, dt.date)
                else ("@" if key in ("phone", "id_number") else None)
            )
            styles.apply(
                c,
                (key, fmt),
                border=BORDER,
                **({"number_format": fmt} if fmt else {}),
                alignment=wrap if key in ("work_unit", "constituency") else center,
            )
            cells.append(c)
        ws.append(cells)
    return xlsx.save(wb, title=data["title"], author=data.get("author", ""))


def roster_template_workbook(*, groups: list[str], sample: list) -> bytes:
    """The blank import template: headers, one sample row, drop-down lists for coded columns."""
    wb = xlsx.new_workbook()
    ws = wb.active
    ws.title = "代表名册"
    headers = [h for h, _k in vocab.COLUMNS]
    xlsx.page_setup(ws, title_rows="1:1", freeze="B2")
    _column_widths(ws, [WIDTHS[k] for _h, k in vocab.COLUMNS])
    xlsx.append(ws, headers)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center")
    xlsx.append(ws, sample)
    lists = wb.create_sheet("选项")
    columns = {
        "gender": ["男", "女"],
        "ethnicity": ETHNICITIES,
        "affiliation": list(vocab.AFFILIATION_LABEL.values()),
        "education": list(vocab.EDUCATION_LABEL.values()),
        "levels": ["乡镇", "县", "市", "省", "全国", "县、乡镇", "市、乡镇", "市、县、乡镇"],
        "group": groups or ["第1代表小组"],
    }
    col_of = {k: i + 1 for i, (_h, k) in enumerate(vocab.COLUMNS)}
    for j, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(j)
        xlsx.put(lists, 1, j, vocab.HEADER_OF[key])
        for i, v in enumerate(values, start=2):
            xlsx.put(lists, i, j, v)
        dv = DataValidation(
            type="list",
            formula1=f"=选项!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=key != "levels",  # several levels may be typed freely
            errorTitle=_("Invalid entry"),
            error=_("Choose %(column)s from the list.") % {"column": vocab.HEADER_OF[key]},
        )
        target = get_column_letter(col_of[key])
        dv.add(f"{target}2:{target}1001")
        ws.add_data_validation(dv)
    # Text columns: Excel would turn 1968.05 into a number and round 18-digit ID numbers.
    for key in ("birth", "phone", "id_number"):
        letter = get_column_letter(col_of[key])
        for r in range(2, 1002):
            ws[f"{letter}{r}"].number_format = "@"
    lists.sheet_state = "hidden"
    return xlsx.save(wb, title=_("Deputy roster import template"))
