"""The report as a Word document (`report --format docx`), through python-docx.

The same blocks as Markdown and HTML: an A4 page, the cover with the place for the seal, each
section on a new page, tables with their header repeated on every page and page numbers in the
footer. Chinese text gets a Chinese font (the East Asian font slot), so Word never substitutes.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from lxml import etree

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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TWIPS_PER_MM = 56.7


def _p(
    runs: list[tuple[str, bool]],
    style: str = "",
    center: bool = False,
    before_pt: int = 0,
    after_pt: int | None = None,
) -> etree._Element:
    """A w:p of runs (text, bold), as python-docx would make it."""
    p = etree.Element(f"{_W}p")
    if style or center or before_pt or after_pt is not None:
        ppr = etree.SubElement(p, f"{_W}pPr")
        if style:
            etree.SubElement(ppr, f"{_W}pStyle", {f"{_W}val": style})
        if before_pt or after_pt is not None:
            spacing = {f"{_W}before": str(before_pt * 20)} if before_pt else {}
            if after_pt is not None:
                spacing[f"{_W}after"] = str(after_pt * 20)
            etree.SubElement(ppr, f"{_W}spacing", spacing)
        if center:
            etree.SubElement(ppr, f"{_W}jc", {f"{_W}val": "center"})
    for text, bold in runs:
        r = etree.SubElement(p, f"{_W}r")
        if bold:
            etree.SubElement(etree.SubElement(r, f"{_W}rPr"), f"{_W}b")
        t = etree.SubElement(r, f"{_W}t")
        t.text = office_text(text)
        t.set(_XML_SPACE, "preserve")
    return p


class _Body:
    """Writes the document's body as WordprocessingML, straight into its XML.

    python-docx's paragraph and cell objects cost milliseconds each (XPath on every call); a
    report of thousands of problems has hundreds of thousands of runs, so they are made here
    with lxml, in the shapes python-docx makes, with the styles of its template.
    """

    def __init__(self, doc: DocxDocument) -> None:
        self._body = doc.element.body
        self._end = self._body.find(f"{_W}sectPr")

    def add(self, element: etree._Element) -> None:
        """Append to the body (before its section properties)."""
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._body.append(element)

    def page_break(self) -> None:
        """The next section on a new page."""
        p = etree.Element(f"{_W}p")
        r = etree.SubElement(p, f"{_W}r")
        etree.SubElement(r, f"{_W}br", {f"{_W}type": "page"})
        self.add(p)

    def table(
        self, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...], widths: tuple[int, ...]
    ) -> None:
        """A grid table across the text width, its header row repeated on every page."""
        total = sum(widths) or 1
        full = int(_TEXT_WIDTH_MM * _TWIPS_PER_MM)
        twips = [str(full * w // total) for w in widths]
        tbl = etree.Element(f"{_W}tbl")
        tblpr = etree.SubElement(tbl, f"{_W}tblPr")
        etree.SubElement(tblpr, f"{_W}tblStyle", {f"{_W}val": "TableGrid"})
        etree.SubElement(tblpr, f"{_W}tblW", {f"{_W}w": str(full), f"{_W}type": "dxa"})
        etree.SubElement(tblpr, f"{_W}jc", {f"{_W}val": "center"})
        etree.SubElement(tblpr, f"{_W}tblLayout", {f"{_W}type": "fixed"})
        grid = etree.SubElement(tbl, f"{_W}tblGrid")
        for w in twips:
            etree.SubElement(grid, f"{_W}gridCol", {f"{_W}w": w})
        for values, head in ((headers, True), *((r, False) for r in rows)):
            if head and not values:
                continue
            tr = etree.SubElement(tbl, f"{_W}tr")
            if head:
                trpr = etree.SubElement(tr, f"{_W}trPr")
                etree.SubElement(trpr, f"{_W}tblHeader", {f"{_W}val": "true"})
            for value, w in zip(values, twips, strict=False):
                tc = etree.SubElement(tr, f"{_W}tc")
                tcpr = etree.SubElement(tc, f"{_W}tcPr")
                etree.SubElement(tcpr, f"{_W}tcW", {f"{_W}w": w, f"{_W}type": "dxa"})
                tc.append(_p([(value, head)]))
        self.add(tbl)


def _block(d: _Body, block: Block, colon: str) -> None:
    if isinstance(block, Title):
        for _ in range(4):
            d.add(_p([]))
        d.add(_p([(block.text, False)], style="Title", center=True))
        d.add(_p([(block.subtitle, False)], center=True))
    elif isinstance(block, Heading):
        d.add(_p([(block.text, False)], style=f"Heading{block.level}"))
    elif isinstance(block, Para):
        d.add(_p([(block.text, False)]))
    elif isinstance(block, Bullets):
        for item in block.items:
            d.add(_p([(item, False)], style="ListBullet"))
    elif isinstance(block, Fields):
        for key, value in block.rows:
            d.add(_p([(key + colon, True), (value, False)], after_pt=0))
        d.add(_p([]))
    elif isinstance(block, Table):
        d.table(block.headers, block.rows, block.widths)
        d.add(_p([]))
    elif isinstance(block, Seal):
        d.add(_p([]))
        for line in block.lines:
            d.add(_p([(line, False)], before_pt=18))
    elif isinstance(block, PageBreak):
        d.page_break()


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
    colon = "：" if lang == "zh" else ": "
    body = _Body(doc)
    for block in blocks(report):
        _block(body, block, colon)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
