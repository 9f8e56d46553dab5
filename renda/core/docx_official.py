"""Official-document layout (GB/T 9704-2012) for every .docx we produce.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the type area is 156 × 225 mm;
22 lines of 28 characters: a line grid (docGrid type "lines", pitch 225 mm / 22) and text
condensed by ¼ pt (w:spacing -5 in the Normal style), so 28 3号 characters (28 × 15.75 pt = 441 pt)
fit the 156 mm (442.2 pt) line in Word, WPS and LibreOffice alike. A character grid
(type "linesAndChars" with the usual negative charSpace) is not used: LibreOffice gives every 3号
character two grid cells under it, 14 to a line, where Word compresses them; title
方正小标宋简体 2号 centred; body 仿宋_GB2312 3号 with a two-character first-line indent on the grid's
lines; level-1 headings 黑体 3号, level-2 楷体_GB2312 3号; page numbers "— 1 —" in 4号 宋体, right
on odd pages and left on even pages. The issuing organ and the date follow 7.3.5.2 (no seal):
the organ two characters from the right margin one blank line below the text, the date on the
next line starting two characters to the right of the organ's first character (the organ moves
left when the date is the longer). Tables have a fixed layout and grid widths, so every program
draws the same columns. Document properties carry the title, the township's office as author
and the time of writing. Fonts are written as East-Asian font names so Word and WPS on a
township PC pick the installed official fonts.

Plain data in, bytes out: no ORM access here.
"""

import copy
import functools
import io
import unicodedata

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips

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
SIZE_5 = Pt(10.5)  # 五号
TYPE_WIDTH_MM, TYPE_HEIGHT_MM = 156, 225
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
LINE = Twips(Mm(TYPE_HEIGHT_MM).twips // LINES_PER_PAGE)  # 579 twips, 28.95 pt (580 × 22 overflows)
# Character spacing of all text, in twentieths of a point: 28 characters of 16 pt are 448 pt, the
# line is 156 mm = 442.2 pt, so each character gives up ¼ pt (15.75 pt a character, 441 pt a line).
CONDENSE_TWENTIETHS = -5


# w:rPr children that come after w:spacing in the schema's order
_RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def text_width_chars(text):
    """Width of `text` in full characters: CJK and full-width forms count 1, the rest ½."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def set_run_font(run, east_asian, size=None, bold=None, latin=LATIN_FONT):
    """The run's fonts, size and weight. A new run (no properties yet, as from add_run) gets a
    copy of ready-made properties: python-docx places every element it adds by searching the
    schema's list of following siblings, which made the fonts most of a document's build time."""
    if run._element.rPr is None:
        run._element.insert(0, copy.deepcopy(_run_properties(east_asian, size, bold, latin)))
        return
    _set_run_font(run, east_asian, size, bold, latin)


@functools.cache
def _run_properties(east_asian, size, bold, latin):
    from docx.text.run import Run

    scratch = Run(OxmlElement("w:r"), None)
    _set_run_font(scratch, east_asian, size, bold, latin)
    return scratch._element.rPr


def _set_run_font(run, east_asian, size, bold, latin):
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


@functools.cache
def _paragraph_properties(line, indent, align, keep_with_next):
    """Ready-made properties of a body paragraph (see set_run_font for why a copy)."""
    from docx.text.paragraph import Paragraph

    scratch = Paragraph(OxmlElement("w:p"), None)
    _fixed_lines(scratch, line)
    if indent:
        _first_line_indent_chars(scratch)
    if align is not None:
        scratch.alignment = align
    if keep_with_next:
        scratch.paragraph_format.keep_with_next = True
    return scratch._p.pPr


def _indent_chars(paragraph, *, right=None):
    """A right indent of `right` characters of the grid (w:rightChars, hundredths of a char)."""
    char_pt = Mm(TYPE_WIDTH_MM).pt / CHARS_PER_LINE
    paragraph.paragraph_format.right_indent = Pt(char_pt * right)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:rightChars"), str(round(right * 100)))


def _first_line_indent_chars(paragraph, chars=2, size=SIZE_3):
    paragraph.paragraph_format.first_line_indent = Pt(size.pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _cell_lines(paragraph, size, compact):
    """Table text off the page's line grid: 小四 on single lines (1.5 when not compact).
    A paragraph with no properties yet gets a copy of ready-made ones (see set_run_font)."""
    if paragraph._p.pPr is None:
        paragraph._p.insert(0, copy.deepcopy(_cell_paragraph_properties(size, compact)))
        return
    _set_cell_lines(paragraph, size, compact)


@functools.cache
def _cell_paragraph_properties(size, compact):
    from docx.text.paragraph import Paragraph

    scratch = Paragraph(OxmlElement("w:p"), None)
    _set_cell_lines(scratch, size, compact)
    return scratch._p.pPr


def _set_cell_lines(paragraph, size, compact):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size.pt * (1.3 if compact else 1.5))
    fmt.space_before = fmt.space_after = Pt(0 if not compact else 2)
    snap = OxmlElement("w:snapToGrid")  # schema order: just before w:spacing
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().find(qn("w:spacing")).addprevious(snap)


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

    def __init__(self, title=None, *, landscape=False, author=""):
        self.doc = Document(io.BytesIO(_blank_document(landscape)))
        self._grid_style_id = None
        section = self.doc.sections[0]
        self._text_width = section.page_width - section.left_margin - section.right_margin
        self.properties(title=title or "", author=author)
        if title:
            self.title(title)

    def properties(self, *, title=None, author=None):
        """Document properties: the title, the office that wrote it, created and saved now."""
        props = self.doc.core_properties
        now = timezone.now().replace(microsecond=0)
        if title is not None:
            props.title = title
        if author is not None:
            props.author = author
            props.last_modified_by = author
        props.created = props.modified = now
        props.revision = 1
        props.comments = ""
        props.keywords = ""
        props.subject = ""
        props.category = ""

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
        # GB/T 9704 7.5: the page number's dashes 7 mm below the type area (measured in LibreOffice)
        section.footer_distance = Mm(25)
        self.doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(14)
        _add_page_number(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(14)
        _add_page_number(even)
        self._set_grid(section)
        self._text_width = section.page_width - section.left_margin - section.right_margin

    @staticmethod
    def _set_grid(section):
        """22 lines a page (GB/T 9704 5.2.2); the 28 characters a line come from the condensed
        Normal style (see the module's docstring for why not a character grid)."""
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE.twips))
        if grid.get(qn("w:charSpace")) is not None:
            del grid.attrib[qn("w:charSpace")]

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
        spacing = OxmlElement("w:spacing")  # 28 characters of 3号 to the 156 mm line
        spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
        rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
        # The document default size is 3号 too, so a program that reckons a grid from it agrees.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            drpr = rpr_default.find(qn("w:rPr"))
            for tag in ("w:sz", "w:szCs"):
                el = drpr.find(qn(tag))
                if el is None:
                    el = OxmlElement(tag)
                    drpr.append(el)
                el.set(qn("w:val"), str(int(SIZE_3.pt * 2)))
        # Document-wide language so WPS/Word apply Chinese line breaking.
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)

    @property
    def sections(self):
        return self.doc.sections

    def title(self, text, *, subtitle=None):
        """The title; a list of lines breaks it where a long title keeps its words whole
        (GB/T 9704 7.3.3: 回行时词意完整)."""
        lines = [text] if isinstance(text, str) else list(text)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_lines(p, Twips(LINE.twips * 3 // 2))
        for i, line in enumerate(lines):
            run = p.add_run(line)
            set_run_font(run, TITLE_FONT, SIZE_2)
            if i < len(lines) - 1:
                run.add_break()
        if not self.doc.core_properties.title:
            self.doc.core_properties.title = "".join(lines)
        if subtitle:
            s = self.doc.add_paragraph()
            s.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fixed_lines(s)
            set_run_font(s.add_run(subtitle), HEADING2_FONT, SIZE_3)
        self.blank()
        return p

    def _new_paragraph(self, *, line=LINE, indent=False, align=None, keep_with_next=False):
        """A paragraph on the fixed line pitch, its properties copied from a ready-made set."""
        p = self.doc.add_paragraph()
        p._p.insert(0, copy.deepcopy(_paragraph_properties(line, indent, align, keep_with_next)))
        return p

    def blank(self):
        return self._new_paragraph()

    def heading1(self, text):
        """一、… in 黑体 3号, indented like body text."""
        p = self._new_paragraph(indent=True, keep_with_next=True)
        set_run_font(p.add_run(text), HEADING1_FONT, SIZE_3)
        return p

    def heading2(self, text):
        """(一)… in 楷体 3号."""
        p = self._new_paragraph(indent=True, keep_with_next=True)
        set_run_font(p.add_run(text), HEADING2_FONT, SIZE_3)
        return p

    def paragraph(self, text="", *, lead=None, align=None, indent=True):
        """Body text; `lead` is an opening phrase in bold (e.g. "一是").

        Returns the paragraph so callers can add runs."""
        alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
        p = self._new_paragraph(indent=indent, align=alignment.get(align, WD_ALIGN_PARAGRAPH.JUSTIFY))
        if lead:
            set_run_font(p.add_run(lead), BODY_FONT, SIZE_3, bold=True)
        if text:
            set_run_font(p.add_run(text), BODY_FONT, SIZE_3)
        return p

    def table(
        self,
        headers,
        rows,
        *,
        widths_mm=None,
        font_size=SIZE_SMALL_4,
        header_font=HEADING1_FONT,
        compact=False,
    ):
        """A bordered table in 仿宋 小四 with a bold header row (`headers` None: no header row),
        fixed layout, its column widths in the grid as well as on every cell."""
        table = self.doc.add_table(rows=1 if headers else 0, cols=len(headers or rows[0]))
        table._tbl.tblStyle_val = self._table_grid_style_id()
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # w:tblLayout fixed
        n = len(headers or rows[0])
        if widths_mm:
            widths = [Mm(w) for w in widths_mm]
        else:
            widths = [Emu(int(self._text_width) // n)] * n
        self._table_grid(table, widths)
        if headers:
            self._finish_row(table.rows[0], widths, font_size, compact)
        prototype = None
        for row in rows:
            if prototype is not None and len(row) == n:
                # Every body row is formatted alike: a copy of the first with its texts replaced
                # gives the same XML at a fraction of python-docx's cost per cell.
                tr = copy.deepcopy(prototype)
                for run, value in zip(tr.iter(qn("w:r")), row):
                    run.text = "" if value is None else str(value)
                table._tbl.append(tr)
                continue
            table_row = table.add_row()
            for i, (cell, value) in enumerate(zip(table_row.cells, row)):
                para = cell.paragraphs[0]
                font = HEADING1_FONT if compact and i == 0 else BODY_FONT
                set_run_font(para.add_run("" if value is None else str(value)), font, font_size)
            self._finish_row(table_row, widths, font_size, compact)
            if prototype is None and len(row) == n:
                prototype = table_row._tr
        if headers:
            header_row = table.rows[0]
            trpr = header_row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")  # repeated at the top of every page
            trpr.append(repeat)
            for cell, header in zip(header_row.cells, headers):
                cell.text = ""
                para = cell.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                set_run_font(para.add_run(str(header)), header_font, font_size)
        return table

    def _table_grid_style_id(self):
        """python-docx looks a style's name up by searching the whole styles part: once a document."""
        if self._grid_style_id is None:
            self._grid_style_id = self.doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        return self._grid_style_id

    @staticmethod
    def _finish_row(row, widths, font_size, compact):
        """A row is never split across pages (its cells would be read apart); every cell has its
        width and the table's line spacing."""
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths):
            cell.width = width
            for para in cell.paragraphs:
                _cell_lines(para, font_size, compact)

    @staticmethod
    def _table_grid(table, widths):
        tbl = table._tbl
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(Emu(width).twips))
        tbl_pr = tbl.tblPr
        tbl_w = tbl_pr.find(qn("w:tblW"))
        if tbl_w is None:
            tbl_w = OxmlElement("w:tblW")
            tbl_pr.append(tbl_w)
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(Emu(w).twips for w in widths)))

    def signature(self, lines, *, date_text=None):
        """Issuing organ(s) and 成文日期 per GB/T 9704 7.3.5.2 (no seal): one blank line below the
        text; the organ two characters from the right margin; the date on the next line, its
        first character two characters right of the organ's first; when the date is the longer,
        the date keeps two characters from the margin and the organ moves left. The last
        paragraph of the text keeps with them: a signature never stands alone on a page."""
        body = self.doc.paragraphs
        if body:
            body[-1].paragraph_format.keep_with_next = True
        self.blank().paragraph_format.keep_with_next = True
        lines = [line for line in lines if line]
        organ_width = max((text_width_chars(line) for line in lines), default=0)
        date_width = text_width_chars(date_text) if date_text else 0
        organ_right, date_right = 2, organ_width - date_width
        if date_text and date_right < 2:
            date_right = 2
            organ_right = date_width + 4 - organ_width
        for line in lines:
            p = self.doc.add_paragraph()
            _fixed_lines(p)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            # organs of different lengths share the first character's column
            _indent_chars(p, right=organ_right + organ_width - text_width_chars(line))
            set_run_font(p.add_run(line), BODY_FONT, SIZE_3)
            p.paragraph_format.keep_with_next = True
        if date_text:
            p = self.doc.add_paragraph()
            _fixed_lines(p)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(p, right=date_right)
            set_run_font(p.add_run(date_text), BODY_FONT, SIZE_3)

    def page_break(self):
        self.doc.add_page_break()

    def to_bytes(self):
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


@functools.cache
def _blank_document(landscape: bool) -> bytes:
    """The empty official page (page, footers with page numbers, grid, styles), set up once per
    process: a year-end bundle makes a hundred documents, and each would repeat the setup."""
    blank = OfficialDocument.__new__(OfficialDocument)
    blank.doc = Document()
    _drop_template_extras(blank.doc)
    blank._setup_page(landscape)
    blank._setup_styles()
    return blank.to_bytes()


def _drop_template_extras(doc):
    """python-docx's template carries Word 2010's copy of the styles with effects (438 KB, which
    Word rebuilds from styles.xml and other programs ignore) and a thumbnail of an empty page:
    every document parsed and compressed them again, about half of its build time."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)
    for rel_id, rel in list(doc.part.package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            doc.part.package.rels.pop(rel_id)
