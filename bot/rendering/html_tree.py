"""The reports' HTML as an element tree, built by the standard library's HTMLParser: what WeasyPrint's HTML5 parser
(tinyhtml5) builds from our templates, in a fifth of its time (15 ms of the Heilongjiang PDF's CPU, 3 ms now).

The templates are well-formed HTML with explicit html/head/body and closing tags; what the HTML5 tree builder adds
to them is done here too: void elements (br, col, meta …) have no end tag, a row directly in a table is put in an
implied tbody, a col directly in a table in an implied colgroup, and the elements of an inline SVG (the charts)
are in the SVG namespace with viewBox spelled as SVG spells it.  Anything else (an SVG element or attribute whose
case HTMLParser's lower-casing would lose, MathML, a tag closed out of order) raises `NotPlain`, and the caller
parses with tinyhtml5.  tests/rendering/test_html_tree.py checks that every report renders to the same PDF bytes
either way.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element, TreeBuilder

VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"))
#: elements whose end the HTML5 tree builder implies when their table (or table section) closes
_IMPLIED = frozenset(("tbody", "colgroup"))
_NOT_PLAIN = frozenset(("math", "template", "frameset", "select", "option", "caption"))
SVG_NS = "http://www.w3.org/2000/svg"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"
#: SVG elements whose names are all lower case (so HTMLParser's lower-casing loses nothing)
_SVG_TAGS = frozenset(("svg", "g", "text", "tspan", "line", "polyline", "polygon", "rect", "circle", "ellipse",
                       "path", "title", "desc"))
#: SVG attributes whose names HTMLParser gives as they are, and the two it lower-cases that the charts use
_SVG_ATTRS = frozenset(("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width",
                        "height", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity",
                        "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "opacity", "points", "d",
                        "transform", "class", "id", "style", "font-family", "font-size", "font-weight",
                        "text-anchor", "dominant-baseline"))
_SVG_CASE = {"viewbox": "viewBox", "preserveaspectratio": "preserveAspectRatio"}


class NotPlain(ValueError):
    """The document needs the full HTML5 tree builder."""


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tree = TreeBuilder()
        self.open: list[str] = []
        self.implied_colgroup = False
        #: how many open elements are SVG (the svg element and those inside it)
        self.svg = 0

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        self.tree.start(tag, attrs)
        self.open.append(tag)

    def _end(self) -> None:
        tag = self.open.pop()
        if self.svg:
            self.svg -= 1
            tag = f"{{{SVG_NS}}}{tag}"
        self.tree.end(tag)

    def _svg_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SVG_TAGS:
            raise NotPlain(f"SVG element {tag}")
        adjusted = {}
        for name, value in attrs:
            if name == "xmlns" and value == SVG_NS:
                adjusted[f"{{{XMLNS_NS}}}xmlns"] = value
            elif name in _SVG_CASE or name in _SVG_ATTRS:
                adjusted[_SVG_CASE.get(name, name)] = value or ""
            else:
                raise NotPlain(f"SVG attribute {name}")
        self.tree.start(f"{{{SVG_NS}}}{tag}", adjusted)
        self.open.append(tag)
        self.svg += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_PLAIN or ":" in tag:
            raise NotPlain(tag)
        if self.svg or tag == "svg":
            self._svg_start(tag, attrs)
            return
        if self.implied_colgroup and tag != "col":
            self._end()  # the implied colgroup ends where something else than a col starts
            self.implied_colgroup = False
        top = self.open[-1] if self.open else None
        if tag == "tr" and top == "table":
            self._start("tbody", {})
        elif tag == "col" and top == "table":
            self._start("colgroup", {})
            self.implied_colgroup = True
        self._start(tag, {name: value or "" for name, value in attrs})
        if tag in VOID:
            self._end()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        svg = bool(self.svg) or tag == "svg"
        self.handle_starttag(tag, attrs)
        if svg or tag not in VOID:
            self._end()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID and not self.svg:
            return
        if self.implied_colgroup:
            self._end()
            self.implied_colgroup = False
        while self.open and self.open[-1] != tag and self.open[-1] in _IMPLIED:
            self._end()
        if not self.open or self.open[-1] != tag:
            raise NotPlain(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        self._end()

    def handle_data(self, data: str) -> None:
        if not self.open:
            if data.strip():
                raise NotPlain("text outside the document")
            return
        self.tree.data(data)


def parse(html: str) -> Element:
    """The document's root element (html), as tinyhtml5 builds it from our templates; NotPlain when it cannot
    tell."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    if builder.open:
        raise NotPlain(f"unclosed {builder.open[-1]}")
    root = builder.tree.close()
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        raise NotPlain("not html > head, body")
    return root
