"""The emulator's results: files of the right kind, visibly labelled as emulator output.

* Text comes back with each line prefixed ``[<target>] ``.
* Word, PowerPoint and Excel files (OOXML) come back with every text run prefixed.
* A translated PDF is the uploaded PDF with an incremental update appended whose
  document information (title, subject) says which file it stands for: as large as
  the upload, as a real translation is, and streamed from disk, never held in memory.
* A PDF of another kind (``dtype`` 2 of a Word file, or a conversion to PDF) is
  generated: one page per counted page, saying which file it stands for.
* A Word file generated from a PDF (``dtype`` 3 of a PDF, or a conversion to Word) and
  an Excel sheet (conversion to Excel) are minimal valid documents with the same label.
* A conversion to PPTX or OFD is a ZIP container holding the label (a real slide deck
  or OFD layout is beyond an emulator); legacy binary formats (``.doc``, ``.xls``…)
  come back unchanged — the response's ``X-Emulator`` header says so.
* An image comes back with the label drawn on it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

LABEL = "Fanyigou emulator"

#: OOXML parts and the elements whose text is a run of the document.
_RUNS = re.compile(r"(<(?:w:t|a:t|t)(?:\s[^>]*)?>)([^<]*)(</(?:w:t|a:t|t)>)")
_TEXT_PARTS = re.compile(
    r"^(word/(document|header\d*|footer\d*)\.xml|ppt/slides/slide\d+\.xml|xl/sharedStrings\.xml)$"
)


def prefix_lines(data: bytes, target: str) -> bytes:
    """A text file with each line prefixed ``[<target>] `` (UTF-8 in and out; a BOM is kept)."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom) :].decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    return bom + "".join(f"[{target}] {line}" for line in lines).encode("utf-8")


def prefix_text_file(source: Path, destination: Path, target: str) -> None:
    """:func:`prefix_lines` from file to file, a line at a time, never the whole
    file in memory.  The same bytes: every break :meth:`str.splitlines` finds lies
    inside a piece cut at ``\\n``, and no UTF-8 character contains that byte."""
    with source.open("rb") as original, destination.open("wb") as copy:
        first = True
        for line in original:
            bom = b"\xef\xbb\xbf" if first and line.startswith(b"\xef\xbb\xbf") else b""
            first = False
            copy.write(bom + prefix_lines(line[len(bom) :], target))


def pdf_update(source: Path, label: str) -> bytes:
    """The incremental update that labels a copy of the PDF at ``source``: a new
    document information dictionary and the cross-reference section and trailer
    pointing at it (``/Prev``: the original's).  Only the trailer is read."""
    from pypdf import PdfReader

    with source.open("rb") as handle:
        reader = PdfReader(handle)
        size = int(cast(Any, reader.trailer["/Size"]))
        root = reader.trailer.raw_get("/Root")
        end = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, end - 2048))
        previous = int(re.findall(rb"startxref\s+(\d+)", handle.read())[-1])
    shown = _pdf_text(label)
    update = io.BytesIO()
    update.write(b"\n")
    info = end + update.tell()
    update.write(
        b"%d 0 obj\n<< /Title (%s) /Subject (%s) /Producer (%s) >>\nendobj\n"
        % (size, shown, shown, _pdf_text(LABEL))
    )
    xref = end + update.tell()
    # Object 0's entry first, as writers put it (strict readers expect it).
    update.write(b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (size, info))
    update.write(
        b"trailer\n<< /Size %d /Root %d %d R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (size + 1, root.idnum, root.generation, size, previous, xref)
    )
    return update.getvalue()


def _pdf_text(text: str) -> bytes:
    """``text`` as the inside of a PDF literal string (ASCII; anything else ``?``)."""
    shown = text.encode("ascii", "replace")
    return shown.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def prefix_ooxml(source: Path, destination: Path, target: str) -> None:
    """Copy an OOXML file, prefixing every text run with ``[<target>] ``."""
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if _TEXT_PARTS.match(info.filename):
                text = data.decode("utf-8", errors="replace")
                text = _RUNS.sub(lambda m: f"{m[1]}[{escape(target)}] {m[2]}{m[3]}", text)
                data = text.encode("utf-8")
            copy.writestr(info, data)


def pdf(lines_per_page: list[list[str]]) -> bytes:
    """A small valid PDF with the given lines of text on each page (ASCII shown;
    anything else replaced by ``?``: the built-in font has no other glyphs)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_ref = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in lines_per_page or [[LABEL]]:
        commands = ["BT /F1 12 Tf 56 780 Td 16 TL"]
        for line in lines:
            commands.append(f"({_pdf_text(line).decode('ascii')}) Tj T*")
        commands.append("ET")
        stream = "\n".join(commands).encode("ascii")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_ref, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_ref
    objects[pages_ref - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/>{extra}</Types>'
)
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{part}"/></Relationships>'
)


def docx(paragraphs: list[str]) -> bytes:
    """A minimal valid Word document with one paragraph per string."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(
                part="word/document.xml",
                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                extra="",
            ),
            "_rels/.rels": _ROOT_RELS.format(part="word/document.xml"),
            "word/document.xml": document,
        }
    )


def xlsx(rows: list[str]) -> bytes:
    """A minimal valid Excel workbook with one inline-string cell per row."""
    cells = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(text)}</t></is></c></row>'
        for i, text in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(
                part="xl/workbook.xml",
                content_type=_SHEET_MAIN,
                extra=(
                    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
                ),
            ),
            "_rels/.rels": _ROOT_RELS.format(part="xl/workbook.xml"),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" '
                f'xmlns:r="{relations}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{relations}/worksheet" '
                'Target="worksheets/sheet1.xml"/>'
                "</Relationships>"
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}">'
                f"<sheetData>{cells}</sheetData></worksheet>"
            ),
        }
    )


def labelled_zip(name: str, lines: list[str]) -> bytes:
    """A ZIP container holding the label, for formats the emulator cannot lay out."""
    return _zip({name: "\n".join(lines) + "\n"})


def _zip(members: dict[str, str]) -> bytes:
    """The members zipped with a fixed date: the same result asked twice (a download
    retried after a cut) is the same bytes, as the service's stored file is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            member = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, text.encode("utf-8"))
    return out.getvalue()


def labelled_image(source: Path, target: str) -> bytes:
    """The image with ``[<target>] Fanyigou emulator`` drawn in its top-left corner,
    as a PNG whatever the input: ``downloadImage`` is asked by task id, so a client
    cannot learn the format from a name, and transhub names the result ``.png``; the
    bytes must say the same."""
    from PIL import Image, ImageDraw

    with Image.open(source) as image:
        copy = image.convert("RGB")
    ImageDraw.Draw(copy).text((2, 2), f"[{target}] {LABEL}", fill=(255, 0, 0))
    out = io.BytesIO()
    copy.save(out, format="PNG")
    return out.getvalue()
