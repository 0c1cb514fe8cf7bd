"""Realistic input documents of a chosen size: PDFs of scanned pages and Word files
with pictures, written piece by piece (a 50 MB file never sits in memory).

A PDF here is what a scanner or a "print to PDF" makes: a page tree of many pages,
each a line of text and a JPEG image, a classic cross-reference table and trailer.
A DOCX is an Office Open XML package: a main document of paragraphs and pictures,
its relationships, ``docProps/app.xml`` (the page count Word records) and the JPEGs
under ``word/media/`` (stored, as Word stores JPEGs: they do not compress).
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

#: Distinct pictures: pages cycle through them, so files differ page to page.
PICTURES = 12


@functools.cache
def picture(number: int, width: int = 640, height: int = 480) -> bytes:
    """A noisy (incompressible, like a photograph) JPEG, different for each ``number``."""
    from PIL import Image

    bands = [Image.effect_noise((width, height), 40 + 5 * (number + band)) for band in range(3)]
    image = Image.merge("RGB", bands)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _pictures_until(size: int, overhead: int) -> int:
    """How many pictures (each with ``overhead`` bytes around it) make ``size`` bytes."""
    each = sum(len(picture(n)) for n in range(PICTURES)) / PICTURES + overhead
    return max(1, round(size / each))


def pdf(path: Path, size: int) -> Path:
    """A PDF of about ``size`` bytes: one scanned page per picture."""
    pages = _pictures_until(size, 600)
    offsets: list[int] = []
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

        def obj(body: bytes, stream: bytes | None = None) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % len(offsets) + body)
            if stream is not None:
                out.write(b"\nstream\n" + stream + b"\nendstream")
            out.write(b"\nendobj\n")

        # 1 catalog, 2 page tree, 3 font; then page, contents and image per page.
        kids = b" ".join(b"%d 0 R" % (4 + 3 * n) for n in range(pages))
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
        obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for n in range(pages):
            contents, image = 5 + 3 * n, 6 + 3 * n  # the page itself is 4 + 3n
            obj(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << "
                b"/Font << /F1 3 0 R >> /XObject << /Im%d %d 0 R >> >> /Contents %d 0 R >>"
                % (n, image, contents)
            )
            text = b"BT /F1 14 Tf 72 740 Td (Page %d: a scanned figure and its caption.) Tj ET" % (
                n + 1
            )
            draw = text + b"\nq 468 0 0 351 72 320 cm /Im%d Do Q" % n
            obj(b"<< /Length %d >>" % len(draw), draw)
            jpeg = picture(n % PICTURES)
            obj(
                b"<< /Type /XObject /Subtype /Image /Width 640 /Height 480 /ColorSpace "
                b"/DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>" % len(jpeg),
                jpeg,
            )
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/></Types>'
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARAGRAPH = (
    "<w:p><w:r><w:t>Section {n}: the findings of this part of the report, with the figure "
    "below and the discussion that follows it in some detail.</w:t></w:r></w:p>"
)
_DRAWING = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
    'drawingml/2006/wordprocessingDrawing"><wp:extent cx="5486400" cy="4114800"/>'
    '<wp:docPr id="{n}" name="Picture {n}"/><a:graphic xmlns:a="http://schemas.'
    'openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.'
    'openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.'
    'openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="rIdImage{n}"/>'
    "</pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def docx(path: Path, size: int) -> Path:
    """A Word document of about ``size`` bytes: a page of text and a picture per page."""
    pages = _pictures_until(size, 1200)
    body = "".join(_PARAGRAPH.format(n=n) * 6 + _DRAWING.format(n=n) for n in range(pages))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>{body}</w:body></w:document>'
    )
    relations = "".join(
        f'<Relationship Id="rIdImage{n}" Type="{_R}/image" Target="media/image{n}.jpeg"/>'
        for n in range(pages)
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'extended-properties"><Application>Microsoft Office Word</Application>'
        f"<Pages>{pages}</Pages><Words>{pages * 150}</Words></Properties>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _PACKAGE_RELS)
        package.writestr("docProps/app.xml", app)
        package.writestr("word/document.xml", document)
        package.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{relations}</Relationships>',
        )
        for n in range(pages):
            package.writestr(f"word/media/image{n}.jpeg", picture(n % PICTURES), zipfile.ZIP_STORED)
    return path
