"""Read the SSDA903 return as the XML file case management systems export for the DfE collection.

The XML holds the same data as the CSV tables, one ``CHILD`` element per child::

    <CHILD>
      <HEADER>
        <CHILDID>..</CHILDID><SEX>..</SEX><DOB>..</DOB><ETHNIC>..</ETHNIC><UPN>..</UPN>
        <UASC>..</UASC><DUC>..</DUC>                         (unaccompanied asylum-seeking child)
        <IN_TOUCH>..</IN_TOUCH><ACTIV>..</ACTIV><ACCOM>..</ACCOM>   (care leaver, OC3)
        <MOTHER>..</MOTHER><MC_DOB>..</MC_DOB>
        <AREVIEW>..</AREVIEW> <AMISSING>..</AMISSING> <OC2>..</OC2> <PERMANENCE>..</PERMANENCE> ...
      </HEADER>
      <EPISODE><DECOM>..</DECOM><RNE>..</RNE>...<PL>..</PL>...</EPISODE>   (one per episode)
    </CHILD>

Elements outside the ``CHILD`` elements may declare the collection year (``<Year>2024</Year>``,
``<CollectionYear>2023-24</CollectionYear>`` or a ``<ReferenceDate>``): the year the file itself states is
the year its records belong to.

This module turns the XML into the same tables of cell text the CSV files give (``CHILDID`` becomes
``CHILD`` and ``PL`` becomes ``PLACE``), so the reader cleans and checks both in one way. It never reads
UPN, MOTHER or MC_DOB, and from the tables this service does not use it only counts records. A row's
location is its position in the file: the n-th child for Header, UASC and OC3 rows, the n-th episode for
Episodes rows (counting from 1), which does not depend on how the XML is laid out on lines.

Parsing is safe for files from anywhere: DTDs, entities and external references are refused
(defusedxml), the file is read as a stream, and its size, nesting depth and number of elements (in all,
and within one child) are bounded while it is parsed, so a crafted file is refused at the first element
over a limit. Elements already read are dropped from the tree, so memory does not grow with the file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .normalise import parse_date
from .schema import (
    AD1,
    EPISODES,
    FILE_KINDS,
    HEADER,
    MISSING,
    OC2,
    OC3,
    PLACED_ADOPTION,
    PREV_PERM,
    REVIEWS,
    UASC,
)

MAX_XML_BYTES = 256 * 1024 * 1024
"""The largest XML file read: a national-scale return is far smaller."""

MAX_XML_DEPTH = 32
"""The deepest nesting read: an SSDA903 return nests five or six elements deep."""

XML_ELEMENTS_PER_CELL = 4
"""Elements allowed per cell of the upload limits (`UploadLimits.max_cells`): a return's elements are
its cells plus the elements that group them, and records of tables this service only counts."""

MAX_ELEMENTS_PER_CHILD = 50_000
"""The most elements one CHILD may hold (it is kept whole until read): hundreds of episodes and reviews
are a few thousand."""

# Element names that differ from the CSV column names.
_RENAMED = {"CHILDID": "CHILD", "PL": "PLACE"}

# Elements inside a child's HEADER that are records of a table this service does not use.
_UNUSED_RECORDS = {
    "AREVIEW": REVIEWS,
    "AMISSING": MISSING,
    "OC2": OC2,
    "PERMANENCE": PREV_PERM,
    "AD_PLACED": PLACED_ADOPTION,
}

# Elements (outside the children) that state the file's collection year.
_YEAR_TAGS = {"YEAR", "COLLECTIONYEAR", "COLLECTION_YEAR"}
_REFERENCE_DATE_TAGS = {"REFERENCEDATE", "REFERENCE_DATE"}
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$")

_TRUE = {"1", "Y", "YES", "TRUE"}


class XmlReturnError(ValueError):
    """The file is XML but cannot be read as an SSDA903 return; the message says why, for the user."""


@dataclass
class XmlReturn:
    """The tables of one SSDA903 XML file as cell text.

    ``tables`` maps a table (``header``, ``episodes``, ``uasc``, ``oc3``) to its columns (CSV column
    names, each an object array of text, ``""`` when absent) and ``rows`` to each record's position.
    ``unused`` counts the records of tables this service does not read. ``year_end`` is the collection
    year the file declares (the year in which it ends on 31 March), or None when it declares none.
    """

    year_end: int | None
    tables: dict[str, dict[str, np.ndarray]]
    rows: dict[str, np.ndarray]
    unused: dict[str, int] = field(default_factory=dict)
    children: int = 0


def looks_like_xml(data: bytes) -> bool:
    """True when the content is XML (whatever the file is called): it starts with ``<`` once any byte-order
    mark and leading white space are set aside."""
    head = data[:512]
    for mark, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(mark):
            head = head[len(mark) :].decode(encoding, errors="ignore").encode("ascii", errors="ignore")
            break
    return head.lstrip().startswith(b"<")


def _tag(element: Element) -> str:
    """The element's name without any namespace, upper-cased."""
    name = element.tag if isinstance(element.tag, str) else ""
    return name.rsplit("}", 1)[-1].upper()


def _text(element: Element) -> str:
    return (element.text or "").strip()


def _declared_year(tag: str, text: str) -> int | None:
    """The collection year end stated by a header element, e.g. ``2024``, ``2023-24`` or a 31 March date."""
    if tag in _YEAR_TAGS:
        match = _YEAR.match(text)
        if not match:
            return None
        start, end = int(match[1]), match[2]
        if end is None:
            return start  # the DfE names a collection by the year it ends in ("2024" is 2023-24)
        return start + 1
    if tag in _REFERENCE_DATE_TAGS:
        date = parse_date(text[:10])
        if date is None:
            return None
        return date.year + (1 if date.month >= 4 else 0)
    return None


class _Tables:
    """Columns of text being collected, one list per column, in the CSV columns' order."""

    def __init__(self) -> None:
        self.columns = {
            name: {c.name: [] for c in FILE_KINDS[name].columns} for name in (HEADER, EPISODES, UASC, OC3)
        }
        self.rows: dict[str, list[int]] = {name: [] for name in self.columns}

    def add(self, table: str, values: dict[str, str], row: int) -> None:
        for column, cells in self.columns[table].items():
            cells.append(values.get(column, ""))
        self.rows[table].append(row)


def read_xml_return(data: bytes, *, max_elements: int = 4_000_000) -> XmlReturn:
    """Read an SSDA903 XML file's records into tables of text (see the module docstring).

    Raises `XmlReturnError` when the file is too large, nests deeper than `MAX_XML_DEPTH`, holds more
    than `max_elements` elements (or one child more than `MAX_ELEMENTS_PER_CHILD`), is not well-formed
    XML, uses a DTD or entities, or holds no SSDA903 children.
    """
    if len(data) > MAX_XML_BYTES:
        raise XmlReturnError(
            f"The XML file is larger than {MAX_XML_BYTES // (1024 * 1024)} MB, more than any SSDA903 return."
        )
    # Before parsing: every element opens with "<" not followed by "/", so this counts at least the
    # elements (comments and declarations too), at the speed of a byte scan, and a file of millions of tiny
    # elements is refused before any is built.
    if data.count(b"<") - data.count(b"</") > max_elements:
        raise XmlReturnError(
            f"The XML file holds more than {max_elements:,} elements, more than the upload limits allow. It "
            "was refused for safety."
        )
    tables = _Tables()
    unused: dict[str, int] = {}
    declared: int | None = None
    children = episodes = 0
    depth_in_child = 0
    elements = in_child = 0
    open_elements: list[Element] = []
    try:
        for event, element in iterparse(
            io.BytesIO(data), events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            if event == "start":
                open_elements.append(element)
                elements += 1
                if len(open_elements) > MAX_XML_DEPTH:
                    raise XmlReturnError(
                        f"The XML file nests elements more than {MAX_XML_DEPTH} deep; an SSDA903 return "
                        "nests five or six. It was refused for safety."
                    )
                if elements > max_elements:
                    raise XmlReturnError(
                        f"The XML file holds more than {max_elements:,} elements, more than the upload "
                        "limits allow. It was refused for safety."
                    )
                if depth_in_child or _tag(element) == "CHILD":
                    depth_in_child += 1
                    in_child = in_child + 1 if depth_in_child > 1 else 1
                    if in_child > MAX_ELEMENTS_PER_CHILD:
                        raise XmlReturnError(
                            f"A CHILD element of the XML file holds more than {MAX_ELEMENTS_PER_CHILD:,} "
                            f"elements (child {children + 1}). It was refused for safety."
                        )
                continue
            open_elements.pop()
            if depth_in_child:
                depth_in_child -= 1
                if depth_in_child:
                    continue  # an element inside a child: read with the child
                children += 1
                episodes = _read_child(element, children, episodes, tables, unused)
            elif declared is None and len(element) == 0:
                declared = _declared_year(_tag(element), _text(element))
            # Read: drop it from the tree, so memory stays flat however many elements the file holds.
            element.clear()
            # Its earlier siblings are gone already, so it is its parent's first child (later ones the
            # parser has built ahead of these events follow it).
            if open_elements and len(open_elements[-1]) and open_elements[-1][0] is element:
                del open_elements[-1][0]
    except DefusedXmlException as exc:
        raise XmlReturnError(
            "The XML file declares a document type or entities, which SSDA903 returns never need; it was "
            "refused for safety."
        ) from exc
    except ParseError as exc:
        raise XmlReturnError(f"The file is not well-formed XML ({exc}).") from exc
    if not children:
        raise XmlReturnError(
            "The XML file holds no SSDA903 children (CHILD elements with a HEADER and EPISODE records)."
        )
    return XmlReturn(
        year_end=declared,
        tables={
            name: {c: np.array(v, dtype=object) for c, v in columns.items()}
            for name, columns in tables.columns.items()
        },
        rows={name: np.array(rows, dtype="int64") for name, rows in tables.rows.items()},
        unused=unused,
        children=children,
    )


def _leaves(element: Element) -> dict[str, str]:
    """The text of an element's childless sub-elements, by CSV column name."""
    return {_RENAMED.get(_tag(e), _tag(e)): _text(e) for e in element if len(e) == 0}


def _read_child(child: Element, position: int, episodes: int, tables: _Tables, unused: dict[str, int]) -> int:
    """Add one CHILD element's records to the tables; returns the number of episodes read so far."""
    values = _leaves(child)
    for part in child:
        if _tag(part) == "HEADER":
            values.update(_leaves(part))
            for record in part:
                table = _UNUSED_RECORDS.get(_tag(record))
                if table is not None:
                    unused[table] = unused.get(table, 0) + 1
    # UPN, MOTHER and MC_DOB are never copied: only the listed columns of each table are.
    tables.add(HEADER, values, position)
    if values.get("UASC", "").upper() in _TRUE or values.get("DUC"):
        tables.add(UASC, values, position)
    if values.get("IN_TOUCH") or values.get("ACTIV") or values.get("ACCOM"):
        tables.add(OC3, values, position)
    if values.get("DATE_INT"):
        unused[AD1] = unused.get(AD1, 0) + 1
    identity = {"CHILD": values.get("CHILD", "")}
    for part in child:
        if _tag(part) == "EPISODE":
            episodes += 1
            tables.add(EPISODES, {**_leaves(part), **identity}, episodes)
    return episodes
