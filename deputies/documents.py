"""Roster workbooks: the formatted export and the blank template. Plain data in, bytes out."""

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from renda.core.xlsx import StyleCache

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
}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _setup_sheet(ws, title, headers, widths):
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    ws.page_margins.left = ws.page_margins.right = 0.4
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def roster_workbook(data: dict) -> bytes:
    """data: {title, headers: [..], rows: [[..]], subtitle}. Write-only: fine for 16,000 rows."""
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    headers = ["序号"] + data["headers"]
    keys: list = [None] + [k for _h, k in vocab.COLUMNS]
    _setup_sheet(ws, data["title"], headers, [6] + [WIDTHS[k] for _h, k in vocab.COLUMNS])
    ws.freeze_panes = "C3"
    # Who exported it and the page number go in the printed footer, not below the data, so the
    # file imports back as it is.
    ws.oddFooter.left.text = data.get("footer", "")
    ws.oddFooter.right.text = "&P / &N"
    title = WriteOnlyCell(ws, value=data["title"])
    title.font = Font(name="方正小标宋简体", size=16, bold=True)
    ws.append([title])
    row = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        row.append(c)
    ws.append(row)
    wrap = Alignment(vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center")
    styles = StyleCache()
    for n, values in enumerate(data["rows"], start=1):
        cells = []
        for key, value in zip(keys, [n, *values]):
            c = WriteOnlyCell(ws, value=value)
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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_template_workbook(*, groups: list[str], sample: list) -> bytes:
    """The blank import template: headers, one sample row, drop-down lists for coded columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    headers = [h for h, _k in vocab.COLUMNS]
    _setup_sheet(ws, "", headers, [WIDTHS[k] for _h, k in vocab.COLUMNS])
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center")
    ws.append(sample)
    ws.freeze_panes = "B2"
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
        lists.cell(row=1, column=j, value=vocab.HEADER_OF[key])
        for i, v in enumerate(values, start=2):
            lists.cell(row=i, column=j, value=v)
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
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
