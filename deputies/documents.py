"""Roster workbooks: the formatted export and the blank template. Plain data in, bytes out."""

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class RosterExport:
    """What a roster export shows: one row of values per deputy, in `vocab.COLUMNS` order."""

    title: str
    headers: list[str]
    rows: list[list]
    footer: str = ""
    # A county-wide roster names each row's township (a 乡镇 column); a township's has None.
    townships: list[str] | None = None


def roster_workbook(data: RosterExport) -> bytes:
    """Write-only: fine for 16,000 rows."""
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    townships = data.townships
    headers = ["序号"] + ([_("Township")] if townships is not None else []) + data.headers
    keys: list = [None] + (["township"] if townships is not None else []) + [k for _h, k in vocab.COLUMNS]
    xlsx.page_setup(ws, title_rows="2:2", freeze="C3")
    _column_widths(ws, [6] + [WIDTHS[k] for k in keys[1:]])
    # Who exported it and the page number go in the printed footer, not below the data, so the
    # file imports back as it is.
    ws.oddFooter.left.text = data.footer
    title = xlsx.cell(ws, data.title)
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
    for n, values in enumerate(data.rows, start=1):
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
    return xlsx.save(wb, title=data.title, author="")


TEMPLATE_NOTES = [
    ("填表说明", ""),
    (
        "",
        "请在「代表名册」工作表中填写，一人一行，不要改动第一行的列名；「填写示例」工作表只作参考，不会导入。",
    ),
    ("", "不要合并单元格，不要在名单中间插入合计、小计或空行；备注请写在表格以外的另一张工作表。"),
    ("", "带下拉箭头的列请从列表中选择；代表层级可以多选，写成「县、乡镇」或「县乡」。"),
    ("列名", "填写要求"),
    ("姓名", "必填。与身份证一致，不要加空格。"),
    ("性别", "男 或 女。填了身份证号可以不填，按身份证号判断。"),
    ("民族", "56个民族的全称，如 汉族、回族。"),
    ("出生年月", "如 1968.05 或 1968年5月。填了身份证号可以不填。"),
    (
        "政治面貌",
        "中共党员、中共预备党员、共青团员、民革党员、民盟盟员、民建会员、民进会员、农工党党员、"
        "致公党党员、九三学社社员、台盟盟员、无党派人士、群众（GB/T 4762）。",
    ),
    ("文化程度", "研究生、大学本科、大学专科、中专、高中、初中、小学（GB/T 4658）；党校学历按相应层次填写。"),
    ("工作单位及职务", "如 红星村党总支书记。"),
    ("选区", "如 第3选区（红星村）。"),
    ("代表层级", "乡镇、县、市、省、全国；兼任几级代表写成「县、乡镇」。"),
    ("代表小组", "本届的代表小组名称；还没有的小组，导入时可以选择自动新建。"),
    ("联系电话", "手机或固定电话，只写数字。"),
    ("身份证号", "18位，本列已设为文本格式，直接输入即可。"),
    ("当选日期", "当选（或补选）为代表的日期，如 2021.12.28；新任期从这一天开始。不填时导入页面会询问。"),
]


def roster_template_workbook(*, groups: list[str], sample: list) -> bytes:
    """The import template: the roster sheet (headers only, drop-down lists on coded columns,
    text format where Excel would mangle numbers), a 填表说明 sheet and a 填写示例 sheet (which the
    import never reads), and the hidden lists the drop-downs point at through defined names, the
    form Excel, WPS and LibreOffice all understand."""
    wb = xlsx.new_workbook()
    ws = wb.active
    ws.title = "代表名册"
    headers = [h for h, _k in vocab.TEMPLATE_COLUMNS]
    widths = [WIDTHS.get(k, 12) for _h, k in vocab.TEMPLATE_COLUMNS]
    xlsx.page_setup(ws, title_rows="1:1", freeze="B2")
    _column_widths(ws, widths)
    xlsx.append(ws, headers)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center")
    _template_notes(wb)
    _template_example(wb, headers, widths, sample)
    lists = _template_drop_downs(wb, ws, groups)
    # Text columns: Excel would turn 1968.05 into a number and round 18-digit ID numbers.
    for key in ("birth", "phone", "id_number", "elected"):
        letter = get_column_letter(_template_column(key))
        for r in range(2, 1002):
            ws[f"{letter}{r}"].number_format = "@"
    lists.sheet_state = "hidden"
    wb.active = 0
    return xlsx.save(wb, title=_("Deputy roster import template"))


def _template_column(key: str) -> int:
    """The roster sheet's column number (1-based) of `key`."""
    return {k: i for i, (_h, k) in enumerate(vocab.TEMPLATE_COLUMNS, start=1)}[key]


def _template_notes(wb) -> None:
    notes = wb.create_sheet("填表说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 100
    for a, b in TEMPLATE_NOTES:
        notes.append([a, b])
        notes.cell(row=notes.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    notes["A1"].font = Font(bold=True, size=14)
    notes["A5"].font = notes["B5"].font = Font(bold=True)


def _template_example(wb, headers: list[str], widths: list[int], sample: list) -> None:
    example = wb.create_sheet("填写示例")
    for i, w in enumerate(widths, start=1):
        example.column_dimensions[get_column_letter(i)].width = w
    example.append(headers)
    for c in example[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
    xlsx.append(example, sample)


def _template_drop_downs(wb, ws, groups: list[str]):
    """The 选项 sheet with each coded column's choices under a defined name, and the roster
    sheet's drop-down lists pointing at them. Returns the 选项 sheet."""
    from openpyxl.workbook.defined_name import DefinedName

    lists = wb.create_sheet("选项")
    choices = {
        "gender": ["男", "女"],
        "ethnicity": ETHNICITIES,
        "affiliation": ["中共党员", "中共预备党员", "共青团员"]
        + [short + member for _c, short, _f, member in vocab.DEMOCRATIC_PARTIES]
        + ["无党派人士", "群众"],
        "education": list(vocab.EDUCATION_LABEL.values()),
        "levels": ["乡镇", "县", "市", "省", "全国", "县、乡镇", "市、乡镇", "市、县、乡镇", "省、县、乡镇"],
        "group": groups or ["第1代表小组"],
    }
    for j, (key, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(j)
        xlsx.put(lists, 1, j, vocab.HEADER_OF[key])
        for i, v in enumerate(values, start=2):
            xlsx.put(lists, i, j, v)
        name = f"list_{key}"
        ref = f"'选项'!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        dv = DataValidation(
            type="list",
            formula1=name,
            allow_blank=True,
            showErrorMessage=key not in ("levels", "group"),  # several levels, or a new group, may be typed
            errorTitle=_("Invalid entry"),
            error=_("Choose %(column)s from the list.") % {"column": vocab.HEADER_OF[key]},
        )
        target = get_column_letter(_template_column(key))
        dv.add(f"{target}2:{target}1001")
        ws.add_data_validation(dv)
    return lists
