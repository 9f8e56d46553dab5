"""Official-document layout (GB/T 9704-2012) for every .docx we produce.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 2号 centred;
body 仿宋_GB2312 3号 with a two-character first-line indent and fixed 28-point lines (22 lines a
page); level-1 headings 黑体 3号, level-2 楷体_GB2312 3号; page numbers "— 1 —" in 4号 宋体,
right on odd pages and left on even pages. Fonts are written as East-Asian font names so Word
and WPS on a township PC pick the installed official fonts.

Plain data in, bytes out: no ORM access here.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
LINE = Pt(28)


def set_run_font(run, east_asian, size=None, bold=None, latin=LATIN_FONT):
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _fixed_lines(paragraph, line=LINE):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _first_line_indent_chars(paragraph, chars=2, size=SIZE_3):
    paragraph.paragraph_format.first_line_indent = Pt(size.pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _add_page_number(paragraph):
    """ "— N —" with a PAGE field."""

    def text(t):
        run = paragraph.add_run(t)
        set_run_font(run, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)

    text("— ")
    run = paragraph.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
    for kind, value in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = value
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        if kind == "separate":
            t = OxmlElement("w:t")
            t.text = "1"
            run._r.append(t)
    text(" —")


class OfficialDocument:
    """Build an official document paragraph by paragraph, then `to_bytes()`."""

    def __init__(self, title=None, *, landscape=False):
        self.doc = Document()
        self._setup_page(landscape)
        self._setup_styles()
        if title:
            self.title(title)

    def _setup_page(self, landscape):
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = Mm(37)
        section.bottom_margin = Mm(35)
        section.left_margin = Mm(28)
        section.right_margin = Mm(26)
        section.footer_distance = Mm(28)
        self.doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(14)
        _add_page_number(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(14)
        _add_page_number(even)

    def _setup_styles(self):
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = SIZE_3
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        # Document-wide language so WPS/Word apply Chinese line breaking.
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)

    @property
    def sections(self):
        return self.doc.sections

    def title(self, text, *, subtitle=None):
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_lines(p, Pt(36))
        set_run_font(p.add_run(text), TITLE_FONT, SIZE_2)
        if subtitle:
            s = self.doc.add_paragraph()
            s.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fixed_lines(s)
            set_run_font(s.add_run(subtitle), HEADING2_FONT, SIZE_3)
        self.blank()
        return p

    def blank(self):
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        return p

    def heading1(self, text):
        """一、… in 黑体 3号, indented like body text."""
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        _first_line_indent_chars(p)
        set_run_font(p.add_run(text), HEADING1_FONT, SIZE_3)
        p.paragraph_format.keep_with_next = True
        return p

    def heading2(self, text):
        """(一)… in 楷体 3号."""
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        _first_line_indent_chars(p)
        set_run_font(p.add_run(text), HEADING2_FONT, SIZE_3)
        p.paragraph_format.keep_with_next = True
        return p

    def paragraph(self, text="", *, lead=None, align=None, indent=True):
        """Body text; `lead` is an opening phrase in bold (e.g. "一是").

        Returns the paragraph so callers can add runs."""
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        if indent:
            _first_line_indent_chars(p)
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if lead:
            set_run_font(p.add_run(lead), BODY_FONT, SIZE_3, bold=True)
        if text:
            set_run_font(p.add_run(text), BODY_FONT, SIZE_3)
        return p

    def table(self, headers, rows, *, widths_mm=None, font_size=SIZE_SMALL_4):
        """A bordered table in 仿宋 小四 with a bold header row."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, headers):
            cell.text = ""
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_run_font(para.add_run(str(header)), HEADING1_FONT, font_size)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row):
                para = cell.paragraphs[0]
                set_run_font(para.add_run("" if value is None else str(value)), BODY_FONT, font_size)
        if widths_mm:
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm):
                    cell.width = Mm(width)
        return table

    def signature(self, lines, *, date_text=None):
        """Issuing organ and date, right-aligned, a few characters from the margin."""
        self.blank()
        for line in list(lines) + ([date_text] if date_text else []):
            p = self.doc.add_paragraph()
            _fixed_lines(p)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(SIZE_3.pt * 4)
            set_run_font(p.add_run(line), BODY_FONT, SIZE_3)

    def page_break(self):
        self.doc.add_page_break()

    def to_bytes(self):
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
