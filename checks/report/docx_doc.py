"""The report as a Word document (`report --format docx`), through python-docx.

The same blocks as Markdown and HTML: an A4 page, the cover with the place for the seal, each
section on a new page, tables with their header repeated on every page and page numbers in the
footer. Chinese text gets a Chinese font (the East Asian font slot), so Word never substitutes.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import _Row

from checks.report import Report, word
from checks.report.document import (
    Block,
    Bullets,
    Fields,
    Heading,
    PageBreak,
    Para,
    Seal,
    Table,
    Title,
    blocks,
)
from checks.report.office import office_text

_TEXT_WIDTH_MM = 174
"""A4 (210 mm) less two margins of 18 mm."""


def _fonts(doc: DocxDocument, lang: str) -> None:
    """Latin and East Asian fonts of the styles we use."""
    styles = doc.styles
    for name, latin, east in (
        ("Normal", "Calibri", "宋体"),
        ("Title", "Calibri", "黑体"),
        ("Heading 1", "Calibri", "黑体"),
        ("Heading 2", "Calibri", "黑体"),
        ("Heading 3", "Calibri", "黑体"),
        ("Heading 4", "Calibri", "黑体"),
    ):
        style = styles[name]
        style.font.name = latin
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attr), None)
        fonts.set(qn("w:eastAsia"), east)
        if lang == "zh":
            lang_el = rpr.find(qn("w:lang"))
            if lang_el is None:
                lang_el = OxmlElement("w:lang")
                rpr.append(lang_el)
            lang_el.set(qn("w:eastAsia"), "zh-CN")
    styles["Normal"].font.size = Pt(10.5)


def _page_numbers(section: Section) -> None:
    """The footer: the page number, centred."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _repeat_header(row: _Row) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _table(
    doc: DocxDocument,
    headers: tuple[str, ...],
    rows: list[tuple[str, ...]],
    widths: tuple[int, ...],
) -> None:
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(widths) or 1
    mm = [Mm(_TEXT_WIDTH_MM * w / total) for w in widths]
    for values, head in ((headers, True), *((r, False) for r in rows)):
        if head and not values:
            continue
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, mm, strict=False):
            cell.width = width
            run = cell.paragraphs[0].add_run(office_text(value))
            run.bold = head
        if head:
            _repeat_header(table.rows[-1])
    for column, width in zip(table.columns, mm, strict=False):
        column.width = width


def _block(d: DocxDocument, block: Block) -> None:
    if isinstance(block, Title):
        for _ in range(4):
            d.add_paragraph()
        title = d.add_paragraph(office_text(block.text), style="Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        org = d.add_paragraph(office_text(block.subtitle))
        org.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif isinstance(block, Heading):
        d.add_heading(office_text(block.text), level=block.level)
    elif isinstance(block, Para):
        d.add_paragraph(office_text(block.text))
    elif isinstance(block, Bullets):
        for item in block.items:
            d.add_paragraph(office_text(item), style="List Bullet")
    elif isinstance(block, Fields):
        _table(d, (), [(k, v) for k, v in block.rows], (1, 3))
        d.add_paragraph()
    elif isinstance(block, Table):
        _table(d, block.headers, list(block.rows), block.widths)
        d.add_paragraph()
    elif isinstance(block, Seal):
        d.add_paragraph()
        for line in block.lines:
            para = d.add_paragraph(office_text(line))
            para.paragraph_format.space_before = Pt(18)
    elif isinstance(block, PageBreak):
        d.add_page_break()  # type: ignore[no-untyped-call]


def to_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file. All text is inert."""
    lang = report["language"]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    _fonts(doc, lang)
    _page_numbers(section)
    props = doc.core_properties
    props.title = office_text(word("doc_title", lang))
    props.author = office_text((report.get("cover") or {}).get("prepared_by") or "assetwatch")
    props.language = "zh-CN" if lang == "zh" else "en"
    for block in blocks(report):
        _block(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
