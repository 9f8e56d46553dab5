"""Core document builders: plain data in, bytes out, no ORM."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def townships_workbook(data):
    wb = Workbook()
    ws = wb.active
    ws.title = _("Townships")
    ws.append([data["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    headers = [_("Code"), _("Township"), _("Kind"), _("Active"), _("Term"), _("Start"), _("End")]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in data["rows"]:
        ws.append(row)
    for col, width in zip("ABCDEFG", (12, 18, 10, 8, 10, 14, 14)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
