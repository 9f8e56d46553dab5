"""Core document builders: plain data in, bytes out, no ORM."""

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from renda.core import xlsx


def townships_workbook(data):
    wb = xlsx.new_workbook()
    ws = wb.active
    ws.title = _("Townships")
    xlsx.page_setup(ws, title_rows="2:2", freeze="A3", landscape=False)
    xlsx.append(ws, [data["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    headers = [_("Code"), _("Township"), _("Kind"), _("Active"), _("Term"), _("Start"), _("End")]
    xlsx.append(ws, headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in data["rows"]:
        xlsx.append(ws, row)
    for col, width in zip("ABCDEFG", (12, 18, 10, 8, 10, 14, 14)):
        ws.column_dimensions[col].width = width
    return xlsx.save(wb, title=data["title"])
